import { defineRule } from '../rule';
import type { Severity } from '../../findings';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

interface WeakVersion {
  readonly version: string;
  readonly severity: Severity;
}

const SSL2: WeakVersion = { version: 'SSL 2.0', severity: 'high' };
const SSL3: WeakVersion = { version: 'SSL 3.0', severity: 'high' };
const TLS10: WeakVersion = { version: 'TLS 1.0', severity: 'medium' };
const TLS11: WeakVersion = { version: 'TLS 1.1', severity: 'medium' };

/** Protocol constants that pin a context or socket to an obsolete version (ssl and pyOpenSSL). */
const PROTOCOLS = new Map<string, WeakVersion>([
  ['ssl.PROTOCOL_SSLv2', SSL2],
  ['ssl.PROTOCOL_SSLv3', SSL3],
  ['ssl.PROTOCOL_TLSv1', TLS10],
  ['ssl.PROTOCOL_TLSv1_1', TLS11],
  ['OpenSSL.SSL.SSLv2_METHOD', SSL2],
  ['OpenSSL.SSL.SSLv3_METHOD', SSL3],
  ['OpenSSL.SSL.TLSv1_METHOD', TLS10],
  ['OpenSSL.SSL.TLSv1_1_METHOD', TLS11],
]);
/** `ssl.TLSVersion` members that allow an obsolete version as a minimum (or cap the maximum there). */
const TLS_VERSIONS = new Map<string, WeakVersion>([
  ['ssl.TLSVersion.SSLv3', SSL3],
  ['ssl.TLSVersion.TLSv1', TLS10],
  ['ssl.TLSVersion.TLSv1_1', TLS11],
]);
const MINIMUM_SUPPORTED = 'ssl.TLSVersion.MINIMUM_SUPPORTED';
/** Options whose clearing (`ctx.options &= ~ssl.OP_NO_SSLv3`) turns an obsolete version back on. */
const PROTECTIONS = new Map<string, WeakVersion>([
  ['ssl.OP_NO_SSLv2', SSL2],
  ['ssl.OP_NO_SSLv3', SSL3],
  ['ssl.OP_NO_TLSv1', TLS10],
  ['ssl.OP_NO_TLSv1_1', TLS11],
]);
/** The last name of every constant above: a cheap filter before resolving names. */
const LAST_NAMES = new Set(
  [...PROTOCOLS.keys(), ...TLS_VERSIONS.keys(), MINIMUM_SUPPORTED, ...PROTECTIONS.keys()].map((name) => name.slice(name.lastIndexOf('.') + 1)),
);

const NO_EQUIVALENT = { bandit: [] as string[], ruff: [] as string[] };

/**
 * Whether the module imports one of the constants by name (`from ssl import PROTOCOL_TLSv1 as OLD`), in any scope:
 * only then are bare names worth resolving. A unit's findings on bare names need such an import visible in the unit,
 * which makes this true by itself, so the answer never changes a unit's findings (the cache stays correct).
 */
function importsConstants(model: SemanticModel): boolean {
  return model.importedNames(true).some((name) => PROTOCOLS.has(name) || TLS_VERSIONS.has(name) || PROTECTIONS.has(name) || name === MINIMUM_SUPPORTED);
}

function code(node: SyntaxNode): string {
  return codeSnippet(node, 40);
}

/** A name reference worth resolving: an attribute, or a bare name that is not part of one, an import or a keyword. */
function referenceName(node: SyntaxNode): string | null {
  if (node.type === 'attribute') return node.child('attribute')?.text ?? null;
  if (node.type !== 'identifier') return null;
  const parent = node.parent;
  if (!parent) return null;
  if (parent.type === 'attribute' || parent.type === 'dotted_name' || parent.type === 'aliased_import') return null;
  if (parent.type === 'keyword_argument' && node.field === 'name') return null;
  if ((parent.type === 'function_definition' || parent.type === 'class_definition') && node.field === 'name') return null;
  return node.text;
}

/** Where a reference is used, for the judgement: compared or tested (fine), a parameter default (B503), else used. */
type Use = 'compared' | 'default' | 'target' | 'used';

function useOf(node: SyntaxNode): Use {
  let current = node;
  for (let depth = 0; depth < 6; depth++) {
    const parent = current.parent;
    if (!parent) return 'used';
    switch (parent.type) {
      case 'comparison_operator':
        return 'compared';
      case 'tuple':
      case 'list':
      case 'set':
        // `if proto in (ssl.PROTOCOL_TLSv1, ...)`: decided by what holds the collection.
        current = parent;
        continue;
      case 'default_parameter':
      case 'typed_default_parameter':
        return current.field === 'value' ? 'default' : 'used';
      case 'assignment':
      case 'augmented_assignment':
        return current.field === 'left' ? 'target' : 'used';
      case 'parenthesized_expression':
        current = parent;
        continue;
      default:
        return 'used';
    }
  }
  return 'used';
}

