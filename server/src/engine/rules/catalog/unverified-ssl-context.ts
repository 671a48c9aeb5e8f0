import { defineRule, type Report } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, isTrue, stringLiteralValue, terminalName, unparenthesize } from '../../syntax/python';
import { falseValue, isCertNone, optInGuard } from '../support/tls';
import { isInUnit } from '../support/units';

const UNVERIFIED_FACTORY = 'ssl._create_unverified_context';
const DEFAULT_HTTPS_CONTEXT = 'ssl._create_default_https_context';
/** Keyword arguments and dictionary keys that carry a certificate requirement (ssl, urllib3, redis-py, kombu). */
const CERT_REQS_NAMES = new Set(['cert_reqs', 'ssl_cert_reqs']);
/** Keywords `ssl.create_default_context` also accepts: only calls limited to these can be switched over. */
const DEFAULT_CONTEXT_KEYWORDS = new Set(['purpose', 'cafile', 'capath', 'cadata']);
/** Bandit B323 / Ruff S323 cover only `ssl._create_unverified_context`; the other patterns have no equivalent. */
const NO_EQUIVALENT = { bandit: [] as string[], ruff: [] as string[] };

function code(node: SyntaxNode): string {
  return node.text.replace(/\s+/g, ' ');
}

/** ` (called as `insecure()`)` when a call reaches `name` through an alias, else nothing. */
function written(call: SyntaxNode, name: string): string {
  const fn = call.child('function');
  if (!fn || code(fn) === name) return '';
  return fn.type === 'identifier' ? ` (called as \`${fn.text}()\`)` : '';
}

/**
 * Whether a context is certainly a server-side one, where `CERT_NONE` only means "no client certificate
 * required" (the normal setting): `ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)`,
 * `ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)`, or a receiver named like one (`server_ctx`).
 */
function isServerContext(model: SemanticModel, receiver: SyntaxNode): boolean {
  const name = terminalName(receiver);
  if (name && /server/i.test(name)) return true;
  const expr = unparenthesize(receiver);
  const value = expr.type === 'call' ? expr : expr.type === 'identifier' ? model.singleValue(expr) : null;
  if (!value || unparenthesize(value).type !== 'call') return false;
  const call = unparenthesize(value);
  const callee = model.calleeQualifiedName(call);
  const args = callArguments(call);
  if (callee === 'ssl.create_default_context') {
    const purpose = args.keywords.get('purpose') ?? args.positional[0];
    return !!purpose && model.qualifiedName(purpose) === 'ssl.Purpose.CLIENT_AUTH';
  }
  if (callee === 'ssl.SSLContext') {
    const protocol = args.keywords.get('protocol') ?? args.positional[0];
    return !!protocol && model.qualifiedName(protocol) === 'ssl.PROTOCOL_TLS_SERVER';
  }
  return false;
}

interface ContextSetting {
  readonly assignment: SyntaxNode;
  readonly receiver: SyntaxNode;
}

