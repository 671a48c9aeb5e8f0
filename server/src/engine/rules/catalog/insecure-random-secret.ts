import { defineRule, type EditSpec, type FixSpec, type Report } from '../rule';
import type { Severity } from '../../findings';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, nameWords, stringLiteralValue, unparenthesize } from '../../syntax/python';
import type { AnalysisUnit } from '../../analysis/units';
import { generatedSecretName, type GeneratedSecret } from '../support/cryptoSecretNames';
import { referenceMember } from '../support/cryptoWebReferences';
import { keyName, moduleTokenizes } from '../support/secrets';
import { isInUnit } from '../support/units';

/**
 * `random` module functions by what they produce: a number (its value is the secret), a pick from a population
 * (a secret only when the population is a character set, or picks are assembled into a string), or a shuffle
 * (a secret only when the shuffled list is joined into one).
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

/** Functions whose result carries their argument's randomness on: `str(x)`, `hex(x)`, `hashlib.sha256(x)`. */
const CARRIER_FUNCTIONS: ReadonlySet<string> = new Set([
  'str', 'repr', 'hex', 'oct', 'bin', 'format', 'int', 'bytes', 'bytearray', 'abs', 'list', 'tuple', 'round',
  'uuid.UUID',
]);
const CARRIER_MODULES = /^(?:hashlib|base64|binascii)\./;
/** Methods whose result is the same random value in another form: `x.encode()`, `str(n).zfill(6)`, `h.hexdigest()`. */
const CARRIER_METHODS: ReadonlySet<string> = new Set([
  'encode', 'decode', 'hex', 'zfill', 'upper', 'lower', 'strip', 'lstrip', 'rstrip', 'title', 'capitalize',
  'swapcase', 'hexdigest', 'digest', 'to_bytes', 'ljust', 'rjust', 'center', 'replace',
]);
/** Properties that are the same random value in another form: `uuid.UUID(int=...).hex`. */
const CARRIER_PROPERTIES: ReadonlySet<string> = new Set(['hex', 'int', 'bytes', 'urn', 'real']);
/** Methods that put their argument into the container they are called on: the container then carries it. */
const CONTAINER_METHODS: ReadonlySet<string> = new Set(['append', 'extend', 'insert', 'add', 'appendleft']);
/** `string` module constants: a population made of these is an alphabet, so picks from it are characters. */
const STRING_CONSTANTS = /^string\.(?:ascii_letters|ascii_lowercase|ascii_uppercase|digits|hexdigits|octdigits|punctuation|printable|letters|lowercase|uppercase|whitespace)$/;

/** Modules whose import marks a test, load-test or fake-data module: random credentials there are test data. */
const TEST_MODULES: ReadonlySet<string> = new Set(['pytest', 'unittest', 'factory', 'faker', 'hypothesis', 'mock', 'nose', 'locust']);
const TEST_FUNCTION = /^(?:test|setup|setUp|tearDown|fixture)/;
const TEST_CLASS = /^Test|Tests?$|TestCase$|Factory$/;

const MAX_STEPS = 40;
const MAX_NAMES = 6;

interface Sink {
  /** The node that makes the value the secret: an assignment, a return, a keyword argument, a dict pair. */
  readonly at: SyntaxNode;
  readonly secret: GeneratedSecret;
  /** "is assigned to `reset_token`", "is returned by `generate_token()`". */
  readonly description: string;
}

interface Trace {
  readonly sink: Sink;
  /** The value went through a join, a comprehension, a concatenation or a container: several picks make one secret. */
  readonly assembled: boolean;
  /** Names the value was held in on its way (`chars = [...]`), as their binding targets. */
  readonly via: readonly SyntaxNode[];
}

interface State {
  readonly node: SyntaxNode;
  readonly assembled: boolean;
  readonly via: readonly SyntaxNode[];
}

function shown(node: SyntaxNode): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 48 ? `${text.slice(0, 45)}…` : text;
}