/** For `~X` and `~(X | Y)`: the protections cleared, with their nodes. */
function clearedProtections(model: SemanticModel, operand: SyntaxNode): Array<{ node: SyntaxNode; version: WeakVersion }> {
  const found: Array<{ node: SyntaxNode; version: WeakVersion }> = [];
  operand.walk((node) => {
    if (node.type === 'attribute' || node.type === 'identifier') {
      const name = model.qualifiedName(node);
      const version = name ? PROTECTIONS.get(name) : undefined;
      if (version) found.push({ node, version });
      return node.type !== 'attribute';
    }
    return node.type === 'binary_operator' || node.type === 'parenthesized_expression';
  });
  return found;
}

export default defineRule({
  meta: {
    id: 'VG308',
    name: 'insecure-tls-version',
    title: 'SSL 2/3 or TLS 1.0/1.1 allowed',
    cwe: [327, 757],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B502', 'B503', 'B504'],
    ruff: ['S502', 'S503', 'S504'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags code that makes a TLS connection use an obsolete protocol version: `ssl.PROTOCOL_SSLv2`, `PROTOCOL_SSLv3`, `PROTOCOL_TLSv1` and `PROTOCOL_TLSv1_1` wherever they are used (`ssl.SSLContext(...)`, `wrap_socket(ssl_version=...)`, a parameter default), pyOpenSSL\'s `SSL.SSLv2_METHOD`, `SSLv3_METHOD`, `TLSv1_METHOD` and `TLSv1_1_METHOD`, `ssl.TLSVersion.SSLv3`, `TLSv1` and `TLSv1_1` (as in `ctx.minimum_version = ssl.TLSVersion.TLSv1`), clearing a protection (`ctx.options &= ~ssl.OP_NO_SSLv3`), and, as a low-severity note, `ssl.wrap_socket()` without `ssl_version`.',
      whyIsThisBad:
        'SSL 2.0 and 3.0 are broken (DROWN, POODLE): an attacker on the network path can decrypt traffic. TLS 1.0 and 1.1 were deprecated by RFC 8996 in 2021: they rely on MD5 and SHA-1 in the handshake, CBC constructions open to BEAST and Lucky13, and lack modern cipher suites. Allowing them lets an active attacker downgrade every connection, not only those of old peers. `ssl.wrap_socket()` was deprecated in Python 3.7 and removed in 3.12; it verifies no certificate unless told to, and its version is whatever the default of the day was.',
      example:
        'import socket\nimport ssl\n\ncontext = ssl.SSLContext(ssl.PROTOCOL_TLSv1)\ncontext.options &= ~ssl.OP_NO_SSLv3\n\nlegacy = ssl.create_default_context()\nlegacy.minimum_version = ssl.TLSVersion.TLSv1\n\nconn = ssl.wrap_socket(socket.create_connection(("example.com", 443)))',
      useInstead:
        'import socket\nimport ssl\n\ncontext = ssl.create_default_context()\ncontext.minimum_version = ssl.TLSVersion.TLSv1_2\n\nwith socket.create_connection(("example.com", 443)) as sock:\n    with context.wrap_socket(sock, server_hostname="example.com") as conn:\n        conn.sendall(b"HEAD / HTTP/1.0\\r\\n\\r\\n")',
      references: [
        'https://cwe.mitre.org/data/definitions/327.html',
        'https://cwe.mitre.org/data/definitions/757.html',
        'https://docs.python.org/3/library/ssl.html#ssl.SSLContext.minimum_version',
        'https://docs.python.org/3/library/ssl.html#protocol-versions',
        'https://www.pyopenssl.org/en/latest/api/ssl.html#OpenSSL.SSL.Context',
        'https://datatracker.ietf.org/doc/html/rfc8996',
        'https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html',
      ],
      knownProblems:
        'SSL 2.0 and 3.0 are reported with high severity, TLS 1.0 and 1.1 with medium. Comparisons and tests (`if ctx.protocol == ssl.PROTOCOL_TLSv1:`) are not flagged. `ssl.TLSVersion.MINIMUM_SUPPORTED` as a version is reported with medium confidence: what it allows depends on how OpenSSL is built and configured. A value that is read from configuration at run time, `getattr(ssl, name)`, and pyOpenSSL\'s `clear_options` and `set_min_proto_version` with an old version are not detected. Bandit reports `ssl.wrap_socket()` without `ssl_version` (B504) with low severity; Vigil does too, and it does not repeat VG302 for the missing certificate checks. Protocol constants used only to talk to a legacy device that supports nothing newer are flagged: suppress them with the reason.',
    },
  },
  create(context) {
    const { model } = context;

    const bareNames = model.moduleFact(importsConstants, importsConstants, { importsOnly: true });

    const reference = (node: SyntaxNode): void => {
      if (node.type === 'identifier' && !bareNames) return;
      const last = referenceName(node);
      // An attribute is filtered by its last name; a bare name may be an alias (`from OpenSSL.SSL import TLSv1_METHOD as OLD`).
      if (!last || (node.type === 'attribute' && !LAST_NAMES.has(last))) return;
      // `LEGACY = ssl.PROTOCOL_TLSv1` is reported where the constant is written, not at every use of `LEGACY`.
      if (node.type === 'identifier' && model.bindingsOf(node).at(-1)?.kind !== 'import') return;
      const name = model.qualifiedName(node);
      if (!name || !LAST_NAMES.has(name.slice(name.lastIndexOf('.') + 1))) return;
      const protocol = PROTOCOLS.get(name);
      const tlsVersion = TLS_VERSIONS.get(name);
      if (!protocol && !tlsVersion && name !== MINIMUM_SUPPORTED) return;
      const use = useOf(node);
      if (use === 'compared' || use === 'target') return;
      if (protocol) {
        const codes = use === 'default' ? { bandit: ['B503'], ruff: ['S503'] } : { bandit: ['B502'], ruff: ['S502'] };
        context.report({
          at: node,
          message: `\`${code(node)}\`${use === 'default' ? ' as a default' : ''} pins the connection to ${protocol.version}, which is ${
            protocol.severity === 'high' ? 'broken' : 'deprecated (RFC 8996)'
          }: use \`ssl.create_default_context()\` (or \`PROTOCOL_TLS_CLIENT\`) and \`minimum_version = ssl.TLSVersion.TLSv1_2\``,
          severity: protocol.severity,
          ...codes,
        });
        return;
      }
      if (tlsVersion) {
        context.report({
          at: node,
          message: `\`${code(node)}\` lets connections use ${tlsVersion.version}, which is ${
            tlsVersion.severity === 'high' ? 'broken' : 'deprecated (RFC 8996)'
          }: an attacker can downgrade connections to it; use \`ssl.TLSVersion.TLSv1_2\` or later`,
          severity: tlsVersion.severity,
          ...NO_EQUIVALENT,
        });
        return;
      }
      context.report({
        at: node,
        message: `\`${code(node)}\` allows whatever oldest version OpenSSL supports (often TLS 1.0): use \`ssl.TLSVersion.TLSv1_2\` or later`,
        severity: 'medium',
        confidence: 'medium',
        ...NO_EQUIVALENT,
      });
    };

    return {
      attribute: reference,
      identifier: reference,

      unary_operator(node) {
        // ctx.options &= ~ssl.OP_NO_SSLv3
        if (!node.hasToken('~')) return;
        const operand = node.child('argument') ?? node.firstNamedChild();
        if (!operand) return;
        const cleared = clearedProtections(model, operand);
        if (cleared.length === 0) return;
        const worst = cleared.find((entry) => entry.version.severity === 'high') ?? cleared[0]!;
        context.report({
          at: node,
          message: `\`${code(node)}\` clears \`${code(worst.node)}\`, turning ${worst.version.version} back on: ${
            worst.version.severity === 'high' ? 'it is broken' : 'it is deprecated (RFC 8996)'
          }; keep the default options`,
          severity: worst.version.severity,
          ...NO_EQUIVALENT,
        });
      },

      call(call) {
        if (model.calleeQualifiedName(call) !== 'ssl.wrap_socket') return;
        const args = callArguments(call);
        if (args.hasUnpacking || args.keywords.has('ssl_version') || args.positional.length >= 6) return;
        context.report({
          at: call,
          message: '`ssl.wrap_socket()` without `ssl_version` is deprecated (removed in Python 3.12) and leaves the protocol version to the default of the day; use `ssl.create_default_context().wrap_socket(sock, server_hostname=...)`',
          severity: 'low',
          confidence: 'medium',
          bandit: ['B504'],
          ruff: ['S504'],
        });
      },
    };
  },
});