export default defineRule({
  meta: {
    id: 'VG302',
    name: 'unverified-ssl-context',
    title: 'SSL context that does not verify certificates',
    cwe: [295],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B323'],
    ruff: ['S323'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags SSL contexts and sockets that do not check the server\'s certificate: `ssl._create_unverified_context()`, replacing `ssl._create_default_https_context` with it, `ctx.verify_mode = ssl.CERT_NONE`, `ctx.check_hostname = False`, and `cert_reqs=ssl.CERT_NONE` (or `"CERT_NONE"`) given to any call or configuration dictionary.',
      whyIsThisBad:
        'A client that does not verify the certificate, or does not check that it was issued for the host it dialled, completes the TLS handshake with anyone on the network path. The attacker then reads and rewrites everything, passwords and tokens included, while the code still believes it is using TLS. Monkey-patching `ssl._create_default_https_context` does this silently for every HTTPS request made through `urllib` and `http.client` in the whole process, including in third-party libraries.',
      example:
        'import ssl\nimport urllib.request\n\ncontext = ssl._create_unverified_context()\nwith urllib.request.urlopen("https://updates.example.com/feed", context=context) as response:\n    feed = response.read()',
      useInstead:
        'import ssl\nimport urllib.request\n\n# Trust a private CA explicitly instead of trusting everyone.\ncontext = ssl.create_default_context(cafile="/etc/ssl/certs/internal-ca.pem")\nwith urllib.request.urlopen("https://updates.example.com/feed", context=context) as response:\n    feed = response.read()',
      references: [
        'https://cwe.mitre.org/data/definitions/295.html',
        'https://docs.python.org/3/library/ssl.html#security-considerations',
        'https://docs.python.org/3/library/ssl.html#ssl.create_default_context',
        'https://peps.python.org/pep-0476/',
        'https://urllib3.readthedocs.io/en/stable/advanced-usage.html#certificate-verification',
      ],
      knownProblems:
        'Server-side contexts are not flagged when Vigil can tell they are server-side (`ssl.Purpose.CLIENT_AUTH`, `PROTOCOL_TLS_SERVER`, `server_side=True`, a receiver named like `server_ctx`): there `CERT_NONE` only means no client certificate is required. A server context Vigil cannot recognise is reported. `ctx.check_hostname = False` on its own is reported with medium confidence, since with a private CA loaded it is a deliberate, narrower trust; next to `ctx.verify_mode = ssl.CERT_NONE` on the same context it is folded into that finding. Not detected: `ssl.SSLContext()` without `PROTOCOL_TLS_CLIENT` (which does not verify by default), `cert_reqs=0`, pyOpenSSL\'s `set_verify(VERIFY_NONE, ...)`, `ssl.wrap_socket()` without `cert_reqs`, and settings passed through `**kwargs`. Code under a condition such as `if not verify_ssl:` is reported with medium confidence.',
      fixSafety:
        '`ssl._create_unverified_context(...)` is replaced with `ssl.create_default_context(...)` when the call passes only arguments the latter accepts (`purpose`, `cafile`, `capath`, `cadata`). It is marked safe: servers with valid certificates behave the same; servers with self-signed, expired or mismatched certificates are now refused, which is the point (load their CA with `cafile=` instead). The default context also disables old protocol versions and weak ciphers.',
    },
  },
  create(context) {
    const { model } = context;
    const unitNode = context.unit.node;
    const verifyModes: ContextSetting[] = [];
    const hostnameChecks: ContextSetting[] = [];

    const guarded = (node: SyntaxNode, related: NonNullable<Report['related']>[number][]): boolean => {
      const guard = optInGuard(node, unitNode);
      if (!guard) return false;
      if (isInUnit(guard, unitNode)) related.push({ at: guard, message: 'Verification is only turned off under this condition' });
      return true;
    };

    const reportCertReqs = (at: SyntaxNode, subject: string, setting: SyntaxNode): void => {
      const related: NonNullable<Report['related']>[number][] = [];
      const optIn = guarded(at, related);
      context.report({
        at,
        message: `${subject} with \`${code(setting)}\` accept${subject === 'TLS settings' ? '' : 's'} any certificate: connections can be intercepted`,
        ...NO_EQUIVALENT,
        ...(optIn ? { confidence: 'medium' as const } : {}),
        ...(related.length > 0 ? { related } : {}),
      });
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        const args = callArguments(call);

        if (callee === UNVERIFIED_FACTORY) {
          const fn = call.child('function');
          const method = fn?.type === 'attribute' ? fn.child('attribute') : null;
          const object = fn?.type === 'attribute' ? fn.child('object') : null;
          const compatible =
            args.positional.length === 0 &&
            !args.hasUnpacking &&
            [...args.keywords.keys()].every((keyword) => DEFAULT_CONTEXT_KEYWORDS.has(keyword));
          const fixable = !!method && !!object && model.qualifiedName(object) === 'ssl' && compatible;
          const related: NonNullable<Report['related']>[number][] = [];
          const optIn = guarded(call, related);
          context.report({
            at: call,
            message: `\`${UNVERIFIED_FACTORY}()\`${written(call, UNVERIFIED_FACTORY)} creates a context that accepts any certificate for any host: connections using it can be intercepted`,
            ...(optIn ? { confidence: 'medium' as const } : {}),
            ...(related.length > 0 ? { related } : {}),
            ...(fixable
              ? {
                  fix: {
                    title: `Use \`${object!.text}.create_default_context\``,
                    safety: 'safe' as const,
                    edits: [{ start: method!.start, end: method!.end, newText: 'create_default_context' }],
                  },
                }
              : {}),
          });
          return;
        }

        // ssl.wrap_socket(sock, cert_reqs=ssl.CERT_NONE), urllib3.PoolManager(cert_reqs="CERT_NONE")
        for (const [keyword, value] of args.keywords) {
          if (!CERT_REQS_NAMES.has(keyword) || !isCertNone(model, value, true)) continue;
          if (isTrue(args.keywords.get('server_side'))) return;
          const fn = call.child('function');
          const subject = callee ? `\`${callee}()\`` : fn ? `\`${code(fn)}()\`` : 'This call';
          reportCertReqs(call, subject, args.keywordNodes.get(keyword)!);
          return;
        }
      },

      pair(pair) {
        // broker_use_ssl = {"cert_reqs": ssl.CERT_NONE}
        const key = pair.child('key');
        const value = pair.child('value');
        if (!key || !value) return;
        const name = stringLiteralValue(key);
        if (name === null || !CERT_REQS_NAMES.has(name) || !isCertNone(model, value, true)) return;
        reportCertReqs(pair, 'TLS settings', pair);
      },

      assignment(assignment) {
        const left = assignment.child('left');
        const right = assignment.child('right');
        if (!left || !right) return;

        // ssl._create_default_https_context = ssl._create_unverified_context
        if (left.type === 'attribute' && model.qualifiedName(left) === DEFAULT_HTTPS_CONTEXT) {
          if (model.qualifiedName(right) !== UNVERIFIED_FACTORY) return;
          const related: NonNullable<Report['related']>[number][] = [];
          const value = unparenthesize(right);
          if (value.type === 'identifier') {
            const binding = model.bindingsOf(value)[0];
            const origin = binding?.node.parent;
            if (origin && isInUnit(origin, unitNode)) {
              related.push({ at: origin, message: `\`${value.text}\` is \`${UNVERIFIED_FACTORY}\`` });
            }
          }
          const optIn = guarded(assignment, related);
          context.report({
            at: assignment,
            message: `Setting \`${DEFAULT_HTTPS_CONTEXT}\` to \`${UNVERIFIED_FACTORY}\` turns off certificate checks for every HTTPS connection urllib and http.client make in this process`,
            ...(optIn ? { confidence: 'medium' as const } : {}),
            ...(related.length > 0 ? { related } : {}),
          });
          return;
        }

        if (left.type !== 'attribute') return;
        const attribute = left.child('attribute')?.text;
        const receiver = left.child('object');
        if (!receiver) return;
        if (attribute === 'verify_mode' && isCertNone(model, right, false)) {
          if (!isServerContext(model, receiver)) verifyModes.push({ assignment, receiver });
        } else if (attribute === 'check_hostname' && falseValue(model, right)) {
          if (!isServerContext(model, receiver)) hostnameChecks.push({ assignment, receiver });
        }
      },

      'unit:exit'() {
        // `ctx.check_hostname = False` next to `ctx.verify_mode = ssl.CERT_NONE` is one defect, reported once.
        const folded = new Set<ContextSetting>();
        for (const setting of verifyModes) {
          const receiver = code(setting.receiver);
          const related: NonNullable<Report['related']>[number][] = [];
          for (const check of hostnameChecks) {
            if (code(check.receiver) !== receiver) continue;
            folded.add(check);
            related.push({ at: check.assignment, message: 'Host name checking is turned off here too' });
          }
          const optIn = guarded(setting.assignment, related);
          context.report({
            at: setting.assignment,
            message: `\`${code(setting.assignment)}\` makes \`${receiver}\` accept any certificate: connections using it can be intercepted`,
            ...NO_EQUIVALENT,
            ...(optIn ? { confidence: 'medium' as const } : {}),
            ...(related.length > 0 ? { related } : {}),
          });
        }
        for (const check of hostnameChecks) {
          if (folded.has(check)) continue;
          const related: NonNullable<Report['related']>[number][] = [];
          guarded(check.assignment, related);
          context.report({
            at: check.assignment,
            message: `\`${code(check.assignment)}\` makes \`${code(check.receiver)}\` accept a valid certificate issued for any host: anyone with a certificate for their own domain can intercept connections`,
            // A private CA loaded into the same context makes this a narrower, often deliberate, trust.
            confidence: 'medium',
            ...NO_EQUIVALENT,
            ...(related.length > 0 ? { related } : {}),
          });
        }
      },
    };
  },
});
