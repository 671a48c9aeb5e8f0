import { defineRule, type FixSpec } from '../rule';
import { evidenceAt, withFlow } from '../flowRule';
import { kindBit } from '../../flow/concepts';
import type { Confidence } from '../../findings';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import type { AnalysisUnit } from '../../analysis/units';
import { callArguments, calleeName, nameWords, stringPrefix, unparenthesize } from '../../syntax/python';
import { comparedSecretName, isConfirmationPair, type ComparedSecret } from '../support/cryptoSecretNames';
import { referenceMember } from '../support/cryptoWebReferences';
import { keyName, moduleTokenizes } from '../support/secrets';

/** Calls whose result is metadata about a value, or a value typed at a local prompt: comparing them is not probing a secret. */
const META_FUNCTIONS: ReadonlySet<string> = new Set([
  'len', 'type', 'bool', 'int', 'float', 'isinstance', 'id', 'hash', 'input', 'getpass.getpass', 'getpass', 'ord',
  'round', 'abs', 'sum', 'min', 'max',
]);
/** Methods that return the same value in another form: `sig.lower()`, `token.encode()`. */
const SAME_VALUE_METHODS: ReadonlySet<string> = new Set([
  'encode', 'decode', 'lower', 'upper', 'strip', 'lstrip', 'rstrip', 'hex', 'casefold', 'get_secret_value',
]);
/** Lookups by key: `headers.get("X-Signature")`, `os.getenv("API_TOKEN")`. */
const GETTERS: ReadonlySet<string> = new Set(['get', 'getenv', 'pop', 'get_secret', 'getlist', 'getheader']);
/** Words that make a name the reference value of a check: `expected`, `stored_value`, `computed`. */
const TARGET_WORDS: ReadonlySet<string> = new Set([
  'expected', 'expect', 'stored', 'valid', 'correct', 'computed', 'calculated', 'calc', 'known', 'saved', 'actual',
  'reference', 'real', 'generated', 'original', 'required', 'server',
]);
/** Query builders whose arguments are SQL expressions: `User.token == token` there builds a WHERE clause. */
const QUERY_METHODS: ReadonlySet<string> = new Set([
  'filter', 'filter_by', 'where', 'having', 'join', 'outerjoin', 'and_', 'or_', 'not_', 'exclude', 'select', 'delete',
  'update', 'on', 'case', 'query', 'get_or_none', 'get_or_create', 'find', 'find_one', 'count', 'exists', 'first',
  'one', 'one_or_none', 'scalar', 'execute', 'loc', 'query_one',
]);
/** Dunder comparison methods compare objects field by field: that is object equality, not authentication. */
/**
 * Modules whose import makes `signature` mean a message signature (crypto, tokens, web frameworks, cloud request
 * signing). Elsewhere — a parser generator's table signature, `inspect` code — a signature is only weak evidence.
 */
const AUTH_MODULES: ReadonlySet<string> = new Set([
  'hashlib', 'jwt', 'jose', 'cryptography', 'nacl', 'itsdangerous', 'rsa', 'ecdsa', 'Crypto',
  'Cryptodome', 'OpenSSL', 'botocore', 'boto3', 'oauthlib', 'authlib', 'requests_oauthlib', 'flask', 'django',
  'fastapi', 'starlette', 'aiohttp', 'tornado', 'falcon', 'bottle', 'pyramid', 'sanic', 'quart', 'werkzeug', 'webob',
  'stripe', 'github', 'slack_sdk', 'slack_bolt', 'twilio', 'paramiko', 'pyotp', 'passlib', 'bcrypt', 'argon2',
]);
/** Modules whose import marks a test module: a timing oracle in a test server is not one in production. */
const TEST_MODULES: ReadonlySet<string> = new Set(['pytest', 'unittest', 'hypothesis', 'mock', 'nose']);
/** Objects whose fields come from the request: `form.password == user.password` checks input against a stored value. */
const INPUT_OBJECTS = /^(?:request|req|form|args|params|data|body|payload|query|headers|cookies|environ|event|message|msg|credentials|creds|auth|input|submitted|provided|given|incoming)$/i;
const EQUALITY_METHODS = /^__(?:eq|ne|lt|le|gt|ge|hash|cmp)__$/;
const TEST_FUNCTION = /^_*test/;

