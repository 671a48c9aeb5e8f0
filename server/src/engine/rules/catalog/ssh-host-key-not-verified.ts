import { defineRule, type EditSpec, type FixSpec, type Report } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { forEachNodeInUnit } from '../../analysis/units';
import { referenceModuleAt } from '../support/imports';
import { codeSnippet } from '../support/snippets';
import { isInUnit } from '../support/units';

/** Policies that accept a host key nobody has verified, by qualified name. */
const ACCEPTING_POLICIES = new Map<string, 'AutoAddPolicy' | 'WarningPolicy'>([
  ['paramiko.AutoAddPolicy', 'AutoAddPolicy'],
  ['paramiko.client.AutoAddPolicy', 'AutoAddPolicy'],
  ['paramiko.WarningPolicy', 'WarningPolicy'],
  ['paramiko.client.WarningPolicy', 'WarningPolicy'],
]);

/** Calls that make a client check known hosts' keys: unknown hosts are then the only ones let through. */
const HOST_KEY_LOADERS = new Set(['load_system_host_keys', 'load_host_keys']);

/** An `if` condition around the call that makes it an explicit opt-in (`if args.insecure:`, `if not strict_host_keys:`). */
const OPT_IN = /insecure|unsafe|debug|verif|strict|host_?keys?|known_?hosts|trust|auto_?add|accept/i;

function optInCondition(node: SyntaxNode, unitNode: SyntaxNode): SyntaxNode | null {
  let child = node;
  for (let current = node.parent; current && current !== unitNode; current = current.parent) {
    if ((current.type === 'if_statement' || current.type === 'elif_clause') && child.field !== 'condition') {
      const condition = current.child('condition');
      if (condition && OPT_IN.test(condition.text)) return condition;
    }
    if (current.type === 'else_clause' && current.parent?.type === 'if_statement') {
      const condition = current.parent.child('condition');
      if (condition && OPT_IN.test(condition.text)) return condition;
    }
    child = current;
  }
  return null;
}

function code(node: SyntaxNode): string {
  return codeSnippet(node, 50);
}

