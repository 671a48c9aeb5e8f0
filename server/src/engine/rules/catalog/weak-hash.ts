import { defineRule, type EditSpec, type FixSpec } from '../rule';
import type { Severity } from '../../findings';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, nameWords, stringLiteralValue, terminalName, unparenthesize } from '../../syntax/python';
import { forEachNodeInUnit, type AnalysisUnit } from '../../analysis/units';
import { flagValue } from '../support/call-arguments';
import { appendKeywordEdit } from '../support/netKeywordEdits';
import { referenceModuleAt } from '../support/imports';
import { codeSnippet } from '../support/snippets';

type Algorithm = 'MD5' | 'SHA-1' | 'MD4' | 'MD2';
type Library = 'hashlib' | 'pycryptodome' | 'cryptography';

/** One weak-hash call: what it is and how it is written. */
interface WeakHash {
  readonly algorithm: Algorithm;
  readonly library: Library;
  /** `hashlib.md5()`, `hashes.SHA1()`: the call as written, for messages. */
  readonly label: string;
  /** For `hashlib.new(...)`: the algorithm-name argument. */
  readonly nameArgument?: SyntaxNode;
}

const HASHLIB_FUNCTIONS = new Map<string, Algorithm>([
  ['hashlib.md5', 'MD5'],
  ['hashlib.sha1', 'SHA-1'],
]);
const HASHLIB_NAMES = new Map<string, Algorithm>([
  ['md5', 'MD5'],
  ['sha1', 'SHA-1'],
  ['md4', 'MD4'],
  ['md2', 'MD2'],
]);
/** `Crypto.Hash.MD5.new()` (PyCryptodome, PyCrypto) and `Cryptodome.Hash.SHA.new()`. */
const PYCRYPTODOME = /^(Crypto|Cryptodome)\.Hash\.(MD2|MD4|MD5|SHA|SHA1)\.new$/;
const PYCRYPTODOME_ALGORITHMS: Record<string, Algorithm> = { MD2: 'MD2', MD4: 'MD4', MD5: 'MD5', SHA: 'SHA-1', SHA1: 'SHA-1' };
const CRYPTOGRAPHY_HASHES = 'cryptography.hazmat.primitives.hashes';
const CRYPTOGRAPHY = new Map<string, Algorithm>([
  [`${CRYPTOGRAPHY_HASHES}.MD5`, 'MD5'],
  [`${CRYPTOGRAPHY_HASHES}.SHA1`, 'SHA-1'],
]);
/** `crypt` methods too weak for passwords: the DES-based original and md5crypt. */
const CRYPT_METHODS = new Map<string, { what: string; severity: Severity }>([
  ['crypt.METHOD_CRYPT', { what: 'the original DES-based crypt (8 significant characters, a 12-bit salt)', severity: 'high' }],
  ['crypt.METHOD_MD5', { what: 'md5crypt (a fixed 1,000 rounds of MD5, deprecated by its author)', severity: 'medium' }],
]);
/**
 * Constructions whose security does not rest on the hash's collision resistance: HMAC, HKDF, PBKDF2, TOTP/HOTP
 * (RFC 6238 defaults to SHA-1) and RSA-OAEP with MGF1. SHA-1 given to these is not flagged.
 */
const SHA1_SAFE_CONSTRUCTIONS = new Set(['HMAC', 'HKDF', 'HKDFExpand', 'PBKDF2HMAC', 'TOTP', 'HOTP', 'OAEP', 'MGF1']);

// --- what the hash is for ----------------------------------------------------------------------------------------

type Purpose = 'password' | 'security' | 'integrity';