type Operand =
  | { readonly kind: 'skip' }
  | { readonly kind: 'secret'; readonly secret: ComparedSecret }
  | { readonly kind: 'mac'; readonly what: string }
  | { readonly kind: 'target' }
  | { readonly kind: 'other' };

type ValueKind = 'str' | 'bytes' | 'unknown';

function shown(node: SyntaxNode): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function article(what: string): string {
  return /^(?:HMAC|API|[aei]|o(?!ne))/.test(what) ? `an ${what}` : `a ${what}`;
}

/** Whether the comparison is a SQL expression or a dataframe mask, not a comparison Python evaluates. */
function inQueryExpression(comparison: SyntaxNode): boolean {
  let node = comparison;
  for (let parent = node.parent; parent; node = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'boolean_operator':
      case 'not_operator':
      case 'binary_operator':
      case 'keyword_argument':
      case 'argument_list':
      case 'list':
      case 'tuple':
        continue;
      case 'call': {
        const method = calleeName(parent);
        return !!method && QUERY_METHODS.has(method);
      }
      case 'subscript':
        return node.field === 'subscript';
      default:
        return false;
    }
  }
  return false;
}

/** A column expression: `User.api_key` (a class attribute), `users.c.token`, `F.col("token")`. */
function isColumn(expr: SyntaxNode): boolean {
  if (expr.type !== 'attribute') return false;
  const object = unparenthesize(expr.child('object')!);
  if (object.type === 'identifier' && /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*$/.test(object.text)) {
    return /^[a-z_][a-z0-9_]*$/.test(expr.child('attribute')?.text ?? '');
  }
  return object.type === 'attribute' && object.child('attribute')?.text === 'c';
}

/**
 * A field of some object that is not request input: `boto3_creds.secret_key`, `self.func.signature`. Two of them
 * compared (`a.secret_key == b.secret_access_key`) is a check whether two objects hold the same credentials.
 */
function objectField(expr: SyntaxNode): string | null {
  if (expr.type !== 'attribute') return null;
  let root = unparenthesize(expr.child('object')!);
  while (root.type === 'attribute') root = unparenthesize(root.child('object')!);
  return root.type === 'identifier' && !INPUT_OBJECTS.test(root.text) ? expr.child('object')!.text : null;
}

