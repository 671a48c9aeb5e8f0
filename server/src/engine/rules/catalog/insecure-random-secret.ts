import { defineRule, type EditSpec, type FixSpec, type Report } from '../rule';
import type { Severity } from '../../findings';
import { kindBit } from '../../flow/concepts';
import { parseSourceStep, pathSteps, type Taint } from '../../flow/taint';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, nameWords, stringLiteralValue, unparenthesize } from '../../syntax/python';
import type { AnalysisUnit } from '../../analysis/units';
import { generatedSecretName, type GeneratedSecret } from '../support/cryptoSecretNames';
import { referenceMember } from '../support/cryptoWebReferences';
import { keyName, moduleTokenizes } from '../support/secrets';
import { isInUnit } from '../support/units';
import { evidenceAt, flowSteps } from '../flowRule';

/**
 * What each pseudo-random function draws, for the rule's own judgement of a source the flow layer found (the
 * sources themselves are `flow/models/randomness.ts`): a number (its value is the secret), a pick from a population
 * (a secret only when the population is a character set, or picks are assembled into a string), or a shuffle (a
 * secret only when the shuffled list is joined into one).
 */
type RandomKind = 'number' | 'pick' | 'shuffle';
const RANDOM_FUNCTIONS: ReadonlyMap<string, RandomKind> = new Map([
  ['random', 'number'],
  ['randint', 'number'],
  ['randrange', 'number'],
  ['getrandbits', 'number'],
  ['uniform', 'number'],
  ['randbytes', 'number'],
  ['choice', 'pick'],
  ['choices', 'pick'],
  ['sample', 'pick'],
  ['shuffle', 'shuffle'],
]);
const RANDOM = kindBit('random');
/** `string` module constants: a population made of these is an alphabet, so picks from it are characters. */
const STRING_CONSTANTS = /^string\.(?:ascii_letters|ascii_lowercase|ascii_uppercase|digits|hexdigits|octdigits|punctuation|printable|letters|lowercase|uppercase|whitespace)$/;
/** A path step that holds the value under a name on its way: "assigned to `chars`", "returned by `helper()`". */
const HOLDER_STEP = /^(?:assigned to|stored in|added to|returned by) `([^`]+)`$/;

/** Modules whose import marks a test, load-test or fake-data module: random credentials there are test data. */
const TEST_MODULES: ReadonlySet<string> = new Set(['pytest', 'unittest', 'factory', 'faker', 'hypothesis', 'mock', 'nose', 'locust']);
const TEST_FUNCTION = /^(?:test|setup|setUp|tearDown|fixture)/;
const TEST_CLASS = /^Test|Tests?$|TestCase$|Factory$/;

/** Where a value becomes a secret: an assignment, a return, a keyword argument, a dict pair, a setter's argument. */
interface Destination {
  readonly at: SyntaxNode;
  /** The expression whose value becomes the secret. */
  readonly value: SyntaxNode;
  readonly secret: GeneratedSecret;
  /** "is assigned to `reset_token`", "is returned by `generate_token()`". */
  readonly description: string;
  /** `token += …`: the secret is built up piece by piece. */
  readonly accumulated: boolean;
}

function shown(node: SyntaxNode): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 48 ? `${text.slice(0, 45)}…` : text;
}

/** Whether a module-level import marks this as a test or fake-data module. */
function importsTestLibrary(model: SemanticModel): boolean {
  // The module-level imports only: every unit's key names them.
  for (const qualified of model.importedNames()) {
    const name = qualified.replace(/^\.+/, '');
    if (TEST_MODULES.has(name.split('.')[0]!) || name.startsWith('django.test')) return true;
  }
  return false;
}

/** Whether the unit is a test function, a fixture, or inside a test class or a test-data factory. */
function inTestCode(unit: AnalysisUnit): boolean {
  for (let current: AnalysisUnit | null = unit; current; current = current.parent) {
    const name = current.node.child('name')?.text;
    if (!name) continue;
    if (current.kind === 'function' && TEST_FUNCTION.test(name.replace(/^_+/, ''))) return true;
    if (current.kind === 'class' && TEST_CLASS.test(name)) return true;
  }
  return false;
}

/** What `n + 1` is, written as code: `10` for `9`, `len(x)` for `len(x) - 1`, `n + 1`, `(a if b else c) + 1`. */
function plusOne(node: SyntaxNode): string {
  if (node.type === 'integer') {
    const value = Number(node.text.replace(/_/g, '').toLowerCase().replace(/l$/, ''));
    if (Number.isSafeInteger(value) && Number.isSafeInteger(value + 1)) return String(value + 1);
  }
  if (node.type === 'binary_operator' && node.hasToken('-')) {
    const right = node.child('right');
    const left = node.child('left');
    if (left && right?.type === 'integer' && right.text === '1') return left.text;
  }
  const primary = ['identifier', 'attribute', 'call', 'subscript', 'parenthesized_expression', 'integer'];
  if (primary.includes(node.type)) return `${node.text} + 1`;
  if (node.type === 'binary_operator' && ['+', '-', '*', '/', '//', '%', '@', '**'].some((op) => node.hasToken(op))) {
    return `${node.text} + 1`;
  }
  return `(${node.text}) + 1`;
}

/**
 * Whether `randint(a, b)`/`randrange(a, b)` draws from fewer than a thousand values: that is a game's secret
 * (`secret = random.randint(1, 100)`, guess the number), not a credential. PINs and codes are judged anyway.
 */
function tinyRange(call: SyntaxNode, name: string): boolean {
  if (name !== 'randint' && name !== 'randrange') return false;
  const args = callArguments(call);
  if (args.keywords.size > 0 || args.hasUnpacking) return false;
  const numbers = args.positional.map((arg) => {
    const expr = unparenthesize(arg);
    return expr.type === 'integer' ? Number(expr.text.replace(/_/g, '')) : NaN;
  });
  if (numbers.length === 0 || numbers.some((value) => !Number.isSafeInteger(value))) return false;
  const [first, second] = numbers as [number, number | undefined];
  const size = second === undefined ? first : name === 'randint' ? second - first + 1 : second - first;
  return numbers.length <= 2 && size <= 1000;
}

function isZero(node: SyntaxNode): boolean {
  const expr = unparenthesize(node);
  return expr.type === 'integer' && Number(expr.text.replace(/_/g, '')) === 0;
}

/** The call spanning exactly `start`–`end` (a path step's source), found from the module down. */
function callAt(root: SyntaxNode, start: number, end: number): SyntaxNode | null {
  for (let node: SyntaxNode | undefined = root; node; node = node.children.find((child) => child.start <= start && end <= child.end)) {
    if (node.type === 'call' && node.start === start && node.end === end) return node;
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'VG403',
    name: 'insecure-random-secret',
    title: 'Secret generated with a non-cryptographic random generator',
    cwe: [330, 338],
    severity: 'medium',
    confidence: 'medium',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B311'],
    ruff: ['S311'],
    fixable: true,
    inTests: 'note',
    docs: {
      whatItDoes:
        'Flags a `random` module call (`random.choice`, `randint`, `randrange`, `getrandbits`, `random`, `uniform`, `randbytes`, `choices`, `sample`, `shuffle`, and the same methods of a `random.Random()` instance) whose result becomes a secret: it is assigned to, returned as, stored under or passed as a password, token, key, session id, CSRF token, one-time password, PIN, reset or verification code, nonce or salt — directly or along any path the flow layer follows: `"".join(...)`, `str()`, `int()`, `hashlib.*`, an f-string, `%`, `+`, local variables, lists and dictionaries, and helper functions of the same file that return it. The finding shows that path, from the call to the secret.',
      whyIsThisBad:
        'The `random` module is a Mersenne Twister: fast and statistically fine, but fully predictable. Anyone who observes enough of its outputs (624 32-bit values, fewer with known structure) can reconstruct its state and compute every past and future value, and it is often seeded from the clock. Password reset tokens, session ids, API keys or one-time codes drawn from it can then be predicted, which turns "I can create an account and see my own token" into "I can take over any account".',
      example:
        'import random\nimport string\n\n\ndef generate_reset_token(length=32):\n    alphabet = string.ascii_letters + string.digits\n    return "".join(random.choice(alphabet) for _ in range(length))\n\n\notp = random.randint(100000, 999999)',
      useInstead:
        'import secrets\nimport string\n\n\ndef generate_reset_token(length=32):\n    return secrets.token_urlsafe(length)  # or "".join(secrets.choice(alphabet) for _ in range(length))\n\n\notp = 100000 + secrets.randbelow(900000)',
      references: [
        'https://cwe.mitre.org/data/definitions/330.html',
        'https://cwe.mitre.org/data/definitions/338.html',
        'https://docs.python.org/3/library/random.html',
        'https://docs.python.org/3/library/secrets.html',
        'https://peps.python.org/pep-0506/',
        'https://bandit.readthedocs.io/en/latest/blacklists/blacklist_calls.html#b311-random',
      ],
      knownProblems:
        'Unlike Bandit B311/Ruff S311, which flag every use of `random`, only values that end up as a secret are flagged: simulations, games, sampling, shuffling, jitter and backoff, `random.seed()`, `random.SystemRandom()` and `secrets.*` never are. ' +
        'A secret is recognised by its name (the shared VG401 rule, extended with `nonce`, `salt`, `otp`, `pin`, `session_id`, `csrf`, `X_code` for reset/verification/activation/invite…codes and `X_key` for session/licence/activation keys): an assignment target (`token = …`, `self.api_key = …`, `session["csrf_token"] = …`), a keyword argument (`password=…`), a dict key (`{"token": …}`), the argument of a `set_password(…)`-style setter, or the return value of a function whose own name is secret-like (`generate_token`, `make_password`, `new_api_key`). The value is followed by the flow layer (the `random` taint kind, which no sanitizer removes: a predictable number stays predictable through `int()`, a hash or a format): through names, augmented assignments, loops, comprehensions, containers (`parts.append(…)`, `d[k] = …`), string building, modelled calls (`str`, `bytes`, `hashlib.*`, `uuid.UUID`, string methods such as `.encode()`/`.zfill()`/`.join()`), the results of same-file helpers (`api_token = random_string(32)`, reported on that call), and at most one call Vigil has no model for (`hex(…)`); a helper named for the secret it returns (`generate_token()`) is reported there, not again where it is called. ' +
        'Picks (`choice`, `choices`, `sample`, `shuffle`) are flagged only when they draw from an alphabet (a string literal, `string.ascii_letters`…, `range()`) or are assembled into a string (joined, concatenated, collected in a comprehension or list): `api_key = random.choice(API_KEYS)` picks one of several existing keys (load balancing) and is not a generated secret. ' +
        'Not flagged: test modules and test code (a module importing `pytest`, `unittest`, `factory`, `faker`, `hypothesis`, `mock`, `locust`; functions named `test*`/`setUp`; classes named `Test*`/`*Tests`/`*Factory`), `token` names in modules that import a tokenizer library, names that say "fake", "dummy", "sample" or "test", AWS-style handle tokens (`client_token`, `version_token`…), a `randint`/`randrange` over fewer than 1000 constant values unless it is a PIN or a code (`secret = random.randint(1, 100)` is a guessing game), a bare number assigned to a name that is just `token` (`token = random.randrange(sys.maxsize)` is the standard library\'s MIME boundary), and names imported from `secrets` with a `random` fallback (`try: from secrets import randbits except ImportError: from random import getrandbits as randbits`). ' +
        'Severity follows what is predicted: `high` for credentials (passwords, tokens, keys, session ids, OTPs, PINs, codes), `medium` for nonces, `low` for salts (which need to be unique rather than secret). Confidence is `medium` when the value reaches the secret through a name, a container, a helper, an unmodelled call or a shuffle. ' +
        'Missed: `numpy.random`, values that pass through two or more calls Vigil has no model for or through other modules, a pick from a list assembled into a secret inside a helper (the helper\'s pick is judged alone), a shuffled list that held a parameter\'s data, a value mixed with request data (its path is the request data\'s), and lambdas and `default=`/`default_factory=` callables of ORM and dataclass fields.',
      fixSafety:
        'Fixes are offered where `secrets` has an exact equivalent, and add `import secrets` when the module has none: `random.choice(x)` → `secrets.choice(x)`, `random.getrandbits(k)` → `secrets.randbits(k)`, `random.randrange(n)` → `secrets.randbelow(n)` and `random.randint(0, n)` → `secrets.randbelow(n + 1)` are `safe`: same range, same distribution, same exceptions, only unpredictable. `random.choices(pop, k=n)` → `[secrets.choice(pop) for _ in range(n)]` is `unsafe`: it is offered only without `weights`/`cum_weights` (which `secrets` does not support), and `pop` is evaluated once per element instead of once. Other calls (`randint(a, b)` with `a != 0`, `randrange` with a step, `random()`, `uniform()`, `sample()`, `shuffle()`) have no fix: rewrite them with `secrets.token_urlsafe()`, `secrets.token_hex()`, `secrets.randbelow()` or `secrets.SystemRandom()`. No fix is offered where a local variable named `secrets` would shadow the module.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model, unit } = context;
    const unitNode = unit.node;
    const destinations: Destination[] = [];
    let tokenizes: boolean | undefined;

    /** A destination for a value whose name there is `name`, when that name is a secret's. */
    const destination = (name: string | null | undefined, at: SyntaxNode, value: SyntaxNode | null, description: string, accumulated = false): void => {
      if (!name || !value) return;
      const secret = generatedSecretName(name);
      if (!secret) return;
      if (secret.tokenWord && (tokenizes ??= moduleTokenizes(model))) return;
      destinations.push({ at, value, secret, description, accumulated });
    };

    /** The name an assignment target gives its value: `token`, `api_key` of `self.api_key`, `"csrf_token"` of `session["csrf_token"]`. */
    const targetName = (target: SyntaxNode): string | null => {
      switch (target.type) {
        case 'identifier':
          return target.text;
        case 'attribute':
          return target.child('attribute')?.text ?? null;
        case 'subscript': {
          const key = target.child('subscript');
          return key ? keyName(key) : null;
        }
        default:
          return null;
      }
    };

    /**
     * Whether every import of the callee's root name is the `random` module: `try: from secrets import randbits
     * except ImportError: from random import getrandbits as randbits` binds the name to `secrets` first.
     */
    const onlyRandom = (call: SyntaxNode): boolean => {
      let root = call.child('function');
      while (root?.type === 'attribute') root = root.child('object');
      if (root?.type !== 'identifier') return true;
      return model.bindingsOf(root).every((binding) => binding.kind !== 'import' || /^random(?:\.|$)/.test(binding.qualifiedName ?? ''));
    };

    /** Whether the population of a pick is an alphabet: a string, `string.ascii_letters + string.digits`, `range(10)`. */
    const isAlphabet = (node: SyntaxNode, depth = 0): boolean => {
      if (depth > 6) return false;
      const expr = unparenthesize(node);
      switch (expr.type) {
        case 'string':
        case 'concatenated_string': {
          const value = stringLiteralValue(expr) ?? model.constantText(expr);
          return value !== null && value.length >= 2;
        }
        case 'attribute':
        case 'identifier': {
          const qualified = model.qualifiedName(expr);
          if (qualified && STRING_CONSTANTS.test(qualified)) return true;
          if (expr.type !== 'identifier') return false;
          const value = model.singleValue(expr);
          return !!value && value !== expr && isAlphabet(value, depth + 1);
        }
        case 'binary_operator': {
          if (!expr.hasToken('+')) return false;
          const left = expr.child('left');
          const right = expr.child('right');
          return !!left && !!right && isAlphabet(left, depth + 1) && isAlphabet(right, depth + 1);
        }
        case 'call': {
          const callee = model.calleeQualifiedName(expr);
          if (callee === 'range') return true;
          const first = callArguments(expr).positional[0];
          return (callee === 'list' || callee === 'tuple' || callee === 'set' || callee === 'sorted') && !!first && isAlphabet(first, depth + 1);
        }
        default:
          return false;
      }
    };

    /**
     * Whether a value is assembled from several draws (a join, a concatenation, a comprehension, a collection, a
     * string with several fields), read through one-value names and the calls and attributes that wrap it
     * (`str(x)`, `x.hex`): several picks make one secret, one pick from a list is an item of that list.
     */
    const assembled = (node: SyntaxNode, depth = 0): boolean => {
      if (depth > 8) return false;
      const expr = unparenthesize(node);
      switch (expr.type) {
        case 'binary_operator':
        case 'list':
        case 'tuple':
        case 'set':
        case 'concatenated_string':
        case 'list_comprehension':
        case 'set_comprehension':
        case 'generator_expression':
          return true;
        case 'string': {
          const fields = expr.children.filter((child) => child.type === 'interpolation');
          const inner = fields.length === 1 ? fields[0]!.firstNamedChild() : null;
          return fields.length > 1 || (!!inner && assembled(inner, depth + 1));
        }
        case 'call': {
          const fn = expr.child('function');
          const method = fn?.type === 'attribute' ? fn.child('attribute')?.text : null;
          if (method === 'join' || method === 'format') return true;
          if (randomName(expr)) return false; // the draw itself: its population is not the secret
          const args = callArguments(expr);
          const inner = args.positional[0] ?? (args.keywords.size === 1 ? [...args.keywords.values()][0] : undefined) ?? (fn?.type === 'attribute' ? fn.child('object') : null);
          return !!inner && assembled(inner, depth + 1);
        }
        case 'attribute':
        case 'subscript': {
          const inner = expr.child(expr.type === 'attribute' ? 'object' : 'value');
          return !!inner && assembled(inner, depth + 1);
        }
        case 'identifier': {
          const value = model.singleValue(expr);
          return !!value && value !== expr && assembled(value, depth + 1);
        }
        default:
          return false;
      }
    };

    /** The name of a pseudo-random function a call calls: `choice` for `random.choice(…)`, `rng.choice(…)`, `choice(…)`. */
    const randomName = (call: SyntaxNode): string | null => {
      const qualified = model.calleeQualifiedName(call);
      const fn = call.child('function');
      const name = qualified ? qualified.slice(qualified.lastIndexOf('.') + 1) : fn?.type === 'attribute' ? fn.child('attribute')?.text ?? null : null;
      return name && RANDOM_FUNCTIONS.has(name) ? name : null;
    };

    /** Whether the draw `call` made, judged by what it draws and where it goes, is a generated secret. */
    const isSecretDraw = (call: SyntaxNode, name: string, found: Destination, whole: boolean): boolean => {
      const kind = RANDOM_FUNCTIONS.get(name)!;
      if (!onlyRandom(call)) return false;
      if (kind === 'shuffle') return whole;
      if (kind === 'number' && !whole && tinyRange(call, name) && !/PIN|one-time|code$/.test(found.secret.what)) return false;
      // token = random.randrange(sys.maxsize): a bare number named `token` is as often a MIME boundary or a cache
      // buster as a credential; a credential is made into text (hex(), str(), a format) first.
      if (kind === 'number' && found.at.type === 'assignment' && unparenthesize(found.value) === call && /^_*token$/i.test(found.secret.name)) return false;
      // `key = random.choice(list(table))` picks a dictionary key; `key = random.getrandbits(128)` is key material.
      if (found.secret.material && !whole && name !== 'getrandbits' && name !== 'randbytes') return false;
      if (kind === 'pick' && !whole) {
        const args = callArguments(call);
        const population = args.positional[0] ?? args.keywords.get('population') ?? args.keywords.get('seq');
        if (!population || !isAlphabet(population)) return false;
      }
      return true;
    };

    const fixFor = (call: SyntaxNode, name: string): FixSpec | undefined => {
      const args = callArguments(call);
      if (args.hasUnpacking) return undefined;
      const fn = call.child('function');
      if (!fn) return undefined;
      const [first, second] = args.positional;
      const member = (secretName: string) => referenceMember(model, 'secrets', secretName, call, unit);
      const replace = (member: string, reference: { code: string; edits: readonly EditSpec[] }, safety: 'safe' | 'unsafe', node: SyntaxNode, text: string): FixSpec => ({
        title: reference.code.endsWith(`.${member}`)
          ? `Use \`${reference.code}\``
          : `Use \`secrets.${member}\` (imported as \`${reference.code}\`)`,
        safety,
        edits: [{ start: node.start, end: node.end, newText: text }, ...reference.edits],
      });
      switch (name) {
        case 'choice': {
          if (args.positional.length !== 1 || args.keywords.size > 0) return undefined;
          const ref = member('choice');
          return ref ? replace('choice', ref, 'safe', fn, ref.code) : undefined;
        }
        case 'getrandbits': {
          if (args.positional.length !== 1 || args.keywords.size > 0) return undefined;
          const ref = member('randbits');
          return ref ? replace('randbits', ref, 'safe', fn, ref.code) : undefined;
        }
        case 'randrange': {
          if (args.positional.length !== 1 || args.keywords.size > 0) return undefined;
          const ref = member('randbelow');
          return ref ? replace('randbelow', ref, 'safe', fn, ref.code) : undefined;
        }
        case 'randint': {
          if (args.positional.length !== 2 || args.keywords.size > 0 || !first || !second || !isZero(first)) return undefined;
          const ref = member('randbelow');
          return ref ? replace('randbelow', ref, 'safe', call, `${ref.code}(${plusOne(second)})`) : undefined;
        }
        case 'choices': {
          const k = args.keywords.get('k');
          if (args.positional.length !== 1 || !first || !k || args.keywords.size !== 1) return undefined;
          // `_` names the loop variable of the comprehension: a population or count that uses `_` (gettext) would change.
          if (/(?<![\w.])_(?!\w)/.test(first.text) || /(?<![\w.])_(?!\w)/.test(k.text)) return undefined;
          const ref = member('choice');
          if (!ref) return undefined;
          const fix = replace('choice', ref, 'unsafe', call, `[${ref.code}(${first.text}) for _ in range(${k.text})]`);
          return { ...fix, title: `Use \`[${ref.code}(…) for _ in range(${shown(k)})]\`` };
        }
        default:
          return undefined;
      }
    };


    const reported = new Set<SyntaxNode>();
    const report = (found: Destination, taint: Taint): void => {
      const steps = pathSteps(taint.path);
      let root = unitNode;
      while (root.parent) root = root.parent;
      const whole = found.accumulated || assembled(found.value);
      // The draws on the value's path: where it came from, and a shuffle it went through.
      const draws: Array<{ call: SyntaxNode; name: string }> = [];
      for (const [index, item] of steps.entries()) {
        if (index > 0 && !parseSourceStep(item.message)) continue;
        const call = callAt(root, item.start, item.end);
        const name = call ? randomName(call) : null;
        if (call && name && isSecretDraw(call, name, found, whole)) draws.push({ call, name });
      }
      const holders = steps.map((item) => HOLDER_STEP.exec(item.message)?.[1]).filter((holder): holder is string => !!holder);
      const through = holders.length > 0 ? ` (through \`${holders[holders.length - 1]}\`)` : '';
      const { secret } = found;
      const severity: Severity = secret.grade === 'credential' ? 'high' : secret.grade === 'nonce' ? 'medium' : 'low';
      const consequence =
        secret.grade === 'salt'
          ? 'a predictable salt lets an attacker precompute hashes for it'
          : `an attacker who sees other values it produced can predict this ${secret.what}`;
      const flow = flowSteps(evidenceAt(taint, found.at, found.value, `the value ${found.description}`));
      for (const { call, name } of draws) {
        // A draw in another function (a helper that returns it) is reported where its value becomes the secret.
        const inUnit = isInUnit(call, unitNode);
        // A helper named for the secret it returns (`generate_token()`) is reported there, once.
        const maker = inUnit ? null : call.ancestor('function_definition')?.child('name')?.text;
        if (maker && generatedSecretName(maker)) continue;
        const at = inUnit ? call : found.value;
        if (reported.has(at)) continue;
        reported.add(at);
        const qualified = model.calleeQualifiedName(call);
        const shown = qualified?.startsWith('random.') ? qualified : (call.child('function')?.text ?? name);
        const fix = inUnit && qualified?.startsWith('random.') ? fixFor(call, name) : undefined;
        const report: Report = {
          at,
          message:
            name === 'shuffle'
              ? `\`${shown}()\` is not a cryptographic generator, and the list it shuffles ${found.description}${through}: ${consequence}`
              : `\`${shown}()\` is not a cryptographic generator, and its result ${found.description}${through}: ${consequence}`,
          severity,
          confidence: through || name === 'shuffle' || taint.confidence < 2 ? 'medium' : 'high',
          flow,
          ...(fix ? { fix } : {}),
        };
        context.report(report);
      }
    };

    return {
      assignment(node) {
        const left = node.child('left');
        const right = node.child('right');
        if (!left || !right || right.type === 'assignment') return;
        const values = unparenthesize(right);
        if (['pattern_list', 'tuple_pattern', 'tuple'].includes(left.type)) {
          // token, expires = "".join(...), now + ttl
          if (values.type !== 'expression_list' && values.type !== 'tuple') return;
          if (values.namedChildren.length !== left.namedChildren.length) return;
          left.namedChildren.forEach((target, index) =>
            destination(targetName(target), node, values.namedChildren[index]!, `is assigned to \`${shown(target)}\``),
          );
          return;
        }
        destination(targetName(left), node, right, `is assigned to \`${shown(left)}\``);
      },
      augmented_assignment(node) {
        const left = node.child('left');
        if (left) destination(targetName(left), node, node.child('right'), `is assigned to \`${shown(left)}\``, true);
      },
      named_expression(node) {
        const name = node.child('name');
        if (name) destination(name.text, node, node.child('value'), `is assigned to \`${name.text}\``);
      },
      keyword_argument(node) {
        const name = node.child('name')?.text;
        if (node.parent?.parent?.type === 'call') destination(name, node, node.child('value'), `is passed as \`${name}=\``);
      },
      pair(node) {
        const key = node.child('key');
        if (key) destination(keyName(key), node, node.child('value'), `is stored under \`${shown(key)}\``);
      },
      call(node) {
        // user.set_password(...): a setter of a secret.
        const fn = node.child('function');
        const method = fn?.type === 'attribute' ? fn.child('attribute')?.text : null;
        const args = callArguments(node);
        if (!method || !/^set_?[A-Za-z]/.test(method) || args.positional.length !== 1 || args.keywords.size > 0) return;
        const words = nameWords(method);
        if (words[0] === 'set' && words.length > 1) destination(words.slice(1).join('_'), node, args.positional[0]!, `is passed to \`${method}()\``);
      },
      return_statement(node) {
        const fn = node.ancestor('function_definition', 'lambda', 'class_definition');
        const name = fn?.type === 'function_definition' ? fn.child('name')?.text : null;
        if (name) destination(name, node, node.firstNamedChild(), `is returned by \`${name}()\``);
      },
      'unit:exit'() {
        if (destinations.length === 0 || inTestCode(unit) || importsTestLibrary(model)) return;
        for (const found of destinations.sort((a, b) => a.at.start - b.at.start)) {
          const taint = context.flow.taintOf(found.value);
          // At most one call Vigil knows nothing about between the draw and the secret (`hex(…)`).
          if (taint && taint.kinds & RANDOM && taint.confidence >= 1) report(found, taint);
        }
      },
    };
  },
});
