import { defineRule } from '../rule';
import type { Severity } from '../../findings';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { kindBit } from '../../flow/concepts';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

/** Functions that make a value one shell word. */
const QUOTERS: ReadonlySet<string> = new Set(['shlex.quote', 'pipes.quote', 'shlex.join']);
const SSH_CLIENTS: ReadonlySet<string> = new Set(['paramiko.SSHClient', 'paramiko.client.SSHClient']);
/** Names an SSH client goes by when it is not bound to `SSHClient()` here (`self.ssh`, a parameter `client`). */
const CLIENT_NAMES = /^(?:_*(?:ssh|ssh_?client|client|conn|connection|remote|sshc|ssh_conn))$/i;

export default defineRule({
  meta: {
    id: 'VG608',
    name: 'paramiko-command-injection',
    title: 'Remote shell command built from data (paramiko)',
    cwe: [78],
    severity: 'high',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B601'],
    ruff: ['S601'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags paramiko `SSHClient.exec_command(command)` where the command is not a constant. The command runs in the remote user\'s login shell, so the finding is `high` when request data or program input is seen reaching it, and `medium` for any other value built at run time.',
      whyIsThisBad:
        '`exec_command()` sends a string to the SSH server, which runs it with the remote account\'s shell: quotes, `;`, `|`, `$()` and backticks in any part of it are shell syntax. A host name, file name or user name spliced into the command lets whoever controls it run their own commands on the remote machine, with the privileges of the account the application logs in as (often a deploy or root account).',
      example:
        'import paramiko\n\n\ndef tail_log(host, service):\n    client = paramiko.SSHClient()\n    client.load_system_host_keys()\n    client.connect(host)\n    _, out, _ = client.exec_command(f"journalctl -u {service} -n 100")\n    return out.read()',
      useInstead:
        'import shlex\n\nimport paramiko\n\nSERVICES = {"web", "worker"}\n\n\ndef tail_log(host, service):\n    if service not in SERVICES:\n        raise ValueError("unknown service")\n    client = paramiko.SSHClient()\n    client.load_system_host_keys()\n    client.connect(host)\n    _, out, _ = client.exec_command(f"journalctl -u {shlex.quote(service)} -n 100")\n    return out.read()',
      references: [
        'https://cwe.mitre.org/data/definitions/78.html',
        'https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.exec_command',
        'https://docs.python.org/3/library/shlex.html#shlex.quote',
        'https://bandit.readthedocs.io/en/latest/plugins/b601_paramiko_calls.html',
        'https://docs.astral.sh/ruff/rules/paramiko-call/',
      ],
      knownProblems:
        'A constant command, and one whose every spliced value is a number or quoted with `shlex.quote()`, is not reported (Bandit reports every `exec_command`). A value checked against a fixed set is still reported unless it is quoted; suppress the finding with the reason. The client is recognised when it is bound to `paramiko.SSHClient()` in the same scope, or, in a module that imports paramiko at module level, by its name (`ssh`, `client`, `self.ssh`, `conn`); clients returned by helpers with other names, and `Channel.exec_command`/`Transport` sessions, are missed. Fabric and asyncssh are not covered.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;
    let paramiko: boolean | undefined;
    const imported = (): boolean => (paramiko ??= model.importedRoots().has('paramiko'));

    /** Whether the receiver is an SSH client: certainly (bound to `SSHClient()`), by name, or not. */
    const isClient = (receiver: SyntaxNode): boolean => {
      const expr = unparenthesize(receiver);
      if (expr.type === 'call') return SSH_CLIENTS.has(model.calleeQualifiedName(expr) ?? '');
      if (expr.type === 'identifier') {
        const value = model.singleValue(expr);
        if (value && unparenthesize(value).type === 'call') {
          const callee = model.calleeQualifiedName(unparenthesize(value));
          if (callee && SSH_CLIENTS.has(callee)) return true;
          if (callee && /^[A-Z]/.test(callee.split('.').pop()!)) return false; // another class
        }
        return CLIENT_NAMES.test(expr.text) && imported();
      }
      if (expr.type === 'attribute') return CLIENT_NAMES.test(expr.child('attribute')?.text ?? '') && imported();
      return false;
    };

    /** Whether a command is built only from constants, numbers and values quoted with `shlex.quote()`. */
    const quoted = (node: SyntaxNode, depth = 0): boolean => {
      if (depth > 4) return false;
      const expr = unparenthesize(node);
      if (model.isConstant(expr) || model.isNumeric(expr)) return true;
      if (expr.type === 'call') return QUOTERS.has(model.calleeQualifiedName(expr) ?? '');
      const shape = model.stringShape(expr);
      if (!shape) return false;
      return shape.parts.every((part) => part.kind === 'text' || (part.node !== expr && quoted(part.node, depth + 1)));
    };

    return {
      call(call) {
        const fn = call.child('function');
        if (fn?.type !== 'attribute' || fn.child('attribute')?.text !== 'exec_command') return;
        const receiver = fn.child('object');
        if (!receiver || !isClient(receiver)) return;
        const args = callArguments(call);
        const command = args.positional[0] ?? args.keywords.get('command');
        if (!command || quoted(command)) return;
        const taint = context.flow.taintOf(command);
        const remote = !!taint && (taint.kinds & kindBit('remote')) !== 0;
        const local = !!taint && (taint.kinds & kindBit('local')) !== 0;
        const severity: Severity = remote ? 'high' : local ? 'medium' : 'medium';
        const origin = remote ? ', a command built from request data,' : local ? ', a command built from program input,' : ' (not a constant)';
        context.report({
          at: command,
          message: `\`${codeSnippet(fn)}()\` runs \`${codeSnippet(command)}\`${origin} in the remote account's shell: any shell syntax in it runs as commands on that machine; quote each value with \`shlex.quote()\` or check it against a fixed set`,
          severity,
          confidence: remote || local ? 'high' : 'medium',
        });
      },
    };
  },
});
