import { defineRule } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, terminalName } from '../../syntax/python';
import { forEachNodeInUnit, type AnalysisUnit } from '../../analysis/units';
import { secretName } from '../support/secrets';
import { codeSnippet } from '../support/snippets';

/** Fast general-purpose hashes (MD5 and SHA-1 are VG304's, which reports them on passwords with high severity). */
const HASHLIB_FAST = new Set([
  'sha224', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'sha3_224', 'sha3_256', 'sha3_384',
  'sha3_512', 'blake2b', 'blake2s', 'shake_128', 'shake_256',
]);
/** PyCryptodome and PyCrypto: `SHA256.new(data)`. */
const PYCRYPTODOME_FAST = /^(?:Crypto|Cryptodome)\.Hash\.(SHA224|SHA256|SHA384|SHA512|SHA3_224|SHA3_256|SHA3_384|SHA3_512|BLAKE2b|BLAKE2s)\.new$/;
/** The words of a name that make it a password (not a token or a key: those are random and fast hashes suit them). */
const PASSWORD_WORDS = new Set(['password', 'passwords', 'passwd', 'passwrd', 'pwd', 'passphrase', 'passcode', 'pass']);

/** PBKDF2 with fewer iterations than this is reported (OWASP asks 600,000 for SHA-256 in 2023). */
const MINIMUM_ITERATIONS = 100_000;
const PBKDF2 = new Map<string, { position: number; label: string }>([
  ['hashlib.pbkdf2_hmac', { position: 3, label: 'pbkdf2_hmac' }],
  ['cryptography.hazmat.primitives.kdf.pbkdf2.PBKDF2HMAC', { position: 3, label: 'PBKDF2HMAC' }],
]);

function code(node: SyntaxNode): string {
  return codeSnippet(node, 40);
}

/** The first name in the hashed data that holds a password: `password`, `user.passwd`, `form["pwd"]`. */
function passwordIn(expression: SyntaxNode): string | null {
  let found: string | null = null;
  expression.walk((node) => {
    if (found) return false;
    let name: string | null = null;
    if (node.type === 'identifier' && node.field !== 'name') name = node.text;
    else if (node.type === 'subscript') name = terminalName(node);
    if (name && PASSWORD_WORDS.has(secretName(name)?.word ?? '')) found = name;
    return true;
  });
  return found;
}

/** `h.update(data)` calls in the unit on the identifier `name`. */
function updatesOf(unit: AnalysisUnit, name: string): SyntaxNode[] {
  const data: SyntaxNode[] = [];
  forEachNodeInUnit(unit.node, (node) => {
    if (node.type !== 'call') return;
    const fn = node.child('function');
    if (fn?.type !== 'attribute' || fn.child('attribute')?.text !== 'update') return;
    const receiver = fn.child('object');
    const first = callArguments(node).positional[0];
    if (receiver?.type === 'identifier' && receiver.text === name && first) data.push(first);
  });
  return data;
}


