import { defineRule, type Report } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';
import { isInUnit } from '../support/units';

/** Addresses that mean "every interface" when a server binds to them. */
const ALL_INTERFACES: ReadonlySet<string> = new Set(['0.0.0.0', '::', '', '[::]']);
/** Addresses that mean "every interface" wherever they appear (the empty string means it only in a bind). */
const UNAMBIGUOUS: ReadonlySet<string> = new Set(['0.0.0.0', '::', '[::]']);
/** Strings noted wherever they appear: `"::"` is also a separator (`name.split("::")`), so only `"0.0.0.0"`. */
const NOTED: ReadonlySet<string> = new Set(['0.0.0.0']);

/** Servers whose first argument is an `(host, port)` address. */
const ADDRESS_SERVERS: ReadonlySet<string> = new Set([
  'http.server.HTTPServer',
  'http.server.ThreadingHTTPServer',
  'socketserver.TCPServer',
  'socketserver.UDPServer',
  'socketserver.ThreadingTCPServer',
  'socketserver.ThreadingUDPServer',
  'socketserver.ForkingTCPServer',
  'socketserver.ForkingUDPServer',
  'xmlrpc.server.SimpleXMLRPCServer',
  'xmlrpc.server.DocXMLRPCServer',
  'wsgiref.simple_server.WSGIServer',
  'socket.create_server',
  'smtpd.SMTPServer',
]);
/** Functions whose host is the first argument or `host=`. */
const HOST_FIRST: ReadonlySet<string> = new Set(['wsgiref.simple_server.make_server', 'werkzeug.serving.run_simple', 'werkzeug.run_simple']);

function describe(host: string): string {
  return host === '' ? '`""` (every interface)' : `\`${host}\` (every interface)`;
}