const PASSWORD_WORDS = new Set(['password', 'passwords', 'passwd', 'pwd', 'pw', 'passwrd', 'passphrase', 'passcode']);
const SECURITY_WORDS = new Set([
  'token', 'secret', 'secrets', 'signature', 'signatures', 'sig', 'sign', 'signed', 'signing', 'signer',
  'auth', 'authenticate', 'authentication', 'authenticator', 'credential', 'credentials', 'hmac', 'salt',
  'salted', 'nonce', 'csrf', 'xsrf', 'otp', 'totp', 'hotp', 'session', 'sessionid', 'apikey', 'privkey', 'private',
  'encrypt', 'encrypted', 'encryption', 'decrypt', 'crypt', 'cipher', 'jwt', 'verifier', 'challenge',
]);
/** Words that name what a checksum or an identifier is for: the hash only has to tell contents apart. */
const INTEGRITY_WORDS = new Set([
  'checksum', 'checksums', 'crc', 'etag', 'etags', 'cache', 'cached', 'caching', 'cachekey', 'memo', 'memoize',
  'fingerprint', 'fingerprints', 'dedup', 'dedupe', 'deduplicate', 'deduplication', 'duplicate', 'duplicates',
  'md5sum', 'sha1sum', 'shard', 'sharding', 'bucket', 'buckets', 'partition', 'gravatar', 'avatar', 'filehash',
  'seed', 'color', 'colour',
]);
/** Weaker hints of identification: they count only when no stronger word says otherwise (`session_id`). */
const IDENTIFICATION_WORDS = new Set([
  'id', 'ids', 'uid', 'uuid', 'guid', 'identifier', 'slug', 'file', 'files', 'filename', 'filenames', 'fname',
  'path', 'content', 'contents', 'version', 'revision', 'rev', 'changed', 'modified', 'stale', 'asset', 'assets',
  'blob', 'chunk', 'chunks', 'block', 'read',
]);
/** `api_key`, `signing_key`: a key that is a secret (the first words are not all security words on their own). */
const SECRET_KEY_QUALIFIERS = new Set(['api', 'access', 'master']);

interface Hint {
  readonly purpose: Purpose;
  /** The evidence, for the message: "the result goes to `etag`", "in `hash_password()`", "it hashes `password`". */
  readonly reason: string;
}

/** The purpose a name speaks of: its last telling word decides (`password_cache_key` is a cache key). */
function classifyName(name: string): Purpose | null {
  const words = nameWords(name);
  for (let i = words.length - 1; i >= 0; i--) {
    const word = words[i]!;
    if (PASSWORD_WORDS.has(word) || /pass(?:wo?r)?d/.test(word)) return 'password';
    if (SECURITY_WORDS.has(word) || /secret|signature|token(?!iz)/.test(word)) return 'security';
    if (word === 'key' && i > 0 && SECRET_KEY_QUALIFIERS.has(words[i - 1]!)) return 'security';
    if (INTEGRITY_WORDS.has(word) || /checksum|fingerprint|etag$/.test(word)) return 'integrity';
  }
  return words.some((word) => IDENTIFICATION_WORDS.has(word)) ? 'integrity' : null;
}

/** The names in the data being hashed: `user.password`, `body["token"]`, `chunk`. */
function dataNames(expression: SyntaxNode): string[] {
  const names: string[] = [];
  expression.walk((node) => {
    if (node.type === 'identifier' && node.field !== 'name') names.push(node.text);
    else if (node.type === 'subscript') {
      const key = terminalName(node);
      if (key) names.push(key);
    }
  });
  return names;
}

/**
 * Where the hash's result goes, walking out from the call through methods on it (`.hexdigest()`), wrappers
 * (`str(...)`, `int(..., 16)`), operators and f-strings, nearest first: the keywords it fills and the calls it is
 * passed to on the way, then the name it is assigned to, the dict key it fills or what it is compared with. A
 * `return` says nothing (the enclosing function's name never decides).
 */
interface UseHint {
  readonly kind: 'assigned' | 'compared' | 'keyword' | 'key' | 'passed';
  /** The name to classify: the target, the keyword, the dict key, the callee. */
  readonly name: string;
  /** How the message shows it. */
  readonly shown: string;
}