export default defineRule({
  meta: {
    id: 'VG309',
    name: 'fast-password-hash',
    title: 'Password hashed with a fast hash',
    cwe: [916],
    severity: 'high',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags a password hashed with a fast general-purpose hash: `hashlib.sha256(password.encode())`, `hashlib.new("sha512", pwd)`, `h.update(user.password)` on such a hash, BLAKE2, SHA-3 and PyCryptodome\'s `SHA256.new(password)`, when a name in the hashed data says it is a password (`password`, `passwd`, `pwd`, `passphrase`, `db_pass`). Also flags, with low severity, PBKDF2 (`hashlib.pbkdf2_hmac`, `cryptography`\'s `PBKDF2HMAC`) with a constant iteration count under 100,000. MD5 and SHA-1 of a password are reported by VG304.',
      whyIsThisBad:
        'SHA-256 of a password is not password hashing. A GPU computes billions of SHA-256 hashes a second, so once the stored hashes leak (a backup, a SQL injection) most real passwords are recovered by trying dictionaries and their variations, salt or no salt. Password hashes must be deliberately slow and memory-hard so each guess costs the attacker real time: scrypt, Argon2id, bcrypt, or PBKDF2 with hundreds of thousands of iterations. PBKDF2 with a few thousand iterations is hardly slower than a plain hash.',
      example:
        'import hashlib\nimport os\n\n\ndef store_password(user, password: str) -> None:\n    salt = os.urandom(16)\n    user.password_hash = salt + hashlib.sha256(salt + password.encode()).digest()\n\n\ndef derive_key(passphrase: bytes, salt: bytes) -> bytes:\n    return hashlib.pbkdf2_hmac("sha256", passphrase, salt, 1000)',
      useInstead:
        'import hashlib\nimport os\n\n\ndef store_password(user, password: str) -> None:\n    salt = os.urandom(16)\n    user.password_hash = salt + hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)\n    # or argon2-cffi: argon2.PasswordHasher().hash(password)\n\n\ndef derive_key(passphrase: bytes, salt: bytes) -> bytes:\n    return hashlib.pbkdf2_hmac("sha256", passphrase, salt, 600_000)',
      references: [
        'https://cwe.mitre.org/data/definitions/916.html',
        'https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html',
        'https://docs.python.org/3/library/hashlib.html#hashlib.scrypt',
        'https://docs.python.org/3/library/hashlib.html#hashlib.pbkdf2_hmac',
        'https://argon2-cffi.readthedocs.io/en/stable/',
        'https://cryptography.io/en/latest/hazmat/primitives/key-derivation-functions/#scrypt',
      ],
      knownProblems:
        'Whether the data is a password is read from names, using the same vocabulary as VG401 (hardcoded-secret): a name whose last word is `password`, `passwd`, `pwd`, `passphrase`, `passcode` or an account `..._pass`; names of something derived (`password_hash`, `hashed_password`, `password_salt`) do not count, and neither do tokens and API keys, which are random and fine to hash quickly. A field that holds an already-hashed password under a plain name (Django\'s `user.password`) is reported too, although hashing a hash again is not the defect this rule is about. A password reached only through a name that does not say so is missed, and so is one hashed through `cryptography`\'s `hashes.Hash(...).update(...)`. Fast hashes that a protocol mandates for a password (some legacy challenge-response schemes, SCRAM\'s client proof) are flagged: suppress them with the reason. PBKDF2 counts are judged only when they are constants; 100,000 is a floor for finding forgotten defaults, below the current OWASP advice (600,000 for SHA-256).',
    },
  },
  create(context) {
    const { model, unit } = context;
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        const fn = call.child('function')!;
        const args = callArguments(call);

        const pbkdf2 = PBKDF2.get(callee);
        if (pbkdf2) {
          const iterations = args.keywords.get('iterations') ?? args.positional[pbkdf2.position];
          const count = iterations ? model.constantInteger(iterations) : null;
          if (count === null || count >= MINIMUM_ITERATIONS) return;
          context.report({
            at: call,
            message: `\`${code(fn)}()\` with ${count.toLocaleString('en-US')} iterations is fast enough to crack in bulk: use at least ${MINIMUM_ITERATIONS.toLocaleString('en-US')} (OWASP advises 600,000 for SHA-256), or scrypt/Argon2id`,
            severity: 'low',
            confidence: 'high',
          });
          return;
        }

        let algorithm: string | null = null;
        let data: SyntaxNode | undefined;
        if (callee.startsWith('hashlib.') && HASHLIB_FAST.has(callee.slice('hashlib.'.length))) {
          algorithm = callee.slice('hashlib.'.length);
          data = args.positional[0] ?? args.keywords.get('data') ?? args.keywords.get('string');
        } else if (callee === 'hashlib.new') {
          const nameArgument = args.positional[0] ?? args.keywords.get('name');
          const name = nameArgument ? model.constantText(nameArgument)?.trim().toLowerCase().replace(/-/g, '_') : undefined;
          if (!name || !HASHLIB_FAST.has(name)) return;
          algorithm = name;
          data = args.positional[1] ?? args.keywords.get('data') ?? args.keywords.get('string');
        } else {
          const pycryptodome = PYCRYPTODOME_FAST.exec(callee);
          if (!pycryptodome) return;
          algorithm = pycryptodome[1]!;
          data = args.positional[0] ?? args.keywords.get('data');
        }

        const inputs: SyntaxNode[] = data ? [data] : [];
        const statement = call.parent?.type === 'assignment' ? call.parent : null;
        const left = statement?.child('left');
        if (left?.type === 'identifier' && statement?.child('right') === call) inputs.push(...updatesOf(unit, left.text));
        let password: string | null = null;
        for (const input of inputs) {
          password = passwordIn(input);
          if (password) break;
        }
        if (!password) return;
        context.report({
          at: call,
          message: `\`${code(fn)}()\` hashes a password (\`${password}\`) with ${algorithm.toUpperCase().replace(/_/g, '-')}, a fast hash: leaked hashes are cracked in bulk on GPUs, salt or not; use a password hash (\`hashlib.scrypt\`, Argon2id, bcrypt, or PBKDF2 with 600,000 iterations)`,
        });
      },
    };
  },
});