export default defineRule({
  meta: {
    id: 'VG605',
    name: 'bind-all-interfaces',
    title: 'Server bound to every network interface',
    cwe: [1327, 605],
    severity: 'medium',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B104'],
    ruff: ['S104'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags servers told to listen on every network interface: `0.0.0.0`, `::` or `""` as the host of `socket.bind((host, port))`, `socket.create_server`, `http.server.HTTPServer((host, port), ...)` and the `socketserver` classes, `wsgiref.simple_server.make_server`, `run_simple`, and any `host="0.0.0.0"` argument (`app.run(host=...)`, `uvicorn.run(app, host=...)`, `web.run_app(app, host=...)`), directly or through a constant. Other `"0.0.0.0"` strings get a low-confidence note, as Bandit reports every one.',
      whyIsThisBad:
        'A server bound to every interface is reachable from every network the machine is on: the office network, the internet on a cloud VM, other containers. Development servers, debug endpoints, admin ports and services with no authentication are often written assuming only the local machine can reach them; binding to all interfaces removes that assumption without anyone deciding to.',
      example:
        'import socket\n\nfrom flask import Flask\n\napp = Flask(__name__)\n\nsock = socket.socket()\nsock.bind(("0.0.0.0", 9000))\napp.run(host="0.0.0.0", port=8080)',
      useInstead:
        'import os\nimport socket\n\nfrom flask import Flask\n\napp = Flask(__name__)\n\nsock = socket.socket()\nsock.bind(("127.0.0.1", 9000))\n# Listen publicly only where it is decided, e.g. in the container: HOST=0.0.0.0\napp.run(host=os.environ.get("HOST", "127.0.0.1"), port=8080)',
      references: [
        'https://cwe.mitre.org/data/definitions/1327.html',
        'https://cwe.mitre.org/data/definitions/605.html',
        'https://docs.python.org/3/library/socket.html#socket.socket.bind',
        'https://bandit.readthedocs.io/en/latest/plugins/b104_hardcoded_bind_all_interfaces.html',
        'https://docs.astral.sh/ruff/rules/hardcoded-bind-all-interfaces/',
      ],
      knownProblems:
        'Inside a container, binding to `0.0.0.0` is normal and necessary (the port is published by the container runtime, which decides who can reach it); suppress the finding there, or take the host from the environment. Only constant hosts are judged: a host from configuration or the environment is not reported. The empty string is only reported where it is a bind address (a `bind()` tuple, a server\'s address); `"0.0.0.0"` elsewhere (a constant, a dictionary value, a default such as `os.environ.get("HOST", "0.0.0.0")`) gets a `low` severity, `low` confidence note, also when the same constant is later used in a bind that is reported in another function; comparisons such as `if host in ("0.0.0.0", "::"):` and addresses parsed with `ipaddress` (`ip_address("0.0.0.0")`) are not reported, nor is `"::"` outside a bind (it is also a separator). `.bind()` is recognised by its `(host, port)` tuple, not by the socket\'s type.',
    },
  },
  create(context) {
    const { model } = context;
    const unitNode = context.unit.node;
    /** String nodes already reported as the host of a bind, so the generic note does not repeat them. */
    const reported = new Set<SyntaxNode>();
    /** The unit's own string literals, for the note about other `"0.0.0.0"` strings. */
    const strings: SyntaxNode[] = [];

    /** The constant host a node is, with the literal it comes from. */
    const hostOf = (node: SyntaxNode): { host: string; origin: SyntaxNode } | null => {
      const expr = unparenthesize(node);
      const host = model.constantText(expr);
      if (host === null || !ALL_INTERFACES.has(host)) return null;
      if (expr.type === 'string' || expr.type === 'concatenated_string') return { host, origin: expr };
      const origin = expr.type === 'identifier' ? model.singleValue(expr) : null;
      return { host, origin: origin ?? expr };
    };

    /** Reports the host `hostNode`, at `at` (the call's own argument when the address is a name). */
    const report = (hostNode: SyntaxNode, what: string, at: SyntaxNode = hostNode): void => {
      const found = hostOf(hostNode);
      if (!found) return;
      reported.add(found.origin);
      reported.add(unparenthesize(hostNode));
      const related: NonNullable<Report['related']>[number][] = [];
      if (found.origin !== unparenthesize(hostNode) && isInUnit(found.origin, unitNode)) {
        related.push({ at: found.origin, message: `\`${codeSnippet(hostNode)}\` is set to \`${found.host}\` here` });
      }
      if (at !== hostNode && isInUnit(hostNode, unitNode)) {
        related.push({ at: hostNode, message: `The address \`${codeSnippet(hostNode.parent ?? hostNode)}\` is set here` });
      }
      context.report({
        at,
        message: `${what} listens on ${describe(found.host)}: anyone who can reach this machine on any of its networks can connect; bind to \`127.0.0.1\` unless it must be public`,
        ...(related.length > 0 ? { related } : {}),
      });
    };

    /** `(host, port)` or `[host, port]`: the host node. */
    const bindAddress = (node: SyntaxNode | undefined, label: string): void => {
      if (!node) return;
      let expr = unparenthesize(node);
      if (expr.type === 'identifier') expr = model.singleValue(expr) ?? expr;
      expr = unparenthesize(expr);
      if ((expr.type === 'tuple' || expr.type === 'list') && expr.namedChildren.length >= 2) {
        const host = expr.namedChildren[0]!;
        report(host, label, isInUnit(host, unitNode) && node.contains(host) ? host : node);
      }
    };

    return {
      string(node) {
        strings.push(node);
      },
      call(call) {
        const fn = call.child('function');
        if (!fn) return;
        const callee = model.calleeQualifiedName(call);
        const args = callArguments(call);
        const label = `\`${codeSnippet(fn)}()\``;
        if (callee && ADDRESS_SERVERS.has(callee)) {
          bindAddress(args.positional[0] ?? args.keywords.get('server_address') ?? args.keywords.get('address') ?? args.keywords.get('localaddr'), label);
          return;
        }
        if (callee && HOST_FIRST.has(callee)) {
          const host = args.positional[0] ?? args.keywords.get('host') ?? args.keywords.get('hostname');
          if (host) report(host, label);
          return;
        }
        if (fn.type === 'attribute' && fn.child('attribute')?.text === 'bind' && args.positional.length === 1) {
          bindAddress(args.positional[0], label);
          return;
        }
        const host = args.keywords.get('host');
        if (host) {
          const found = hostOf(host);
          // `host=""` is too ambiguous outside a known server (a client's empty default, a template variable).
          if (found && UNAMBIGUOUS.has(found.host)) report(host, label);
        }
      },
      'unit:exit'() {
        // Any other "0.0.0.0" / "::" string: Bandit reports every one; Vigil notes it at low confidence.
        for (const node of strings) {
          if (reported.has(node)) continue;
          const text = model.constantText(node);
          if (text === null || !NOTED.has(text)) continue;
          const parent = node.parent;
          if (parent?.type === 'concatenated_string') continue;
          // `host == "0.0.0.0"`, `host in ("0.0.0.0", "::")`: a comparison, not an address in use.
          let container: SyntaxNode | null = parent;
          while (container && ['tuple', 'list', 'set', 'parenthesized_expression'].includes(container.type)) container = container.parent;
          if (container?.type === 'comparison_operator') continue;
          if (parent?.type === 'expression_statement') continue; // a docstring or a bare string
          // `ipaddress.ip_address("0.0.0.0")`: an address parsed to compare or test, not one listened on.
          const call = parent?.type === 'argument_list' ? parent.parent : null;
          if (call?.type === 'call' && /^ipaddress\./.test(model.calleeQualifiedName(call) ?? '')) continue;
          // Part of a bind argument already reported (`bind(ADDR)` with `ADDR = ("0.0.0.0", 80)`).
          if (parent && (parent.type === 'tuple' || parent.type === 'list') && reported.has(parent)) continue;
          context.report({
            at: node,
            message: `\`${text}\` means every network interface: if this is where a server listens, anyone who can reach this machine can connect`,
            severity: 'low',
            confidence: 'low',
          });
        }
      },
    };
  },
});