function resultUse(call: SyntaxNode): UseHint[] {
  const hints: UseHint[] = [];
  let node = call;
  for (let depth = 0; depth < 12; depth++) {
    const parent = node.parent;
    if (!parent) break;
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'await':
      case 'binary_operator':
      case 'interpolation':
      case 'string':
      case 'concatenated_string':
      case 'conditional_expression':
        node = parent;
        continue;
      case 'attribute':
        if (node.field !== 'object') return hints;
        node = parent;
        continue;
      case 'subscript':
        if (node.field !== 'value') return hints;
        node = parent;
        continue;
      case 'call':
        if (node.field !== 'function') return hints;
        node = parent;
        continue;
      case 'keyword_argument': {
        const name = parent.child('name');
        if (node.field !== 'value' || !name) return hints;
        hints.push({ kind: 'keyword', name: name.text, shown: `\`${name.text}=\`` });
        node = parent;
        continue;
      }
      case 'argument_list': {
        const outer = parent.parent;
        if (!outer || outer.type !== 'call') return hints;
        const fn = outer.child('function');
        if (fn) hints.push({ kind: 'passed', name: fn.text, shown: `\`${code(fn)}()\`` });
        node = outer;
        continue;
      }
      case 'pair': {
        const key = parent.child('key');
        const text = key ? (stringLiteralValue(key) ?? terminalName(key)) : null;
        if (node.field === 'value' && text) hints.push({ kind: 'key', name: text, shown: `\`${text}\`` });
        return hints;
      }
      case 'comparison_operator': {
        const other = parent.namedChildren.find((operand) => operand !== node && terminalName(operand));
        if (other) hints.push({ kind: 'compared', name: terminalName(other)!, shown: `\`${code(other)}\`` });
        return hints;
      }
      case 'assignment':
      case 'augmented_assignment': {
        const left = parent.child('left');
        const name = left ? terminalName(left) : null;
        if (node.field === 'right' && left && name) hints.push({ kind: 'assigned', name, shown: `\`${code(left)}\`` });
        return hints;
      }
      default:
        return hints;
    }
  }
  return hints;
}

const HINT_REASONS: Record<UseHint['kind'], string> = {
  assigned: 'the result goes to',
  compared: 'the result is compared with',
  keyword: 'the result is passed as',
  key: 'the result is stored under',
  passed: 'the result is passed to',
};

function code(node: SyntaxNode): string {
  return codeSnippet(node, 40);
}

/** `h.update(data)` calls of the unit, by the receiver's name: what goes into a hash built step by step. */
function updateCalls(unit: AnalysisUnit): Map<string, SyntaxNode[]> {
  const calls = new Map<string, SyntaxNode[]>();
  forEachNodeInUnit(unit.node, (node) => {
    if (node.type !== 'call') return;
    const fn = node.child('function');
    if (fn?.type !== 'attribute' || fn.child('attribute')?.text !== 'update') return;
    const receiver = fn.child('object');
    const data = callArguments(node).positional[0];
    if (receiver?.type !== 'identifier' || !data) return;
    const list = calls.get(receiver.text) ?? [];
    list.push(data);
    calls.set(receiver.text, list);
  });
  return calls;
}

/** What the hash is for, from the strongest evidence: the data (a password is a password whatever the name), then
 * where the result goes, the function it is in, and the other names in the data. */
function purposeOf(call: SyntaxNode, data: SyntaxNode[]): Hint | null {
  const inputs = data.flatMap(dataNames);
  const password = inputs.find((name) => classifyName(name) === 'password');
  if (password) return { purpose: 'password', reason: `it hashes \`${password}\`` };

  for (const hint of resultUse(call)) {
    const purpose = classifyName(hint.name);
    if (purpose) return { purpose, reason: `${HINT_REASONS[hint.kind]} ${hint.shown}` };
  }
  // Never the enclosing function's name (issue 6): `password_reset_template_id(path)` hashes a path, not a password.
  for (const wanted of ['security', 'integrity'] as const) {
    const input = inputs.find((name) => classifyName(name) === wanted);
    if (input) return { purpose: wanted, reason: `it hashes \`${input}\`` };
  }
  return null;
}

