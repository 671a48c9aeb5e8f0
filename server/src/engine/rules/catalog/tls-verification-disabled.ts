import { defineRule, type Report } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeReceiver, terminalName } from '../../syntax/python';
import { removeArgumentEdits } from '../support/argumentEdits';
import { falseValue, isLoopbackUrl, optInGuard, type FalseValue } from '../support/tls';
import { isInUnit } from '../support/units';
import { HTTP_METHODS, resolveHttpClient, type HttpClient, type HttpLibrary } from '../support/netHttpClients';

/** Methods of each library's client that take the verification switch, and the keywords that carry it. */
const CLIENT_METHODS: Record<HttpLibrary, { methods: ReadonlySet<string>; keywords: readonly string[] }> = {
  requests: { methods: HTTP_METHODS, keywords: ['verify'] },
  httpx: { methods: new Set([...HTTP_METHODS, 'stream']), keywords: ['verify'] },
  aiohttp: { methods: new Set([...HTTP_METHODS, 'ws_connect']), keywords: ['ssl', 'verify_ssl'] },
};

/** Constructors whose `verify`/`ssl` switch applies to everything sent through the object they build. */
const CONSTRUCTORS = new Map<string, readonly string[]>([
  ['httpx.Client', ['verify']],
  ['httpx.AsyncClient', ['verify']],
  ['httpx.HTTPTransport', ['verify']],
  ['httpx.AsyncHTTPTransport', ['verify']],
  ['aiohttp.TCPConnector', ['ssl', 'verify_ssl']],
  ['aiohttp.connector.TCPConnector', ['ssl', 'verify_ssl']],
]);

/** Module-level request functions (`requests.get`, `httpx.stream`) → the keyword that disables verification. */
function moduleFunction(callee: string): boolean {
  const match = /^(requests|requests\.api|httpx)\.([A-Za-z_]+)$/.exec(callee);
  if (!match) return false;
  return HTTP_METHODS.has(match[2]!) || (match[1] === 'httpx' && match[2] === 'stream');
}

/** The URL argument of a request call: `url=`, else the first positional (the second for `request`/`stream`). */
function urlArgument(call: SyntaxNode, method: string): SyntaxNode | null {
  const args = callArguments(call);
  const index = method === 'request' || method === 'stream' ? 1 : 0;
  return args.keywords.get('url') ?? args.positional[index] ?? null;
}

function describeSwitch(keyword: string, value: FalseValue): string {
  return value.assignments.length === 0
    ? `\`${keyword}=False\``
    : `\`${keyword}=${value.node.text}\` (always \`False\`)`;
}

function originMessage(name: string, client: HttpClient): string {
  const kind = `${article(client.label)} \`${client.label}\``;
  return client.declared ? `\`${name}\` is declared as ${kind} here` : `\`${name}\` is ${kind} created here`;
}

function article(label: string): string {
  return /^[aeiou]/i.test(label) ? 'an' : 'a';
}

function code(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, ' ');
}