export default defineRule({
  meta: {
    id: 'VG305',
    name: 'ssh-host-key-not-verified',
    title: 'SSH host key accepted without verification',
    cwe: [295],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B507'],
    ruff: ['S507'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags paramiko clients told to accept unknown host keys: `set_missing_host_key_policy()` with `AutoAddPolicy` or `WarningPolicy` (an instance or the class, under any import or alias).',
      whyIsThisBad:
        'The host key is how an SSH client knows it reached the real server. With `AutoAddPolicy` (or `WarningPolicy`, which only logs) any key is accepted for a host the client does not know yet, so whoever sits on the network path (a hostile Wi-Fi, ARP or DNS spoofing, a compromised router) can answer instead, receive the password or the forwarded agent, and read or change everything sent over the session, including the commands run on the server. Fresh containers and CI runners never know any host, so there every connection is exposed.',
      example:
        'import paramiko\n\nclient = paramiko.SSHClient()\nclient.set_missing_host_key_policy(paramiko.AutoAddPolicy())\nclient.connect("deploy.example.com", username="deploy", password=password)',
      useInstead:
        'import paramiko\n\nclient = paramiko.SSHClient()\nclient.load_system_host_keys()  # ~/.ssh/known_hosts\nclient.load_host_keys("/etc/myapp/known_hosts")  # keys provisioned with the deployment\nclient.set_missing_host_key_policy(paramiko.RejectPolicy())\nclient.connect("deploy.example.com", username="deploy", key_filename="/etc/myapp/deploy_key")',
      references: [
        'https://cwe.mitre.org/data/definitions/295.html',
        'https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.SSHClient.set_missing_host_key_policy',
        'https://docs.paramiko.org/en/stable/api/client.html#paramiko.client.AutoAddPolicy',
        'https://owasp.org/www-community/attacks/Manipulator-in-the-middle_attack',
      ],
      knownProblems:
        'When the same client loads known hosts in the same function (`client.load_system_host_keys()`, `client.load_host_keys(path)`), a changed key of a known host is still rejected and only hosts missing from the file are auto-added: that is still reported (a first connection, or a new server, can be intercepted) with medium severity. Under an explicit opt-in such as `if args.insecure:` or `if not strict_host_key_checking:` the finding has medium confidence. Not flagged: `RejectPolicy`, custom `MissingHostKeyPolicy` subclasses (they may verify keys another way, and are not read), a policy held in a variable assigned more than once or in an attribute, and other libraries: `asyncssh.connect(..., known_hosts=None)`, `fabric`/`sshtunnel` settings and `ssh -o StrictHostKeyChecking=no` in subprocess commands are not checked.',
      fixSafety:
        'Switching to `paramiko.RejectPolicy()` is unsafe: it changes behaviour on purpose. Connections to hosts whose keys are not known now fail with `SSHException`, so the keys must be provided: call `client.load_system_host_keys()` (the user\'s `~/.ssh/known_hosts`) or `client.load_host_keys(path)` with a known_hosts file shipped with the deployment before connecting. The fix does not add those calls, since only you know where the keys come from.',
    },
  },
  create(context) {
    const { model, unit } = context;
    const unitNode = unit.node;
    let loaders: Map<string, SyntaxNode> | undefined;

    /** `X.load_system_host_keys()` calls of the unit, by the receiver's text. */
    const hostKeyLoaders = (): Map<string, SyntaxNode> => {
      if (!loaders) {
        const found = new Map<string, SyntaxNode>();
        forEachNodeInUnit(unitNode, (node) => {
          if (node.type !== 'call') return;
          const fn = node.child('function');
          if (fn?.type !== 'attribute' || !HOST_KEY_LOADERS.has(fn.child('attribute')?.text ?? '')) return;
          const receiver = fn.child('object');
          if (receiver && !found.has(normalized(receiver))) found.set(normalized(receiver), node);
        });
        loaders = found;
      }
      return loaders;
    };

    /** The policy class a policy argument names (`paramiko.AutoAddPolicy()`, `AutoAddPolicy`), with the node naming it. */
    const acceptingPolicy = (expression: SyntaxNode): { name: 'AutoAddPolicy' | 'WarningPolicy'; reference: SyntaxNode } | null => {
      const expr = unparenthesize(expression);
      const reference = expr.type === 'call' ? expr.child('function') : expr;
      if (!reference || (reference.type !== 'identifier' && reference.type !== 'attribute')) return null;
      const name = ACCEPTING_POLICIES.get(model.qualifiedName(reference) ?? '');
      return name ? { name, reference } : null;
    };

    const fixFor = (reference: SyntaxNode): FixSpec | null => {
      const edits: EditSpec[] = [];
      let shown: string;
      const called = reference.parent?.type === 'call' && reference.field === 'function' ? '()' : '';
      if (reference.type === 'attribute') {
        const attribute = reference.child('attribute')!;
        edits.push({ start: attribute.start, end: attribute.end, newText: 'RejectPolicy' });
        shown = `${code(reference.child('object')!)}.RejectPolicy${called}`;
      } else {
        // `from paramiko import AutoAddPolicy`: refer to the module, which is imported once if need be.
        const module = referenceModuleAt(model, 'paramiko', reference, unit);
        if (!module) return null;
        edits.push(...module.edits, { start: reference.start, end: reference.end, newText: `${module.reference}.RejectPolicy` });
        shown = `${module.reference}.RejectPolicy${called}`;
      }
      return { title: `Use \`${shown}\``, safety: 'unsafe', edits };
    };

    return {
      call(call) {
        const fn = call.child('function');
        if (fn?.type !== 'attribute' || fn.child('attribute')?.text !== 'set_missing_host_key_policy') return;
        const receiver = fn.child('object');
        const args = callArguments(call);
        const argument = args.positional[0] ?? args.keywords.get('policy');
        if (!receiver || !argument) return;

        const related: NonNullable<Report['related']>[number][] = [];
        let policy = acceptingPolicy(argument);
        const direct = !!policy;
        let inPlace = true;
        if (!policy && unparenthesize(argument).type === 'identifier') {
          // `policy = paramiko.AutoAddPolicy()` then `client.set_missing_host_key_policy(policy)`.
          const value = model.singleValue(unparenthesize(argument));
          policy = value ? acceptingPolicy(value) : null;
          if (!policy || !value) return;
          inPlace = isInUnit(value, unitNode);
          if (inPlace) related.push({ at: value.parent?.type === 'assignment' ? value.parent : value, message: `\`${code(argument)}\` is ${policy.name === 'AutoAddPolicy' ? 'an' : 'a'} \`${policy.name}\` created here` });
        }
        if (!policy) return;

        const client = code(receiver);
        const given = direct ? `\`${code(argument)}\`` : `\`${code(argument)}\`, ${policy.name === 'AutoAddPolicy' ? 'an' : 'a'} \`${policy.name}\``;
        const what =
          policy.name === 'AutoAddPolicy'
            ? `\`${client}\` trusts and saves the key of any host it does not know (${given})`
            : `\`${client}\` connects to any host whose key it does not know, with only a logged warning (${given})`;
        const loader = hostKeyLoaders().get(normalized(receiver));
        let message: string;
        let severity: Report['severity'];
        if (loader) {
          severity = 'medium';
          message = `${what}: known hosts are checked (\`${code(loader)}\`), but a first connection or a new server can still be intercepted`;
          if (isInUnit(loader, unitNode)) related.push({ at: loader, message: 'Known hosts are loaded here: only hosts missing from them are accepted unverified' });
        } else {
          message = `${what}: anyone on the network path can impersonate the server and receive the credentials and the session`;
        }
        const guard = optInCondition(call, unitNode);
        if (guard) related.push({ at: guard, message: 'Host keys are only accepted unverified under this condition' });
        const fix = inPlace ? fixFor(policy.reference) : null;
        context.report({
          at: call,
          message,
          ...(severity ? { severity } : {}),
          ...(guard ? { confidence: 'medium' as const } : {}),
          ...(related.length > 0 ? { related } : {}),
          ...(fix ? { fix } : {}),
        });
      },
    };
  },
});

function normalized(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, '');
}