// --- the rule ------------------------------------------------------------------------------------------------------

export default defineRule({
  meta: {
    id: 'VG304',
    name: 'weak-hash',
    title: 'Weak hash algorithm (MD5, SHA-1)',
    cwe: [327, 328],
    severity: 'medium',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B303', 'B324'],
    ruff: ['S303', 'S324'],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags hashing with MD5, SHA-1, MD4 or MD2: `hashlib.md5()`, `hashlib.sha1()` and `hashlib.new("md5")` without `usedforsecurity=False`, PyCryptodome\'s `MD5.new()`/`SHA.new()`, and `cryptography`\'s `hashes.MD5()`/`hashes.SHA1()`; and `crypt.crypt()`/`crypt.mksalt()` with `crypt.METHOD_CRYPT` or `crypt.METHOD_MD5`. Where the result goes decides the severity: high for passwords, tokens and signatures, low for checksums, ETags and cache keys.',
      whyIsThisBad:
        'MD5 and SHA-1 collisions can be computed on ordinary hardware (SHAttered, chosen-prefix attacks), so two different documents, certificates or messages can share a digest and anything that trusts the digest to stand for the content (a signature, a token check, an allow-list of files) can be fooled. Both are also fast, so passwords hashed with them fall to GPU cracking in bulk once the hashes leak; passwords need a deliberately slow KDF, not just a newer hash. A checksum that only detects accidental corruption is fine, and `usedforsecurity=False` says so to readers, to linters and to FIPS-mode Python builds, which otherwise refuse MD5.',
      example:
        'import hashlib\n\n\ndef sign(payload: bytes, secret: bytes) -> str:\n    return hashlib.md5(secret + payload).hexdigest()\n\n\ndef etag(body: bytes) -> str:\n    return hashlib.md5(body).hexdigest()\n\n\ndef store_password(user, password: str) -> None:\n    user.password_hash = hashlib.sha1(password.encode()).hexdigest()',
      useInstead:
        'import hashlib\nimport hmac\nimport os\n\n\ndef sign(payload: bytes, secret: bytes) -> str:\n    return hmac.new(secret, payload, hashlib.sha256).hexdigest()\n\n\ndef etag(body: bytes) -> str:\n    return hashlib.md5(body, usedforsecurity=False).hexdigest()\n\n\ndef store_password(user, password: str) -> None:\n    salt = os.urandom(16)\n    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)\n    user.password_hash = salt.hex() + ":" + digest.hex()  # or argon2-cffi / bcrypt',
      references: [
        'https://cwe.mitre.org/data/definitions/327.html',
        'https://cwe.mitre.org/data/definitions/328.html',
        'https://docs.python.org/3/library/hashlib.html#hashlib.new',
        'https://docs.python.org/3/library/hashlib.html#hashlib.scrypt',
        'https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html',
        'https://shattered.io/',
        'https://cryptography.io/en/latest/hazmat/primitives/cryptographic-hashes/',
        'https://docs.python.org/3.12/library/crypt.html',
      ],
      knownProblems:
        'The purpose is guessed from names: a password name anywhere in the data hashed makes it a password hash; otherwise the nearest telling name where the result goes (a keyword it fills, a call it is passed to, the name or dict key it is stored under, what it is compared with), then the other names in the data; never the enclosing function\'s name (a function named for passwords may hash a template path). Within a name the last telling word wins (`password_cache_key` is a cache key, `session_id` is a session). Names that say nothing give medium severity. Not flagged: `usedforsecurity=False`, a `usedforsecurity` value Vigil cannot evaluate and `**kwargs`; `hashlib.md5` passed as a function (`hmac.new(key, msg, hashlib.md5)`: HMAC-MD5 is not broken the way MD5 is); `hashlib.new(name)` with a name that is not a constant; SHA-1 given directly to `HMAC`, `HKDF`, `PBKDF2HMAC`, `TOTP`/`HOTP`, `OAEP` or `MGF1` in `cryptography` (these do not rely on collision resistance); `hashlib.pbkdf2_hmac("sha1", ...)`, `hmac.new(..., digestmod="md5")` and hashes reached through `getattr`. Legacy protocols that mandate MD5 or SHA-1 (some payment-gateway signatures, older APIs) are flagged: suppress them with a comment that names the protocol. `crypt` is judged by its method constant only: `crypt.METHOD_CRYPT` (high) and `crypt.METHOD_MD5` (medium) are flagged, `METHOD_BLOWFISH`, `METHOD_SHA256` and `METHOD_SHA512` are not, and neither is a salt string written by hand (`crypt.crypt(word, "$1$salt")`); these findings carry Ruff\'s S324 only (Bandit has no crypt check).',
      fixSafety:
        'Adding `usedforsecurity=False` is safe: the digest is the same; it documents intent and needs Python 3.9 or later (older versions raise `TypeError`). It is offered only where the hash does not look security-relevant, because marking a security use as "not for security" hides the defect instead of fixing it. Replacing MD5/SHA-1 with SHA-256 (`hashlib.sha256`, `hashlib.new("sha256")`, `SHA256.new`, `hashes.SHA256()`) is unsafe: every digest changes (and gets longer), so stored hashes, signatures, cache keys and the other side of a protocol no longer match; migrate stored values deliberately. For passwords no fix is offered: SHA-256 is fast too and no better for them; use a password KDF (`hashlib.scrypt`, argon2, bcrypt) and re-hash at the next login. The editor offers `usedforsecurity=False` for checksums, SHA-256 for security uses, and both (in that order) for hashes whose purpose is unknown.',
    },
  },
  create(context) {
    const { model, unit } = context;
    let updates: Map<string, SyntaxNode[]> | undefined;

    /** Recognises a weak-hash call, or null. */
    const recognise = (call: SyntaxNode, callee: string): WeakHash | null => {
      const fn = call.child('function')!;
      const algorithm = HASHLIB_FUNCTIONS.get(callee);
      if (algorithm) return { algorithm, library: 'hashlib', label: `${code(fn)}()` };
      if (callee === 'hashlib.new') {
        const args = callArguments(call);
        const nameArgument = args.positional[0] ?? args.keywords.get('name');
        const name = nameArgument ? model.constantText(nameArgument) : null;
        const weak = name !== null ? HASHLIB_NAMES.get(name.trim().toLowerCase()) : undefined;
        return weak && nameArgument ? { algorithm: weak, library: 'hashlib', label: `${code(fn)}(${code(nameArgument)})`, nameArgument } : null;
      }
      const pycryptodome = PYCRYPTODOME.exec(callee);
      if (pycryptodome) return { algorithm: PYCRYPTODOME_ALGORITHMS[pycryptodome[2]!]!, library: 'pycryptodome', label: `${code(fn)}()` };
      const cryptography = CRYPTOGRAPHY.get(callee);
      if (cryptography) return { algorithm: cryptography, library: 'cryptography', label: `${code(fn)}()` };
      return null;
    };

    /** SHA-1 handed straight to HMAC, HKDF, PBKDF2, TOTP/HOTP, OAEP or MGF1. */
    const inSafeConstruction = (call: SyntaxNode): boolean => {
      let node = call;
      if (node.parent?.type === 'keyword_argument') node = node.parent;
      const list = node.parent;
      const outer = list?.type === 'argument_list' ? list.parent : null;
      const fn = outer?.child('function');
      const name = fn ? terminalName(fn) : null;
      return !!name && SHA1_SAFE_CONSTRUCTIONS.has(name);
    };

    /** The edit(s) that switch the call to SHA-256, with the name the fixed code uses. */
    const sha256Fix = (call: SyntaxNode, hash: WeakHash): FixSpec | null => {
      const fn = call.child('function')!;
      const edits: EditSpec[] = [];
      let shown: string;
      if (hash.library === 'hashlib' && hash.nameArgument) {
        const literal = unparenthesize(hash.nameArgument);
        const start = literal.children.find((child) => child.type === 'string_start');
        const end = literal.children.find((child) => child.type === 'string_end');
        if (literal.type !== 'string' || !start || !end || /[fb]/i.test(start.text)) return null;
        edits.push({ start: literal.start, end: literal.end, newText: `${start.text}sha256${end.text}` });
        shown = `${code(fn)}(${start.text}sha256${end.text})`;
      } else if (hash.library === 'hashlib' || hash.library === 'cryptography') {
        const replacement = hash.library === 'hashlib' ? 'sha256' : 'SHA256';
        const module = hash.library === 'hashlib' ? 'hashlib' : CRYPTOGRAPHY_HASHES;
        if (fn.type === 'attribute') {
          const attribute = fn.child('attribute')!;
          edits.push({ start: attribute.start, end: attribute.end, newText: replacement });
          shown = `${code(fn.child('object')!)}.${replacement}`;
        } else {
          // `from hashlib import md5`: name the module instead.
          const reference = referenceModuleAt(model, module, call, unit);
          if (!reference) return null;
          edits.push(...reference.edits, { start: fn.start, end: fn.end, newText: `${reference.reference}.${replacement}` });
          shown = `${reference.reference}.${replacement}`;
        }
        if (hash.library === 'cryptography') shown += '()';
      } else {
        // PyCryptodome: `MD5.new()` → `SHA256.new()`, through the `Crypto.Hash.SHA256` module.
        const object = fn.type === 'attribute' ? fn.child('object') : null;
        if (!object) return null;
        if (object.type === 'attribute') {
          const attribute = object.child('attribute')!;
          edits.push({ start: attribute.start, end: attribute.end, newText: 'SHA256' });
          shown = `${code(object.child('object')!)}.SHA256.new`;
        } else {
          const root = (model.qualifiedName(object) ?? 'Crypto.Hash').split('.')[0]!;
          const reference = referenceModuleAt(model, `${root}.Hash.SHA256`, call, unit);
          if (!reference) return null;
          edits.push(...reference.edits, { start: object.start, end: object.end, newText: reference.reference });
          shown = `${reference.reference}.new`;
        }
      }
      return { title: `Use \`${shown}\``, safety: 'unsafe', edits };
    };

    const notForSecurityFix = (call: SyntaxNode): FixSpec | null => {
      const args = callArguments(call);
      const existing = args.keywords.get('usedforsecurity');
      const edit = existing
        ? { start: existing.start, end: existing.end, newText: 'False' }
        : appendKeywordEdit(call, 'usedforsecurity=False');
      return edit ? { title: 'Mark as not for security: `usedforsecurity=False`', safety: 'safe', edits: [edit] } : null;
    };

    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        if (callee === 'crypt.crypt' || callee === 'crypt.mksalt') {
          // crypt.crypt(word, crypt.METHOD_MD5), crypt.mksalt(crypt.METHOD_CRYPT): a weak password-hashing method.
          const args = callArguments(call);
          const method = callee === 'crypt.crypt' ? (args.positional[1] ?? args.keywords.get('salt')) : (args.positional[0] ?? args.keywords.get('method'));
          const name = method ? model.qualifiedName(method) : null;
          const weak = name ? CRYPT_METHODS.get(name) : undefined;
          if (!method || !weak) return;
          context.report({
            at: call,
            message: `\`${code(call.child('function')!)}()\` with \`${code(method)}\` hashes passwords with ${weak.what}: leaked hashes are cracked in bulk; use \`crypt.METHOD_SHA512\` at the least, or better a password hash such as Argon2id or bcrypt (the \`crypt\` module is removed in Python 3.13)`,
            severity: weak.severity,
            bandit: [],
            ruff: ['S324'],
          });
          return;
        }
        const hash = recognise(call, callee);
        if (!hash) return;
        if (hash.library === 'hashlib') {
          // `usedforsecurity=False`, or a value (or `**kwargs`) Vigil cannot evaluate.
          const used = flagValue(model, call, 'usedforsecurity');
          if (used === 'false' || used === 'unknown') return;
        }
        if (hash.algorithm === 'SHA-1' && hash.library === 'cryptography' && inSafeConstruction(call)) return;

        // What goes into the hash: the data argument, and `h.update(...)` calls for `h = hashlib.md5()`.
        const args = callArguments(call);
        const data: SyntaxNode[] = [];
        const first = hash.nameArgument ? (args.positional[1] ?? args.keywords.get('data')) : (args.positional[0] ?? args.keywords.get('data') ?? args.keywords.get('string'));
        if (first) data.push(first);
        const statement = call.parent?.type === 'assignment' ? call.parent : null;
        const left = statement?.child('left');
        if (left?.type === 'identifier') {
          updates ??= updateCalls(unit);
          data.push(...(updates.get(left.text) ?? []));
        }

        const hint = purposeOf(call, data);
        const codes =
          hash.library === 'hashlib' ? { bandit: ['B324'], ruff: ['S324'] } : { bandit: ['B303'], ruff: ['S303'] };
        const broken = `${hash.algorithm} is broken`;
        let message: string;
        let severity: Severity;
        let fixes: Array<FixSpec | null> = [];
        switch (hint?.purpose) {
          case 'password':
            severity = 'high';
            message = `\`${hash.label}\` hashes a password (${hint.reason}): ${hash.algorithm} is fast and broken, so leaked hashes are cracked in bulk; use a password KDF (\`hashlib.scrypt\`, argon2, bcrypt), not just a newer hash`;
            break;
          case 'security':
            severity = 'high';
            message = `\`${hash.label}\` looks security-relevant here (${hint.reason}): ${broken} (practical collisions) and must not protect signatures, tokens or secrets`;
            fixes = [sha256Fix(call, hash)];
            break;
          case 'integrity':
            severity = 'low';
            if (hash.library === 'hashlib') {
              message = `\`${hash.label}\` looks like a checksum or identifier here (${hint.reason}): ${broken} for security, so mark this use \`usedforsecurity=False\``;
              fixes = [notForSecurityFix(call)];
            } else {
              message = `\`${hash.label}\` looks like a checksum or identifier here (${hint.reason}): ${broken}, so it detects accidents but not deliberate tampering; prefer SHA-256`;
              fixes = [sha256Fix(call, hash)];
            }
            break;
          default:
            severity = 'medium';
            if (hash.library === 'hashlib') {
              message = `\`${hash.label}\` uses ${hash.algorithm}, which is broken for security: if this hash only identifies data, mark it \`usedforsecurity=False\`; otherwise use SHA-256`;
              // Purpose unknown: both fixes, the one that keeps the digest first.
              fixes = [notForSecurityFix(call), sha256Fix(call, hash)];
            } else {
              message = `\`${hash.label}\` uses ${hash.algorithm}, which is broken for security (practical collisions): use SHA-256`;
              fixes = [sha256Fix(call, hash)];
            }
        }
        const offered = fixes.filter((fix): fix is FixSpec => fix !== null);
        context.report({ at: call, message, severity, ...codes, ...(offered.length > 0 ? { fixes: offered } : {}) });
      },
    };
  },
});