export default defineRule({
  meta: {
    id: 'VG301',
    name: 'tls-verification-disabled',
    title: 'TLS certificate verification disabled',
    cwe: [295],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B501'],
    ruff: ['S501'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags HTTP requests and clients that turn off TLS certificate checks: `verify=False` in `requests` and `httpx` (module functions, sessions, clients, transports), `session.verify = False`, and `ssl=False`/`verify_ssl=False` in `aiohttp`.',
      whyIsThisBad:
        'Without certificate verification the client talks to whoever answers, so anyone on the network path (a hostile Wi-Fi, a compromised router, a DNS spoof) can present their own certificate, read the traffic and change it. Credentials, tokens and API responses sent over such a connection are as exposed as over plain HTTP, while the `https://` URL suggests otherwise. The switch is usually added to get past a self-signed or internal certificate and then forgotten in production.',
      example:
        'import requests\n\nsession = requests.Session()\nsession.verify = False\n\nresponse = requests.get("https://billing.internal/api/invoices", verify=False)',
      useInstead:
        'import requests\n\nsession = requests.Session()\nsession.verify = "/etc/ssl/certs/internal-ca.pem"  # trust the internal CA, keep verification\n\nresponse = requests.get("https://billing.internal/api/invoices", verify="/etc/ssl/certs/internal-ca.pem")',
      references: [
        'https://cwe.mitre.org/data/definitions/295.html',
        'https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification',
        'https://www.python-httpx.org/advanced/ssl/',
        'https://docs.aiohttp.org/en/stable/client_advanced.html#ssl-control-for-tcp-sockets',
        'https://owasp.org/www-community/attacks/Manipulator-in-the-middle_attack',
      ],
      knownProblems:
        'Only `False` (the literal, or a name that is always `False`) is flagged: `verify=settings.VERIFY`, a parameter such as `def fetch(url, verify=False)`, `verify=0` and `**kwargs` are not. Clients stored on attributes (`self.session`) cannot be resolved; there `verify=False` on an HTTP method is reported with medium confidence when the receiver\'s name contains `session`, `client` or `http`, and `self.session.verify = False` or `ssl=False` is not reported. Requests to a constant `https://localhost`/`127.0.0.1`/`[::1]` URL are not reported (the traffic never leaves the machine). Code under a condition such as `if args.insecure:` or `if settings.DEBUG:` is reported with medium confidence. Recent httpx versions accept `verify` only on the client, so `client.get(url, verify=False)` on an httpx client raises `TypeError` there; it is still reported, as it disables verification in older versions.',
      fixSafety:
        'Removing `verify=False` (or `ssl=False`) restores the library default, full verification against the system or certifi CA bundle. It is marked safe because it changes nothing for servers with valid certificates; connections to servers with self-signed or otherwise invalid certificates fail afterwards, which is the point: give those a CA bundle (`verify="/path/ca.pem"`) instead.',
    },
  },
  create(context) {
    const { model } = context;
    const unitNode = context.unit.node;

    const report = (
      call: SyntaxNode,
      keywordNode: SyntaxNode,
      keyword: string,
      value: FalseValue,
      subject: string,
      consequence: string,
      confidence: 'high' | 'medium',
      related: Report['related'] = [],
    ): void => {
      const guard = optInGuard(call, unitNode);
      const relatedLocations = [...related];
      for (const assignment of value.assignments) {
        if (isInUnit(assignment, unitNode)) {
          relatedLocations.push({ at: assignment, message: `\`${value.node.text}\` is set to \`False\` here` });
        }
      }
      if (guard && isInUnit(guard, unitNode)) {
        relatedLocations.push({ at: guard, message: 'Verification is only turned off under this condition' });
      }
      const edits = removeArgumentEdits(keywordNode);
      context.report({
        at: call,
        message: `${subject} with ${describeSwitch(keyword, value)} ${consequence}`,
        ...(guard || confidence === 'medium' ? { confidence: 'medium' as const } : {}),
        ...(relatedLocations.length > 0 ? { related: relatedLocations } : {}),
        ...(edits ? { fix: { title: `Remove \`${code(keywordNode)}\``, safety: 'safe' as const, edits } } : {}),
      });
    };

    /** The first of `keywords` given as `False`, with its `name=value` node. */
    const disabled = (call: SyntaxNode, keywords: readonly string[]) => {
      const args = callArguments(call);
      for (const keyword of keywords) {
        const value = args.keywords.get(keyword);
        const node = args.keywordNodes.get(keyword);
        if (!value || !node) continue;
        const falsy = falseValue(model, value);
        if (falsy) return { keyword, node, value: falsy };
      }
      return null;
    };

    return {
      call(call) {
        const fn = call.child('function');
        if (!fn) return;
        const callee = model.calleeQualifiedName(call);

        // requests.get(url, verify=False), httpx.stream("GET", url, verify=False)
        if (callee && moduleFunction(callee)) {
          const found = disabled(call, ['verify']);
          if (!found) return;
          const method = callee.split('.').pop()!;
          const url = urlArgument(call, method);
          if (url && isLoopbackUrl(model, url)) return;
          report(call, found.node, found.keyword, found.value, `\`${callee}()\``, 'accepts any certificate: traffic can be intercepted', 'high');
          return;
        }

        // httpx.Client(verify=False), aiohttp.TCPConnector(ssl=False)
        const constructorKeywords = callee ? CONSTRUCTORS.get(callee) : undefined;
        if (callee && constructorKeywords) {
          const found = disabled(call, constructorKeywords);
          if (!found) return;
          report(
            call,
            found.node,
            found.keyword,
            found.value,
            `\`${callee}()\``,
            'accepts any certificate: every request sent through it can be intercepted',
            'high',
          );
          return;
        }

        // session.get(url, verify=False) on a client Vigil can identify, or a guess from the receiver's name.
        if (fn.type !== 'attribute') return;
        const method = fn.child('attribute')?.text;
        const receiver = calleeReceiver(call);
        if (!method || !receiver) return;
        const client = resolveHttpClient(model, receiver);
        if (client) {
          const { methods, keywords } = CLIENT_METHODS[client.library];
          if (!methods.has(method)) return;
          const found = disabled(call, keywords);
          if (!found) return;
          const url = urlArgument(call, method);
          if (url && isLoopbackUrl(model, url)) return;
          const related =
            receiver.type === 'identifier' && isInUnit(client.origin, unitNode)
              ? [{ at: client.origin, message: originMessage(receiver.text, client) }]
              : [];
          report(
            call,
            found.node,
            found.keyword,
            found.value,
            receiver.type === 'call' ? `\`${code(fn)}()\`` : `\`${code(fn)}()\` (${article(client.label)} \`${client.label}\`)`,
            'accepts any certificate: traffic can be intercepted',
            'high',
            related,
          );
          return;
        }
        if (!HTTP_METHODS.has(method)) return;
        // A receiver Vigil knows to be something else (an imported module, `requests` itself) is not guessed at.
        if (callee && /^(requests|httpx|aiohttp|urllib3|ssl)\b/.test(callee)) return;
        const name = terminalName(receiver);
        if (!name || !/session|client|http/i.test(name)) return;
        const found = disabled(call, ['verify']);
        if (!found) return;
        const url = urlArgument(call, method);
        if (url && isLoopbackUrl(model, url)) return;
        report(
          call,
          found.node,
          found.keyword,
          found.value,
          `\`${code(fn)}()\``,
          `accepts any certificate if \`${code(receiver)}\` is an HTTP session (as its name suggests): traffic can be intercepted`,
          'medium',
        );
      },

      assignment(assignment) {
        // session.verify = False on a requests.Session
        const left = assignment.child('left');
        const right = assignment.child('right');
        if (!left || !right || left.type !== 'attribute' || left.child('attribute')?.text !== 'verify') return;
        const object = left.child('object');
        if (!object) return;
        const client = resolveHttpClient(model, object);
        if (!client || client.library !== 'requests') return;
        const value = falseValue(model, right);
        if (!value) return;
        const guard = optInGuard(assignment, unitNode);
        const related: NonNullable<Report['related']>[number][] = [];
        if (object.type === 'identifier' && isInUnit(client.origin, unitNode)) {
          related.push({ at: client.origin, message: originMessage(object.text, client) });
        }
        for (const origin of value.assignments) {
          if (isInUnit(origin, unitNode)) related.push({ at: origin, message: `\`${value.node.text}\` is set to \`False\` here` });
        }
        if (guard && isInUnit(guard, unitNode)) {
          related.push({ at: guard, message: 'Verification is only turned off under this condition' });
        }
        context.report({
          at: assignment,
          message: `\`${code(left)} = ${code(right)}\` turns off certificate checks for every request of this \`${client.label}\`: traffic can be intercepted`,
          ...(guard ? { confidence: 'medium' as const } : {}),
          ...(related.length > 0 ? { related } : {}),
        });
      },
    };
  },
});