/** Whether a module-level import marks this as a test or fake-data module. */
function importsTestLibrary(model: SemanticModel): boolean {
  for (const bindings of model.moduleScope.bindings.values()) {
    for (const binding of bindings) {
      if (binding.kind !== 'import' || !binding.qualifiedName) continue;
      const name = binding.qualifiedName.replace(/^\.+/, '');
      if (TEST_MODULES.has(name.split('.')[0]!) || name.startsWith('django.test')) return true;
    }
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
        'Flags a `random` module call (`random.choice`, `randint`, `randrange`, `getrandbits`, `random`, `uniform`, `randbytes`, `choices`, `sample`, `shuffle`) whose result becomes a secret: it is assigned to, returned as, stored under or passed as a password, token, key, session id, CSRF token, one-time password, PIN, reset or verification code, nonce or salt — directly, through `"".join(...)`, `str()`, an f-string, `%`, `+`, or a local variable.',
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
        'A secret is recognised by its name (the shared VG401 rule, extended with `nonce`, `salt`, `otp`, `pin`, `session_id`, `csrf`, `X_code` for reset/verification/activation/invite…codes and `X_key` for session/licence/activation keys): an assignment target (`token = …`, `self.api_key = …`, `session["csrf_token"] = …`), a keyword argument (`password=…`), a dict key (`{"token": …}`), the argument of a `set_password(…)`-style setter, or the return value of a function whose own name is secret-like (`generate_token`, `make_password`, `new_api_key`). `hex`, `str`, `int`, `hashlib.*`, `base64.*` and string methods such as `.encode()`/`.zfill()` carry the value on. ' +
        'Picks (`choice`, `choices`, `sample`, `shuffle`) are flagged only when they draw from an alphabet (a string literal, `string.ascii_letters`…, `range()`) or are assembled into a string (joined, concatenated, collected in a comprehension or list): `api_key = random.choice(API_KEYS)` picks one of several existing keys (load balancing) and is not a generated secret. ' +
        'Not flagged: test modules and test code (a module importing `pytest`, `unittest`, `factory`, `faker`, `hypothesis`, `mock`, `locust`; functions named `test*`/`setUp`; classes named `Test*`/`*Tests`/`*Factory`), `token` names in modules that import a tokenizer library, names that say "fake", "dummy", "sample" or "test", AWS-style handle tokens (`client_token`, `version_token`…), a `randint`/`randrange` over fewer than 1000 constant values unless it is a PIN or a code (`secret = random.randint(1, 100)` is a guessing game), a bare number assigned to a name that is just `token` (`token = random.randrange(sys.maxsize)` is the standard library\'s MIME boundary), and names imported from `secrets` with a `random` fallback (`try: from secrets import randbits except ImportError: from random import getrandbits as randbits`). ' +
        'Severity follows what is predicted: `high` for credentials (passwords, tokens, keys, session ids, OTPs, PINs, codes), `medium` for nonces, `low` for salts (which need to be unique rather than secret). Confidence is `medium` when the value reaches the secret through a local variable, a list or a shuffle. ' +
        'Missed: values returned by a helper whose name says nothing (`random_string(32)` called elsewhere and assigned to `token`), methods of `random.Random()` instances (`rng = random.Random(); rng.choice(…)`), `numpy.random`, values that pass through more than a few names, through a loop over a list or through other modules, and lambdas and `default=`/`default_factory=` callables of ORM and dataclass fields.',
      fixSafety:
        'Fixes are offered where `secrets` has an exact equivalent, and add `import secrets` when the module has none: `random.choice(x)` → `secrets.choice(x)`, `random.getrandbits(k)` → `secrets.randbits(k)`, `random.randrange(n)` → `secrets.randbelow(n)` and `random.randint(0, n)` → `secrets.randbelow(n + 1)` are `safe`: same range, same distribution, same exceptions, only unpredictable. `random.choices(pop, k=n)` → `[secrets.choice(pop) for _ in range(n)]` is `unsafe`: it is offered only without `weights`/`cum_weights` (which `secrets` does not support), and `pop` is evaluated once per element instead of once. Other calls (`randint(a, b)` with `a != 0`, `randrange` with a step, `random()`, `uniform()`, `sample()`, `shuffle()`) have no fix: rewrite them with `secrets.token_urlsafe()`, `secrets.token_hex()`, `secrets.randbelow()` or `secrets.SystemRandom()`. No fix is offered where a local variable named `secrets` would shadow the module.',
    },
  },
  create(context) {
    const { model, unit } = context;
    const unitNode = unit.node;
    const randomCalls: Array<{ call: SyntaxNode; name: string; kind: RandomKind }> = [];
    const identifiers: SyntaxNode[] = [];
    let tokenizes: boolean | undefined;

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

    /** The last binding of a name where it is used: two uses with the same one hold the same value. */
    const lastBinding = (identifier: SyntaxNode) => {
      const bindings = model.bindingsOf(identifier);
      return bindings.length > 0 ? bindings[bindings.length - 1]! : null;
    };

    /** Later uses in this unit of the value bound by the target `target` (a plain name). */
    const usesOfTarget = (target: SyntaxNode): SyntaxNode[] =>
      identifiers.filter((use) => use !== target && use.text === target.text && use.start > target.end && lastBinding(use)?.node === target);

    /** Later uses in this unit of the variable `name` refers to at `name` (`chars` after `chars.append(...)`). */
    const usesAfter = (name: SyntaxNode, after: number): SyntaxNode[] => {
      const binding = lastBinding(name);
      if (!binding) return [];
      return identifiers.filter((use) => use !== name && use.text === name.text && use.start >= after && lastBinding(use) === binding);
    };

    /** A sink for a value whose destination is called `name`. */
    const sinkNamed = (name: string | null | undefined, at: SyntaxNode, description: string): Sink | null => {
      if (!name) return null;
      const secret = generatedSecretName(name);
      if (!secret) return null;
      if (secret.tokenWord && (tokenizes ??= moduleTokenizes(model))) return null;
      return { at, secret, description };
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

    /** The name a call is made through when it is an unshadowed builtin or a known function: `str`, `hex`, `hashlib.sha256`. */
    const carrierCallee = (call: SyntaxNode): string | null => {
      const qualified = model.calleeQualifiedName(call);
      if (qualified) return qualified;
      const fn = call.child('function');
      if (fn?.type === 'identifier' && model.bindingsOf(fn).length === 0) return fn.text;
      return null;
    };

    /** Whether a value given to `call` (as an argument) comes out in its result. */
    const carries = (call: SyntaxNode): 'carry' | 'assemble' | null => {
      const fn = call.child('function');
      if (!fn) return null;
      if (fn.type === 'attribute') {
        const method = fn.child('attribute')?.text;
        const receiver = fn.child('object');
        const textReceiver = !!receiver && (unparenthesize(receiver).type === 'string' || model.constantText(receiver) !== null);
        if ((method === 'join' || method === 'format') && textReceiver) return 'assemble';
      }
      const callee = carrierCallee(call);
      if (callee && (CARRIER_FUNCTIONS.has(callee) || CARRIER_MODULES.test(callee))) return 'carry';
      return null;
    };

    /** Follows a random value up the tree and through local names until it becomes a secret, or gives up. */
    const trace = (start: State, budget: { names: number; steps: number }): Trace | null => {
      const work: State[] = [start];
      while (work.length > 0) {
        const state = work.shift()!;
        let { node, assembled } = state;
        const { via } = state;
        const sinkOf = (sink: Sink | null): Trace | null => (sink ? { sink, assembled, via } : null);
        const follow = (uses: SyntaxNode[], holder: SyntaxNode): void => {
          if (budget.names <= 0) return;
          budget.names--;
          for (const use of uses) work.push({ node: use, assembled, via: [...via, holder] });
        };
        for (;;) {
          if (--budget.steps < 0) return null;
          const parent = node.parent;
          if (!parent || !unitNode.contains(parent)) break;
          let next: SyntaxNode | null = null;
          switch (parent.type) {
            case 'parenthesized_expression':
            case 'boolean_operator':
              next = parent;
              break;
            case 'binary_operator':
            case 'list':
            case 'tuple':
            case 'set':
              next = parent;
              assembled = true;
              break;
            case 'interpolation': {
              const string = parent.parent;
              if (string?.type === 'string') {
                next = string.parent?.type === 'concatenated_string' ? string.parent : string;
                assembled ||= string.children.filter((child) => child.type === 'interpolation').length > 1;
              }
              break;
            }
            case 'conditional_expression':
              if (parent.namedChildren[1] !== node) next = parent;
              break;
            case 'list_comprehension':
            case 'generator_expression':
            case 'set_comprehension':
              if (node.field === 'body') {
                next = parent;
                assembled = true;
              }
              break;
            case 'subscript':
              if (node.field === 'value' && parent.child('subscript')?.type === 'slice') next = parent;
              break;
            case 'attribute': {
              // str(n).zfill(6), token.encode(): the same value in another form.
              const call = parent.parent;
              const member = parent.child('attribute')?.text;
              if (node.field !== 'object' || !member) break;
              if (call?.type === 'call' && call.child('function') === parent) {
                if (CARRIER_METHODS.has(member)) next = call;
              } else if (CARRIER_PROPERTIES.has(member)) {
                next = parent;
              }
              break;
            }
            case 'expression_list': {
              // token, expires = "".join(...), now + ttl
              const assignment = parent.parent;
              const left = assignment?.type === 'assignment' && assignment.child('right') === parent ? assignment.child('left') : null;
              if (left && (left.type === 'pattern_list' || left.type === 'tuple_pattern' || left.type === 'tuple')) {
                const index = parent.namedChildren.indexOf(node);
                const target = left.namedChildren[index];
                if (target && left.namedChildren.length === parent.namedChildren.length) {
                  const found = sinkOf(sinkNamed(targetName(target), assignment!, `is assigned to \`${shown(target)}\``));
                  if (found) return found;
                  if (target.type === 'identifier') follow(usesOfTarget(target), target);
                }
                break;
              }
              next = parent; // return a, b
              break;
            }
            case 'keyword_argument': {
              if (node.field !== 'value') break;
              const name = parent.child('name')?.text;
              const call = parent.parent?.parent;
              const found = sinkOf(sinkNamed(name, parent, `is passed as \`${name}=\``));
              if (found) return found;
              if (call?.type === 'call' && carries(call)) {
                assembled ||= carries(call) === 'assemble';
                next = call;
              }
              break;
            }
            case 'argument_list':
            case 'call': {
              const call = parent.type === 'call' ? parent : parent.parent;
              if (call?.type !== 'call' || (parent.type === 'call' && node.field !== 'arguments')) break;
              const how = carries(call);
              if (how) {
                next = call;
                assembled ||= how === 'assemble';
                break;
              }
              const fn = call.child('function');
              const method = calleeName(call);
              // chars.append(random.choice(alphabet)): follow the container.
              if (fn?.type === 'attribute' && method && CONTAINER_METHODS.has(method)) {
                const receiver = unparenthesize(fn.child('object')!);
                if (receiver.type === 'identifier') {
                  assembled = true;
                  follow(usesAfter(receiver, call.end), receiver);
                }
                break;
              }
              // user.set_password(...): a setter of a secret.
              const args = callArguments(call);
              if (method && /^set_?[A-Za-z]/.test(method) && args.positional.length === 1 && args.positional[0] === node) {
                const words = nameWords(method);
                if (words[0] === 'set' && words.length > 1) {
                  const found = sinkOf(sinkNamed(words.slice(1).join('_'), call, `is passed to \`${method}()\``));
                  if (found) return found;
                }
              }
              break;
            }
            case 'pair': {
              const key = parent.child('key');
              if (node.field === 'value' && key) {
                const found = sinkOf(sinkNamed(keyName(key), parent, `is stored under \`${shown(key)}\``));
                if (found) return found;
              }
              break;
            }
            case 'assignment':
            case 'augmented_assignment': {
              const target = parent.child('left');
              if (node.field !== 'right' || !target) break;
              if (parent.type === 'augmented_assignment') assembled = true;
              const found = sinkOf(sinkNamed(targetName(target), parent, `is assigned to \`${shown(target)}\``));
              if (found) return found;
              if (target.type === 'identifier') follow(usesOfTarget(target), target);
              break;
            }
            case 'named_expression': {
              const target = parent.child('name');
              if (node.field !== 'value' || !target) break;
              const found = sinkOf(sinkNamed(target.text, parent, `is assigned to \`${target.text}\``));
              if (found) return found;
              follow(usesOfTarget(target), target);
              next = parent; // (t := ...) is also the value itself
              break;
            }
            case 'return_statement': {
              const fn = parent.ancestor('function_definition', 'lambda', 'class_definition');
              if (fn?.type === 'function_definition') {
                const name = fn.child('name')?.text;
                const found = sinkOf(sinkNamed(name, parent, `is returned by \`${name}()\``));
                if (found) return found;
              }
              break;
            }
          }
          if (!next) break;
          node = next;
        }
      }
      return null;
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

    return {
      call(node) {
        const callee = model.calleeQualifiedName(node);
        const match = callee ? /^random\.([a-z]+)$/.exec(callee) : null;
        const kind = match ? RANDOM_FUNCTIONS.get(match[1]!) : undefined;
        if (match && kind && onlyRandom(node)) randomCalls.push({ call: node, name: match[1]!, kind });
      },
      identifier(node) {
        // Only identifiers that read a variable: not `x.name` attributes or `f(name=...)` keyword names.
        if (node.field === 'attribute' || (node.field === 'name' && node.parent?.type === 'keyword_argument')) return;
        identifiers.push(node);
      },
      'unit:exit'() {
        if (randomCalls.length === 0) return;
        if (inTestCode(unit) || importsTestLibrary(model)) return;
        for (const { call, name, kind } of randomCalls) {
          const budget = { names: MAX_NAMES, steps: MAX_STEPS };
          let found: Trace | null = null;
          if (kind === 'shuffle') {
            // random.shuffle(chars); password = "".join(chars)
            const list = callArguments(call).positional[0];
            const listExpr = list ? unparenthesize(list) : null;
            if (listExpr?.type !== 'identifier') continue;
            for (const use of usesAfter(listExpr, call.end)) {
              found = trace({ node: use, assembled: false, via: [] }, budget);
              if (found) break;
            }
            if (!found?.assembled) continue;
          } else {
            found = trace({ node: call, assembled: false, via: [] }, budget);
            if (!found) continue;
            if (kind === 'number' && !found.assembled && tinyRange(call, name) && !/PIN|one-time|code$/.test(found.sink.secret.what)) continue;
            // token = random.randrange(sys.maxsize): a bare number named `token` is as often a MIME boundary or a
            // cache buster as a credential; a credential is made into text (hex(), str(), a format) first.
            const right = found.sink.at.type === 'assignment' ? found.sink.at.child('right') : null;
            if (kind === 'number' && found.via.length === 0 && right && unparenthesize(right) === call && /^_*token$/i.test(found.sink.secret.name)) continue;
            // `key = random.choice(list(table))` picks a dictionary key; `key = random.getrandbits(128)` is key material.
            if (found.sink.secret.material && !found.assembled && name !== 'getrandbits' && name !== 'randbytes') continue;
            if (kind === 'pick' && !found.assembled) {
              const args = callArguments(call);
              const population = args.positional[0] ?? args.keywords.get('population') ?? args.keywords.get('seq');
              if (!population || !isAlphabet(population)) continue;
            }
          }
          const { sink, via } = found;
          const { secret } = sink;
          const severity: Severity = secret.grade === 'credential' ? 'high' : secret.grade === 'nonce' ? 'medium' : 'low';
          const related: NonNullable<Report['related']>[number][] = [];
          for (const holder of via) {
            const statement = holder.parent ?? holder;
            if (isInUnit(statement, unitNode)) related.push({ at: statement, message: `\`${holder.text}\` carries the random value` });
          }
          if (!sink.at.contains(call) && isInUnit(sink.at, unitNode)) related.push({ at: sink.at, message: `The value becomes the ${secret.what} here` });
          const fix = fixFor(call, name);
          const through = via.length > 0 ? ` (through \`${via[via.length - 1]!.text}\`)` : '';
          const consequence =
            secret.grade === 'salt'
              ? 'a predictable salt lets an attacker precompute hashes for it'
              : `an attacker who sees other values it produced can predict this ${secret.what}`;
          context.report({
            at: call,
            message:
              kind === 'shuffle'
                ? `\`random.shuffle()\` is not a cryptographic generator, and the list it shuffles ${sink.description}${through}: ${consequence}`
                : `\`random.${name}()\` is not a cryptographic generator, and its result ${sink.description}${through}: ${consequence}`,
            severity,
            confidence: via.length > 0 || kind === 'shuffle' ? 'medium' : 'high',
            ...(related.length > 0 ? { related } : {}),
            ...(fix ? { fix } : {}),
          });
        }
      },
    };
  },
});