/** Whether a unit is an equality dunder or a test, or inside one. */
function excludedUnit(unit: AnalysisUnit): boolean {
  for (let current: AnalysisUnit | null = unit; current; current = current.parent) {
    if (current.kind !== 'function') continue;
    const name = current.node.child('name')?.text ?? '';
    if (EQUALITY_METHODS.test(name) || TEST_FUNCTION.test(name)) return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'VG404',
    name: 'timing-unsafe-comparison',
    title: 'Secret compared with a timing-unsafe ==',
    cwe: [208],
    severity: 'medium',
    confidence: 'medium',
    status: 'stable',
    since: '0.1.0',
    bandit: [],
    ruff: [],
    fixable: true,
    inTests: 'skip',
    docs: {
      whatItDoes:
        'Flags `a == b` and `a != b` that check a secret an attacker can submit guesses for — a signature, an HMAC, an API key, a token, a password or password hash, a CSRF token, a one-time password — against the expected value: both sides named like secrets (`signature == expected_signature`), a secret against a name that says it is the reference value (`token != expected`), or anything against a freshly computed HMAC (`hmac.new(key, body, "sha256").hexdigest() == sig`).',
      whyIsThisBad:
        'String and bytes equality stops at the first character that differs, so a wrong guess with a correct prefix takes measurably longer to reject. An attacker who can submit many guesses and time the responses (a webhook endpoint, an API key check, a signed cookie) can recover the expected value one character at a time, forging signatures or tokens without ever knowing the key. `hmac.compare_digest()` takes the same time whatever the inputs share.',
      example:
        'import hashlib\nimport hmac\n\n\ndef verify_webhook(request, secret):\n    expected_signature = hmac.new(secret, request.body, hashlib.sha256).hexdigest()\n    if request.headers["X-Signature"] != expected_signature:\n        raise PermissionError("bad signature")',
      useInstead:
        'import hashlib\nimport hmac\n\n\ndef verify_webhook(request, secret):\n    expected_signature = hmac.new(secret, request.body, hashlib.sha256).hexdigest()\n    if not hmac.compare_digest(request.headers["X-Signature"], expected_signature):\n        raise PermissionError("bad signature")',
      references: [
        'https://cwe.mitre.org/data/definitions/208.html',
        'https://docs.python.org/3/library/hmac.html#hmac.compare_digest',
        'https://docs.python.org/3/library/secrets.html#secrets.compare_digest',
        'https://codahale.com/a-lesson-in-timing-attacks/',
      ],
      knownProblems:
        'Secret names follow the shared last-word rule (VG401) extended with `signature`, `hmac`, `otp`, `csrf`, `session_id`, reset/verification `X_code` and hashes of credentials (`password_hash`, `hashed_token`); `digest`, `sig`, `mac` (also a MAC address) and `pin` (also a GPIO pin) count only against one of those or a computed HMAC, and `hash`, `checksum` and `func_signature` never do: comparing the SHA-256 of a download with a published checksum reveals nothing secret. ' +
        'A secret compared with a value whose name says nothing (`token == value`, `password == username`) is not flagged: that is as often a policy check (the password must differ from the user name) as an authentication check. Comparisons with a literal, `None`, `""`, a number or `len(...)`/`int(...)` are not this defect (a hard-coded secret compared with a literal is VG401). ' +
        '`signature` counts as strong evidence only in modules that import a cryptography, token, web-framework or cloud-signing library (`hashlib`, `jwt`, `cryptography`, `itsdangerous`, `flask`, `django`, `botocore`…); elsewhere (a parser generator\'s table signature, introspection code) it is weak. `hmac` alone does not count, as the fix itself adds `import hmac`. AWS-style handle tokens (`client_token`, `creation_token`, `version_token`) are not credentials. ' +
        'Decisions: a confirmation check is not a timing oracle against a stored secret, so `password == password_confirm`, `password1 != password2` and `new_password == old_password` are not flagged; neither are fields of two objects compared with each other (`a.secret_key == b.secret_access_key` checks whether two credential objects match; `form.password == user.password` is still flagged, `form`/`request`/`data`… being input), comparisons inside `assert` statements, in functions named `test*` or modules that import `pytest`/`unittest`, in `__eq__`/`__ne__` and the other comparison dunders (object equality), inside query builders (`filter(User.api_key == key)`, `where(...)`: that is SQL, not Python) and dataframe masks (`df[df.token == t]`), `is`/`is not`, chained comparisons, `token` names in modules that import a tokenizer library, and loop variables named `token`. ' +
        'Missed: membership tests (`token in VALID_TOKENS`), `dict` lookups keyed by the secret, `startswith`, secrets under names the rule does not know (`sig_header`, `auth`), and comparisons in other modules\' helpers.',
      fixSafety:
        'The fix rewrites `a == b` to `hmac.compare_digest(a, b)` and `a != b` to `not hmac.compare_digest(a, b)`, keeping both operands as written, and adds `import hmac` when needed (an existing `from hmac import compare_digest` is reused). It is `safe` when both sides are `str` with ASCII text or both are bytes-like, which is how signatures, tokens and digests are normally handled. `compare_digest` raises `TypeError` where `==` returned `False`: for `None` (so the fix is `unsafe` when a side is a lookup such as `headers.get("X-Token")` that may return `None`), for numbers (`unsafe` for OTP, PIN and code names, which are often `int`), and for non-ASCII `str`. When one side is known to be `bytes` (`.encode()`, `.digest()`, a `b"..."` literal) and the other `str` (`.hexdigest()`, `.decode()`, a string literal), no fix is offered: the comparison was always false, and that bug needs fixing first.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model, unit } = context;
    let tokenizes: boolean | undefined;
    const imported = (): ReadonlySet<string> => model.importedRoots();
    const excluded = excludedUnit(unit);

    /** Whether a call computes an HMAC: `hmac.new(...).hexdigest()`, `hmac.digest(...)`, `compute_hmac(body)`. */
    const computesMac = (call: SyntaxNode, depth = 0): boolean => {
      if (depth > 6) return false;
      const callee = model.calleeQualifiedName(call);
      if (callee && callee.startsWith('hmac.') && callee !== 'hmac.compare_digest') return true;
      const fn = call.child('function');
      const method = calleeName(call);
      if (fn?.type === 'attribute' && method && /^(?:hex)?digest$/.test(method)) {
        const receiver = unparenthesize(fn.child('object')!);
        if (receiver.type === 'call') return computesMac(receiver, depth + 1);
        if (receiver.type === 'identifier') {
          const value = model.singleValue(receiver);
          return !!value && unparenthesize(value).type === 'call' && computesMac(unparenthesize(value), depth + 1);
        }
        return false;
      }
      // compute_hmac(), _hmac_sha256(), get_hmac(): named after the HMAC they return (not `HMAC_CTX_new`).
      const words = method ? nameWords(method) : [];
      if (words.includes('hmac') && /^(?:hmac|digest|hexdigest|sha\d*|md5|signature|sig|value|hex|b64)$/.test(words[words.length - 1]!)) return true;
      return false;
    };

    const byName = (name: string | null, depth: number, node: SyntaxNode): Operand => {
      if (!name) return { kind: 'other' };
      let secret = comparedSecretName(name);
      if (secret?.what === 'signature' && secret.strength === 'strong' && ![...imported()].some((root) => AUTH_MODULES.has(root))) {
        secret = { ...secret, strength: 'weak' };
      }
      if (secret?.strength === 'weak' && node.type === 'identifier' && depth < 4) {
        // digest = hmac.new(...).digest(): the weak name holds a computed HMAC.
        const value = model.singleValue(node);
        if (value && value !== node && classify(value, depth + 1).kind === 'mac') secret = null;
      }
      if (secret) {
        if (secret.tokenWord) {
          if ((tokenizes ??= moduleTokenizes(model))) return { kind: 'other' };
          // for token in tokens: a lexeme.
          if (node.type === 'identifier' && model.bindingsOf(node).some((binding) => binding.kind === 'loop')) return { kind: 'other' };
        }
        return { kind: 'secret', secret };
      }
      if (node.type === 'identifier' && depth < 4) {
        // expected = hmac.new(...).hexdigest()
        const value = model.singleValue(node);
        if (value && value !== node) {
          const assigned = classify(value, depth + 1);
          if (assigned.kind === 'mac' || assigned.kind === 'secret') return assigned;
        }
      }
      if (nameWords(name).some((word) => TARGET_WORDS.has(word))) return { kind: 'target' };
      return { kind: 'other' };
    };

    const classify = (node: SyntaxNode, depth = 0): Operand => {
      const expr = unparenthesize(node);
      switch (expr.type) {
        case 'string':
        case 'concatenated_string': {
          if (expr.type === 'string' && expr.children.some((child) => child.type === 'interpolation')) {
            // f"sha256={hmac.new(...).hexdigest()}"
            for (const child of expr.children) {
              const inner = child.type === 'interpolation' ? child.child('expression') : null;
              const part = inner ? classify(inner, depth + 1) : null;
              if (part && (part.kind === 'mac' || part.kind === 'secret')) return part;
            }
            return { kind: 'other' };
          }
          return { kind: 'skip' };
        }
        case 'integer':
        case 'float':
        case 'true':
        case 'false':
        case 'none':
        case 'ellipsis':
        case 'unary_operator':
          return { kind: 'skip' };
        case 'tuple':
        case 'list':
        case 'set':
        case 'dictionary':
          return model.isConstant(expr) ? { kind: 'skip' } : { kind: 'other' };
        case 'identifier': {
          const named = byName(expr.text, depth, expr);
          if (named.kind !== 'secret' && model.bindingsOf(expr).length > 0 && model.isConstant(expr)) return { kind: 'skip' };
          return named;
        }
        case 'attribute':
          return byName(expr.child('attribute')?.text ?? null, depth, expr);
        case 'subscript': {
          const key = expr.child('subscript');
          return byName(key ? keyName(key) : null, depth, expr);
        }
        case 'binary_operator': {
          // "sha256=" + hmac.new(...).hexdigest()
          if (!expr.hasToken('+')) return { kind: 'other' };
          for (const side of [expr.child('left'), expr.child('right')]) {
            const part = side ? classify(side, depth + 1) : null;
            if (part && (part.kind === 'mac' || part.kind === 'secret')) return part;
          }
          return { kind: 'other' };
        }
        case 'call': {
          if (depth > 6) return { kind: 'other' };
          const callee = model.calleeQualifiedName(expr);
          const fn = expr.child('function');
          if (callee && META_FUNCTIONS.has(callee)) return { kind: 'skip' };
          if (fn?.type === 'identifier' && model.bindingsOf(fn).length === 0 && META_FUNCTIONS.has(fn.text)) return { kind: 'skip' };
          if (computesMac(expr)) return { kind: 'mac', what: 'HMAC' };
          const method = calleeName(expr);
          const args = callArguments(expr);
          if (fn?.type === 'attribute' && method && SAME_VALUE_METHODS.has(method)) return classify(fn.child('object')!, depth + 1);
          if ((callee === 'str' || callee === 'bytes') && args.positional[0]) return classify(args.positional[0], depth + 1);
          if (method && GETTERS.has(method)) {
            const first = args.positional[0];
            return first ? byName(keyName(first), depth, expr) : { kind: 'other' };
          }
          if (method && /^(?:hex)?digest$/.test(method)) return { kind: 'secret', secret: { name: method, what: 'digest', strength: 'weak', tokenWord: false } };
          // compute_signature(body), make_token(user), get_password(): named after the secret they return.
          if (method && nameWords(method).length > 1 && !/^(?:inspect|typing|numpy|torch)\./.test(callee ?? '')) {
            const secret = comparedSecretName(method);
            if (secret && !secret.tokenWord) return { kind: 'secret', secret };
          }
          return { kind: 'other' };
        }
        default:
          return { kind: 'other' };
      }
    };

    /** What a value is known to be: `str` (`.hexdigest()`, a string), `bytes` (`.digest()`, `.encode()`, `b"..."`). */
    const valueKind = (node: SyntaxNode, depth = 0): ValueKind => {
      if (depth > 6) return 'unknown';
      const expr = unparenthesize(node);
      switch (expr.type) {
        case 'string':
          return stringPrefix(expr).includes('b') ? 'bytes' : 'str';
        case 'concatenated_string':
          return expr.namedChildren[0] ? valueKind(expr.namedChildren[0], depth + 1) : 'unknown';
        case 'binary_operator': {
          const left = expr.child('left');
          const right = expr.child('right');
          const a = left ? valueKind(left, depth + 1) : 'unknown';
          return a !== 'unknown' ? a : right ? valueKind(right, depth + 1) : 'unknown';
        }
        case 'identifier': {
          const value = model.singleValue(expr);
          return value && value !== expr ? valueKind(value, depth + 1) : 'unknown';
        }
        case 'call': {
          const callee = model.calleeQualifiedName(expr) ?? '';
          const method = calleeName(expr) ?? '';
          if (['encode', 'digest', 'to_bytes', 'b64decode', 'urlsafe_b64decode', 'b64encode', 'urlsafe_b64encode', 'unhexlify', 'fromhex'].includes(method)) return 'bytes';
          if (['bytes', 'bytearray', 'os.urandom', 'hmac.digest', 'secrets.token_bytes'].includes(callee)) return 'bytes';
          const receiver = expr.child('function')?.type === 'attribute' ? expr.child('function')!.child('object') : null;
          if (['lower', 'upper', 'strip'].includes(method)) return receiver ? valueKind(receiver, depth + 1) : 'unknown';
          if (['hexdigest', 'decode', 'hex', 'format', 'join'].includes(method)) return 'str';
          if (['str', 'secrets.token_hex', 'secrets.token_urlsafe'].includes(callee)) return 'str';
          return 'unknown';
        }
        default:
          return 'unknown';
      }
    };

    /** Whether a side may be `None` (a lookup without a default), where `compare_digest` raises instead of returning False. */
    const mayBeNone = (node: SyntaxNode, depth = 0): boolean => {
      if (depth > 4) return false;
      const expr = unparenthesize(node);
      if (expr.type === 'identifier') {
        const value = model.singleValue(expr);
        return !!value && value !== expr && mayBeNone(value, depth + 1);
      }
      if (expr.type !== 'call') return false;
      const method = calleeName(expr);
      const callee = model.calleeQualifiedName(expr);
      const args = callArguments(expr);
      if ((method === 'get' || method === 'getenv' || callee === 'os.getenv') && args.positional.length < 2 && !args.keywords.has('default')) return true;
      if (callee === 'getattr' && args.positional.length >= 3) return unparenthesize(args.positional[2]!).type === 'none';
      return false;
    };

    const fixFor = (comparison: SyntaxNode, left: SyntaxNode, right: SyntaxNode, negated: boolean, secrets: ComparedSecret[]): FixSpec | null => {
      if (comparison.descendantsOfType('comment').length > 0) return null;
      const reference = referenceMember(model, 'hmac', 'compare_digest', comparison, unit);
      if (!reference) return null;
      const numeric = secrets.some((secret) => /one-time password|PIN|code$/.test(secret.what));
      const safety = numeric || mayBeNone(left) || mayBeNone(right) ? 'unsafe' : 'safe';
      const call = `${reference.code}(${left.text}, ${right.text})`;
      return {
        title: negated ? `Use \`not ${reference.code}(…)\`` : `Use \`${reference.code}(…)\``,
        safety,
        edits: [{ start: comparison.start, end: comparison.end, newText: negated ? `not ${call}` : call }, ...reference.edits],
      };
    };

    return {
      comparison_operator(node) {
        if (excluded || [...imported()].some((root) => TEST_MODULES.has(root))) return;
        const operands = node.namedChildren;
        const operators = node.childrenOf('operators');
        if (operands.length !== 2 || operators.length !== 1) return;
        const operator = operators[0]!.type;
        if (operator !== '==' && operator !== '!=') return;
        const [left, right] = operands as [SyntaxNode, SyntaxNode];
        if (left.text === right.text) return;
        if (node.ancestor('assert_statement', 'function_definition', 'class_definition')?.type === 'assert_statement') return;
        if (isColumn(unparenthesize(left)) || isColumn(unparenthesize(right)) || inQueryExpression(node)) return;
        const fieldA = objectField(unparenthesize(left));
        const fieldB = objectField(unparenthesize(right));
        if (fieldA !== null && fieldB !== null && fieldA !== fieldB) return;

        const a = classify(left);
        const b = classify(right);
        if (a.kind === 'skip' || b.kind === 'skip') return;
        const secrets = [a, b].flatMap((side) => (side.kind === 'secret' ? [side.secret] : []));
        const macs = [a, b].filter((side) => side.kind === 'mac');
        const strong = secrets.filter((secret) => secret.strength === 'strong');
        const targets = [a, b].filter((side) => side.kind === 'target');
        let confidence: Confidence;
        if (macs.length > 0) confidence = 'high';
        else if (strong.length === 2) confidence = 'high';
        else if (strong.length === 1 && (secrets.length === 2 || targets.length === 1)) confidence = 'medium';
        else return;
        if (secrets.length === 2 && isConfirmationPair(secrets[0]!.name, secrets[1]!.name)) return;

        const what = macs.length > 0 && strong.length === 0 ? 'an HMAC' : article((strong[0] ?? secrets[0])?.what ?? 'HMAC');
        const kinds = [valueKind(left), valueKind(right)];
        const mixed = kinds.includes('str') && kinds.includes('bytes');
        const fix = mixed ? null : fixFor(node, left, right, operator === '!=', secrets);
        // The attack needs the caller to choose one side: the flow layer's evidence that one comes from a request.
        const supplied = [left, right].map((side) => ({ side, taint: context.flow.taintOf(side) })).find(({ taint }) => !!taint && (taint.kinds & kindBit('remote')) !== 0);
        const evidence = supplied ? evidenceAt(supplied.taint!, node, supplied.side, `compared with \`${operator}\` here`) : undefined;
        context.report(withFlow({
          at: node,
          message: mixed
            ? `\`${shown(node)}\` compares ${what} with \`${operator}\`, which returns at the first differing character; also, one side is \`bytes\` and the other \`str\`, so this check always ${operator === '==' ? 'fails' : 'passes'}`
            : `\`${shown(node)}\` compares ${what} with \`${operator}\`, which returns at the first differing character: timing the responses lets an attacker guess the expected value one character at a time`,
          confidence,
          ...(fix ? { fix } : {}),
        }, evidence, 'medium', context.meta));
      },
    };
  },
});
