import { defineRule, type EditSpec, type FixSpec } from '../rule';
import type { Confidence } from '../../findings';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, nameWords, stringLiteralValue, unparenthesize } from '../../syntax/python';
import {
  isTokenWord,
  judgeSecretLiteral,
  keyName,
  moduleTokenizes,
  secretName,
  secretReference,
  type SecretName,
} from '../support/secrets';
import { evidenceAt, withFlow } from '../flowRule';
import { percentConversions } from '../support/formatStrings';
import { kindBit } from '../../flow/concepts';

const LEVELS: ReadonlySet<string> = new Set([
  'debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log',
]);
const LOGGER_NAME = /^_?(?:log|logger)$/i;
/** Calls that return a logger: a name bound to one of these is a logger whatever it is called. */
const LOGGER_FACTORIES: ReadonlySet<string> = new Set([
  'logging.getLogger', 'oslo_log.log.getLogger', 'structlog.get_logger', 'structlog.getLogger', 'logging.LoggerAdapter',
  'loguru.logger.bind',
]);
/** Keyword arguments of stdlib logging calls that are not logged values. */
const CONTROL_KEYWORDS: ReadonlySet<string> = new Set(['exc_info', 'stack_info', 'stacklevel', 'extra']);
/** Words in a function name that make its result safe to log: masking, hashing, measuring, testing. */
const SAFE_CALL_WORDS: ReadonlySet<string> = new Set([
  'mask', 'masked', 'redact', 'redacted', 'hash', 'hashed', 'len', 'bool', 'type', 'isinstance', 'sanitize',
  'sanitized', 'scrub', 'obfuscate', 'obfuscated', 'censor', 'anonymize', 'digest', 'fingerprint', 'sha256', 'md5',
  'id', 'callable',
]);
/** Methods that return the same secret in another form: the result is still the secret. */
const SAME_SECRET_METHODS: ReadonlySet<string> = new Set([
  'decode', 'encode', 'strip', 'lstrip', 'rstrip', 'upper', 'lower', 'hex', 'get_secret_value',
]);
/** Functions that turn a value into text or an encoding of it: `str(password)`, `b64encode(password)` log the password. */
const TO_TEXT: ReadonlySet<string> = new Set([
  'str', 'repr', 'format', 'ascii', 'json.dumps', 'pprint.pformat', 'base64.b64encode', 'base64.urlsafe_b64encode',
  'base64.standard_b64encode', 'binascii.hexlify',
]);

/**
 * Parts of a request that carry credentials when logged whole: headers (`Authorization`, `X-Auth-Token`, cookies),
 * the WSGI environment (`HTTP_AUTHORIZATION`), and bodies (Nova's `adminPass`, Keystone's `password`).
 */
const REQUEST_CONTAINERS: ReadonlySet<string> = new Set(['headers', 'environ', 'META', 'COOKIES', 'cookies', 'body', 'json_body', 'json', 'POST', 'data', 'form']);
/** Request parameters of API methods that hold the body (OpenStack's `create(self, req, body)`). */
const BODY_PARAMETERS: ReadonlySet<string> = new Set(['body', 'payload', 'data']);
/** Headers (and their WSGI environment keys) that carry credentials; `X-Auth-Token` is also a secret name. */
const CREDENTIAL_HEADERS = /^(?:(?:http_)?(?:authorization|cookie|x[-_]auth[-_]token|x[-_]subject[-_]token|x[-_]service[-_]token|x[-_]storage[-_]token)|proxy-authorization|set-cookie)$/i;
/**
 * Names that by OpenStack convention hold dicts carrying secrets: a volume's `connection_info` and the
 * `connection_properties` of os-brick hold iSCSI CHAP passwords and RBD keys (Nova bug 1436314, OSSN-0042).
 */
const SECRET_CARRIERS = /^(?:connection_info|connection_properties|conn_info|connection_props)$/;

/**
 * Configuration options whose value is a URL with the password in it (`mysql+pymysql://nova:secret@db/nova`,
 * `rabbit://openstack:secret@mq:5672/`): oslo.db's `[database] connection` (and `slave_connection`, Nova's
 * `api_database`), oslo.messaging's `transport_url`, the old `sql_connection`; read from the configuration object
 * (`CONF.database.connection`, `cfg.CONF.transport_url`, `self.conf.database.connection`).
 * https://docs.openstack.org/oslo.db/latest/reference/opts.html, https://docs.openstack.org/oslo.messaging/latest/configuration/opts.html
 */
const CREDENTIAL_URL_OPTION =
  /^(?:cfg\.CONF|CONF|(?:self\.)?_?conf)\.(?:(?:[a-z_]+\.)?(?:api_|placement_|cell_)?database\.(?:slave_)?connection|(?:[a-z_]+\.)?transport_url|sql_connection)$/;

interface Found {
  /** The expression that holds the secret. */
  readonly node: SyntaxNode;
  readonly secret: SecretName;
  /** The name in the log call the secret was reached through (`msg` in `msg = f"...{password}"; LOG.debug(msg)`). */
  readonly via: SyntaxNode | null;
}

/** Code as it appears in a message: one line, not too long. */
function shown(node: SyntaxNode): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 48 ? `${text.slice(0, 45)}…` : text;
}

/** Whether a call's result is safe to log: `mask_password(x)`, `len(token)`, `hashlib.sha256(x).hexdigest()`. */
function isSafeCall(call: SyntaxNode): boolean {
  let fn: SyntaxNode | null = call.child('function');
  // hashlib.sha256(x).hexdigest(): look through the method chain.
  while (fn) {
    const name = fn.type === 'attribute' ? fn.child('attribute')?.text : fn.type === 'identifier' ? fn.text : null;
    if (name && nameWords(name).some((word) => SAFE_CALL_WORDS.has(word) || /^(?:sha\d*|blake2[bs]?|\w*digest)$/.test(word))) {
      return true;
    }
    const object = fn.type === 'attribute' ? unparenthesize(fn.child('object')!) : null;
    fn = object?.type === 'call' ? object.child('function') : object?.type === 'attribute' ? object : null;
  }
  return false;
}

/** Key fragments `oslo_utils.strutils.mask_dict_password()` masks (its `_SANITIZE_KEYS`, matched as substrings). */
const OSLO_MASKED_KEYS: readonly string[] = [
  'adminpass', 'admin_pass', 'password', 'admin_password', 'auth_token', 'new_pass', 'auth_password', 'secret_uuid',
  'secret', 'sys_pswd', 'token', 'configdrive', 'chappassword', 'encrypted_key', 'private_key', 'fernetkey', 'sslkey',
  'passphrase',
];

function maskedByOslo(key: string): boolean {
  const lower = key.toLowerCase();
  return OSLO_MASKED_KEYS.some((fragment) => lower.includes(fragment));
}

/** The name to call oslo's `mask_dict_password` by where `at` is, when `oslo_utils.strutils` is imported. */
function maskDictPasswordName(model: SemanticModel, at: SyntaxNode): string | null {
  const home = model.scopeOf(at);
  for (const scope of model.scopesAround(at)) {
    if (scope.kind === 'class' && scope !== home) continue;
    for (const [name, bindings] of scope.bindings) {
      if (!bindings.every((binding) => binding.kind === 'import')) continue;
      const qualified = bindings[bindings.length - 1]!.qualifiedName;
      if (qualified === 'oslo_utils.strutils') return `${name}.mask_dict_password`;
      if (qualified === 'oslo_utils.strutils.mask_dict_password') return name;
    }
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'VG402',
    name: 'secret-in-log',
    title: 'Secret written to a log',
    cwe: [532],
    severity: 'medium',
    confidence: 'medium',
    status: 'stable',
    since: '0.1.0',
    bandit: [],
    ruff: [],
    fixable: true,
    docs: {
      whatItDoes:
        'Flags a logging call (`logging.info()`, `LOG.debug()`, `logger.exception()`…) that logs a value held in a secret-like name — `password`, `conf.api_key`, `self._token`, `body["password"]`, `creds.get("password")` — as a format argument, inside the message (f-string, `%`, `+`, `.format()`), in `extra=` or as a structured-logging keyword. Also dicts that carry secrets by OpenStack convention (`connection_info`, `connection_properties`: iSCSI CHAP passwords, RBD keys), configuration options whose value is a URL with a password in it (`CONF.database.connection`, `CONF.transport_url`), and, by the flow layer, request data logged whole: the headers or WSGI environment (`Authorization`, `X-Auth-Token`, cookies), a credential header, the body of an API method or `**kwargs` (with the path it took).',
      whyIsThisBad:
        'Logs are copied to files, terminals, log shippers, support tickets and third-party services, and are read by far more people than the secrets they contain were meant for; they are also kept for a long time and rarely access-controlled like a secret store. A password or token written to a debug log is a credential leak that outlives the rotation policy (OpenStack security note OSSN-0023: Keystone wrote auth tokens to its INFO log).',
      example:
        'import logging\n\nLOG = logging.getLogger(__name__)\n\n\ndef connect(user, password):\n    LOG.debug("Connecting as %s with password %s", user, password)',
      useInstead:
        'import logging\n\nLOG = logging.getLogger(__name__)\n\n\ndef connect(user, password):\n    LOG.debug("Connecting as %s (password set: %s)", user, bool(password))',
      references: [
        'https://cwe.mitre.org/data/definitions/532.html',
        'https://codeql.github.com/codeql-query-help/python/py-clear-text-logging-sensitive-data/',
        'https://docs.openstack.org/oslo.utils/latest/reference/strutils.html',
        'https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html',
        'https://wiki.openstack.org/wiki/OSSN/OSSN-0023',
        'https://wiki.openstack.org/wiki/Security/Guidelines/logging_guidelines',
      ],
      knownProblems:
        'Secret-like names follow the shared last-word rule (see VG401): `password`, `passwd`, `pwd`, `passphrase`, `secret`, `token`, `credentials`, `api_key`, `private_key`… but not `token_type`, `token_url`, `secret_name`, `NextToken`/`starting_token` (pagination), `acquire_token`, or `password_hash`/`hashed_password` (documented choice: a hash is not the credential, and logging it is a much smaller leak). ' +
        'Not flagged (safe idioms): the value wrapped in any call that masks, redacts, hashes, measures or tests it (`strutils.mask_password()`, `redact()`, `hashlib.sha256(...).hexdigest()`, `len()`, `bool()`, `type()`), or assigned from one; comparisons (`password is None`); slices (`token[:6]`, a deliberate prefix); constants that are placeholders (`password = "***"`); and the secret\'s name in the message text ("password changed for %s"). ' +
        'Heuristics that can be wrong: `token` is taken to be a lexeme for loop variables named `token` and everywhere in a module that imports a lexer or tokenizer library, but a bare `token` parameter of a hand-written parser elsewhere is still flagged. `pwd` assigned from `os.getcwd()` is the working directory, but `self.pwd` is still taken to be a password. `Capitalized.UPPER_CASE` attributes (`TokenType.ACCESS_TOKEN`, but also `Config.SECRET_KEY`) are taken to be enum members and skipped. Objects named `credentials` may have a `repr` without secrets (Google and botocore `Credentials`): those findings have low confidence. Django\'s `user.password` holds a hash but is flagged. ' +
        'A request body or `**kwargs` logged whole is reported with low confidence (it carries passwords only when the request is about them); headers with medium. Missed: secrets inside other objects logged whole (`vars(self)`, `locals()`), URLs or DSNs with embedded passwords, secrets under names that are not secret-like (`pw`, `creds`, `auth`, `headers["Authorization"]`), secrets spliced into a message through more than one assignment or a `*args` splat, `print()` and `warnings.warn()`, loggers reached through attributes not named `log`/`logger` or names bound to something other than `logging.getLogger()`/`structlog.get_logger()`, and `strutils.mask_password(password)` on a bare value, which is treated as masking although oslo only masks `password=...` pairs inside a message and returns a bare value unchanged.',
      fixSafety:
        'A fix is offered only when `oslo_utils.strutils` (or its `mask_dict_password`) is already imported and the logged value is a dict of credentials: it wraps the value in `strutils.mask_dict_password()`, which replaces the values of keys oslo knows (`password`, `secret`, `token`, `passphrase`, `private_key`…) with `***`. It is `safe` for a dict built from a literal or `dict(...)` whose secret keys are all on oslo\'s list; no fix is offered when one is not (`api_key`, `passwd`: oslo would leave it in clear). It is `unsafe` when only the name `credentials` says it is a dict: `mask_dict_password()` raises `TypeError` for anything but a mapping, and only masks the keys on its list. No fix is offered for a single string: `strutils.mask_password()` masks `key=value` pairs inside a message and returns a bare secret unchanged, so wrapping the value would only look safe; leave the value out of the message or log `bool(password)`.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;
    let tokenizes: boolean | undefined;
    const lexical = (): boolean => (tokenizes ??= moduleTokenizes(model));

    /** Whether an expression is a logger: `LOG`, `self.logger`, `app.logger`, a name bound to `logging.getLogger()`. */
    const isLogger = (receiver: SyntaxNode): boolean => {
      const expr = unparenthesize(receiver);
      if (expr.type === 'attribute') return LOGGER_NAME.test(expr.child('attribute')?.text ?? '');
      if (expr.type === 'call') return LOGGER_FACTORIES.has(model.calleeQualifiedName(expr) ?? '');
      if (expr.type !== 'identifier') return false;
      if (LOGGER_NAME.test(expr.text)) return true;
      const value = model.singleValue(expr);
      return !!value && unparenthesize(value).type === 'call' && LOGGER_FACTORIES.has(model.calleeQualifiedName(unparenthesize(value)) ?? '');
    };

    /** The level method of a logging call, or null when the call does not log. */
    const logMethod = (call: SyntaxNode): string | null => {
      const callee = model.calleeQualifiedName(call);
      const method = calleeName(call);
      if (!method || !LEVELS.has(method)) return null;
      if (callee === `logging.${method}`) return method;
      const fn = call.child('function');
      if (fn?.type !== 'attribute') return null;
      const receiver = fn.child('object');
      return receiver && isLogger(receiver) ? method : null;
    };

    /** A dict that carries secrets by convention (`connection_info`), read by its name. */
    const carrier = (expr: SyntaxNode): SecretName | null => {
      const name = expr.type === 'identifier' ? expr.text : expr.type === 'attribute' ? expr.child('attribute')?.text : null;
      if (expr.type === 'attribute' && CREDENTIAL_URL_OPTION.test(expr.text)) return { name: name!, word: 'password', plural: false };
      if (!name || !SECRET_CARRIERS.test(name)) return null;
      if (expr.type === 'identifier' && model.bindingsOf(expr).some((binding) => binding.kind === 'import' || binding.kind === 'function')) return null;
      return { name, word: 'connection_info', plural: true };
    };

    /**
     * What a logged value is, when it is a whole part of a request that carries credentials (the headers, the
     * body, an API method's `**kwargs`) or a credential header: by the flow layer (it is request data) and by its
     * shape (not one ordinary field of it).
     */
    const requestCredentials = (argument: SyntaxNode): { what: string; carries: string; confidence: Confidence } | null => {
      const taint = context.flow.taintOf(argument);
      if (!taint || !(taint.kinds & kindBit('remote'))) return null;
      let expr = unparenthesize(argument);
      for (let depth = 0; depth < 3 && expr.type === 'identifier'; depth++) {
        const value = model.singleValue(expr);
        if (!value) break;
        expr = unparenthesize(value);
      }
      if (expr.type === 'attribute') {
        const member = expr.child('attribute')!.text;
        if (!REQUEST_CONTAINERS.has(member)) return null;
        const headers = member === 'headers' || member === 'environ' || member === 'META';
        return {
          what: `the request's \`${member}\` whole`,
          carries: headers ? 'its `Authorization` and `X-Auth-Token` headers and cookies' : member.toLowerCase().includes('cookie') ? 'session cookies' : 'any password or token the client sent',
          // Headers always carry the caller's credentials; a body only when the request is about them.
          confidence: headers || member.toLowerCase().includes('cookie') ? 'medium' : 'low',
        };
      }
      if (expr.type === 'identifier' && model.isParameter(expr)) {
        if (model.bindingsOf(expr).some((binding) => binding.node.parent?.type === 'dictionary_splat_pattern')) {
          return { what: `the API method's \`**${expr.text}\``, carries: 'whatever the request sent, passwords included', confidence: 'low' };
        }
        return BODY_PARAMETERS.has(expr.text) ? { what: `the request body \`${expr.text}\``, carries: 'any password in it (Nova\'s `adminPass`, Keystone\'s `password`)', confidence: 'low' } : null;
      }
      const key = expr.type === 'subscript' ? expr.child('subscript') : expr.type === 'call' && calleeName(expr) === 'get' ? callArguments(expr).positional[0] : null;
      const header = key ? stringLiteralValue(key) : null;
      return header && CREDENTIAL_HEADERS.test(header) ? { what: `the \`${header}\` header`, carries: 'a credential', confidence: 'medium' } : null;
    };

    /** The secret a single expression reads by name, when it is plausibly the secret itself. */
    const secretValue = (expr: SyntaxNode): SecretName | null => {
      const held = carrier(expr);
      if (held) return held;
      const reference = secretReference(expr);
      if (!reference) return null;
      const { secret } = reference;
      if (isTokenWord(secret) && lexical()) return null;
      if (expr.type === 'identifier') {
        const bindings = model.bindingsOf(expr);
        if (bindings.some((binding) => binding.kind === 'import' || binding.kind === 'function' || binding.kind === 'class')) return null;
        if (isTokenWord(secret) && bindings.some((binding) => binding.kind === 'loop')) return null;
        // pydantic's SecretStr/SecretBytes print as '**********'.
        if (bindings.length > 0 && bindings.every((binding) => MASKED_SECRET.test(annotationOf(binding.node) ?? binding.value?.text ?? ''))) return null;
        const value = model.singleValue(expr);
        const valueExpr = value ? unparenthesize(value) : null;
        if (valueExpr?.type === 'call' && isSafeCall(valueExpr)) return null;
        // pwd = os.getcwd(): the working directory, not a password.
        if (valueExpr?.type === 'call' && secret.word === 'pwd' && /cwd/i.test(calleeName(valueExpr) ?? '')) return null;
        if (bindings.length > 0 && model.isConstant(expr)) {
          const text = model.constantText(expr);
          if (text === null || !judgeSecretLiteral(text, secret).secret) return null;
        }
      } else if (expr.type === 'attribute') {
        const object = unparenthesize(expr.child('object')!);
        const attribute = expr.child('attribute')!.text;
        // TokenType.ACCESS_TOKEN, Scope.API_KEY: an enum member or a class constant naming the field.
        if (object.type === 'identifier' && /^[A-Z][a-z]/.test(object.text) && /^[A-Z][A-Z0-9_]*$/.test(attribute)) return null;
      }
      return secret;
    };

    /** Whether a value handed to a secret-named slot (`{"password": x}`, `password=x`) is the secret. */
    const plainValue = (value: SyntaxNode): boolean => {
      const expr = unparenthesize(value);
      if (model.isConstant(expr)) return false;
      if (expr.type === 'call') return !isSafeCall(expr) && secretOrText(expr);
      if (expr.type === 'identifier') {
        // masked = mask_password(pw); {"password": masked}
        const assigned = model.singleValue(expr);
        const assignedExpr = assigned ? unparenthesize(assigned) : null;
        if (assignedExpr?.type === 'call' && isSafeCall(assignedExpr)) return false;
        if (assignedExpr && (assignedExpr.type === 'comparison_operator' || assignedExpr.type === 'not_operator')) return false;
        return true;
      }
      return expr.type === 'attribute' || expr.type === 'subscript';
    };

    /** For a call: whether it passes its input through as text (`str(x)`, `x.decode()`, `"{}".format(x)`). */
    const secretOrText = (call: SyntaxNode): boolean => {
      const method = calleeName(call);
      const callee = model.calleeQualifiedName(call);
      return (!!method && SAME_SECRET_METHODS.has(method)) || TO_TEXT.has(callee ?? '') || secretReference(call) !== null;
    };

    /** Collects the secrets an argument of a log call carries, looking through string building and containers. */
    const collect = (node: SyntaxNode, found: Found[], via: SyntaxNode | null, depth: number): void => {
      if (depth > 8) return;
      const expr = unparenthesize(node);
      const secret = secretValue(expr);
      if (secret) {
        found.push({ node: expr, secret, via });
        return;
      }
      const named = (keyText: string | null, value: SyntaxNode): void => {
        const slot = keyText !== null ? secretName(keyText) : null;
        if (slot && plainValue(value) && !secretValue(unparenthesize(value))) {
          found.push({ node: unparenthesize(value), secret: slot, via });
        } else {
          collect(value, found, via, depth + 1);
        }
      };
      switch (expr.type) {
        case 'string':
          for (const child of expr.children) {
            const inner = child.type === 'interpolation' ? child.child('expression') : null;
            if (inner) collect(inner, found, via, depth + 1);
          }
          return;
        case 'concatenated_string':
        case 'tuple':
        case 'list':
        case 'set':
        case 'expression_list':
          for (const child of expr.namedChildren) collect(child, found, via, depth + 1);
          return;
        case 'binary_operator':
          if (expr.hasToken('+') || expr.hasToken('%')) {
            for (const side of [expr.child('left'), expr.child('right')]) if (side) collect(side, found, via, depth + 1);
          }
          return;
        case 'named_expression': {
          const value = expr.child('value');
          if (value) collect(value, found, via, depth + 1);
          return;
        }
        case 'boolean_operator':
          for (const side of [expr.child('left'), expr.child('right')]) if (side) collect(side, found, via, depth + 1);
          return;
        case 'conditional_expression': {
          const [whenTrue, , whenFalse] = expr.namedChildren;
          for (const branch of [whenTrue, whenFalse]) if (branch) collect(branch, found, via, depth + 1);
          return;
        }
        case 'dictionary':
          for (const pair of expr.namedChildren) {
            const key = pair.child('key');
            const value = pair.child('value');
            if (pair.type === 'pair' && key && value) named(keyName(key), value);
          }
          return;
        case 'call': {
          if (isSafeCall(expr)) return;
          const fn = expr.child('function');
          const method = calleeName(expr);
          const callee = model.calleeQualifiedName(expr);
          const args = callArguments(expr);
          if (fn?.type === 'attribute' && (method === 'format' || method === 'format_map' || method === 'join')) {
            collect(fn.child('object')!, found, via, depth + 1);
            for (const arg of args.positional) collect(arg, found, via, depth + 1);
            for (const [name, value] of args.keywords) named(name, value);
          } else if (fn?.type === 'attribute' && method && SAME_SECRET_METHODS.has(method)) {
            collect(fn.child('object')!, found, via, depth + 1);
          } else if (TO_TEXT.has(callee ?? '') && args.positional[0]) {
            collect(args.positional[0], found, via, depth + 1);
          } else if (callee === 'dict') {
            for (const [name, value] of args.keywords) named(name, value);
          }
          return;
        }
        case 'identifier': {
          // msg = f"... {password}"; LOG.debug(msg) — follow the name to how it was built.
          const shape = model.stringShape(expr);
          if (shape && shape.building !== 'literal') {
            for (const part of shape.parts) if (part.kind === 'value') collect(part.node, found, via ?? expr, depth + 1);
            return;
          }
          const value = model.singleValue(expr);
          const valueExpr = value ? unparenthesize(value) : null;
          const container =
            valueExpr &&
            (valueExpr.type === 'dictionary' || valueExpr.type === 'tuple' || valueExpr.type === 'list' ||
              (valueExpr.type === 'call' && model.calleeQualifiedName(valueExpr) === 'dict'));
          if (valueExpr && container) {
            collect(valueExpr, found, via ?? expr, depth + 1);
            return;
          }
          // pw = request.form["password"]: the name is short, the field it was read from says what it is.
          const held = valueExpr && (valueExpr.type === 'subscript' || valueExpr.type === 'call') ? secretValue(valueExpr) : null;
          if (held) found.push({ node: expr, secret: held, via });
          return;
        }
        default:
          return;
      }
    };

    /**
     * What `strutils.mask_dict_password()` would do to the logged value `target`:
     * `covered` — a dict known by its literal whose every secret key oslo masks (it matches keys against its own
     * list: `password`, `secret`, `token`, `passphrase`, `private_key`…, not `api_key` or `passwd`);
     * `uncovered` — a known dict with a secret under a key oslo does not mask; `unknown` — only the name
     * (`credentials`) says it is a dict of secrets; null — not a dict.
     */
    const dictMasking = (target: SyntaxNode, secret: SecretName, via: boolean): 'covered' | 'uncovered' | 'unknown' | null => {
      let expr = unparenthesize(target);
      if (expr.type === 'identifier') {
        const value = model.singleValue(expr);
        if (value) expr = unparenthesize(value);
      }
      let entries: Array<[string | null, SyntaxNode]> | null = null;
      if (expr.type === 'dictionary') {
        entries = expr.namedChildren
          .filter((pair) => pair.type === 'pair' && pair.child('key') && pair.child('value'))
          .map((pair) => [stringLiteralValue(pair.child('key')!), pair.child('value')!]);
      } else if (expr.type === 'call' && model.calleeQualifiedName(expr) === 'dict') {
        const args = callArguments(expr);
        // dict(pairs) / dict(**kw): the keys are not known.
        if (args.positional.length === 0 && !args.hasUnpacking) entries = [...args.keywords];
      }
      if (!entries) return !via && (secret.word === 'credentials' || secret.word === 'connection_info') ? 'unknown' : null;
      for (const [key, value] of entries) {
        const inside: Found[] = [];
        collect(value, inside, null, 1);
        const secretKey = key !== null && secretName(key) !== null;
        if ((secretKey || inside.length > 0) && (key === null || !maskedByOslo(key))) return 'uncovered';
      }
      return 'covered';
    };

    /**
     * `strutils.mask_dict_password(x)` around the logged dict, when strutils is imported: `safe` for a dict literal
     * whose secret keys oslo masks, `unsafe` for a name that only says `credentials` (a non-mapping raises
     * TypeError, and only oslo's keys are masked). Never for a single string: `mask_password()` returns a bare
     * secret unchanged.
     */
    const fixFor = (target: SyntaxNode, masking: 'covered' | 'unknown'): FixSpec | undefined => {
      const mask = maskDictPasswordName(model, target);
      if (!mask) return undefined;
      const edit: EditSpec = { start: target.start, end: target.end, newText: `${mask}(${target.text})` };
      return { title: `Mask with \`${mask}()\``, safety: masking === 'covered' ? 'safe' : 'unsafe', edits: [edit] };
    };

    return {
      call(call) {
        const method = logMethod(call);
        if (!method) return;
        const args = callArguments(call);
        const fn = call.child('function')!;
        const label = `${shown(fn)}()`;
        const found: Found[] = [];
        args.positional.slice(method === 'log' ? 1 : 0).forEach((arg) => collect(arg, found, null, 0));
        for (const [name, value] of args.keywords) {
          if (name === 'extra') collect(value, found, null, 0);
          else if (!CONTROL_KEYWORDS.has(name)) {
            // structlog / loguru: `log.info("login", password=pw)` logs the keyword's value under that name.
            const slot = secretName(name);
            const expr = unparenthesize(value);
            if (slot && plainValue(expr) && !secretValue(expr)) found.push({ node: expr, secret: slot, via: null });
            else collect(value, found, null, 0);
          }
        }
        // "password=%s", "token: %s": the message's own label says what the value is.
        const template = args.positional[method === 'log' ? 1 : 0];
        const templateText = template ? model.constantText(template) : null;
        const conversions = templateText === null ? null : percentConversions(templateText);
        if (templateText !== null && conversions) {
          const labels = [...templateText.matchAll(/%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[hlL]?([diouxXeEfFgGcrsa%])/g)].filter((match) => match[1] !== '%');
          labels.forEach((match, index) => {
            const label = /([A-Za-z_][\w-]*)\s*[=:]\s*['"]?$/.exec(templateText.slice(0, match.index))?.[1];
            const secret = label ? secretName(label) : null;
            const value = args.positional[(method === 'log' ? 2 : 1) + index];
            if (!secret || !value || (match[1] !== 's' && match[1] !== 'r')) return;
            if (isTokenWord(secret) && lexical()) return;
            const expr = unparenthesize(value);
            if (plainValue(expr) && !found.some((item) => item.node === expr || expr.contains(item.node))) found.push({ node: expr, secret: { ...secret, name: label! }, via: null });
          });
        }
        const reported = new Set<SyntaxNode>();
        for (const item of found) {
          const at = item.via ?? item.node;
          if (reported.has(at)) continue;
          reported.add(at);
          const masking = dictMasking(at, item.secret, !!item.via);
          const maskName = maskDictPasswordName(model, at);
          const advice =
            maskName && (masking === 'covered' || masking === 'unknown')
              ? `mask it with \`${maskName}()\``
              : masking
                ? 'leave the secret out of it'
                : 'leave it out or log only whether it is set';
          const through = item.via ? ` through \`${item.via.text}\`` : '';
          const named = item.node.text.includes(item.secret.name) || item.via ? '' : ` (as \`${item.secret.name}\`)`;
          const confidence: Confidence = item.secret.word.startsWith('credential') ? 'low' : 'medium';
          const fix = masking === 'covered' || masking === 'unknown' ? fixFor(at, masking) : undefined;
          context.report({
            at,
            message: `\`${label}\` logs \`${shown(item.node)}\`${named} in clear text${through}; ${advice}`,
            confidence,
            ...(item.via ? { related: [{ at: item.node, message: `\`${shown(item.node)}\` goes into \`${item.via.text}\` here` }] } : {}),
            ...(fix ? { fix } : {}),
          });
        }
        // Request headers, bodies and `**kwargs` logged whole: the flow layer says they are request data.
        const logged = [...args.positional.slice(method === 'log' ? 1 : 0), ...(args.keywords.get('extra') ? [args.keywords.get('extra')!] : [])];
        for (const argument of logged) {
          if ([...reported].some((node) => argument.contains(node) || node.contains(argument))) continue;
          const found = requestCredentials(argument);
          const taint = found ? context.flow.taintOf(argument) : null;
          if (!found || !taint) continue;
          const report = {
            at: argument,
            message: `\`${label}\` logs ${found.what}, with ${found.carries}; log only the fields you need`,
          };
          const evidence = evidenceAt(taint, call, argument, `\`${label}\` writes it to the log`);
          context.report({ ...withFlow(report, evidence, 'medium', context.meta), confidence: found.confidence });
        }
      },
    };
  },
});

/** Types whose `str()` and `repr()` hide the value: pydantic's secret types (https://docs.pydantic.dev/latest/api/types/#pydantic.types.SecretStr). */
const MASKED_SECRET = /^\s*["']?(pydantic\.(types\.)?)?Secret(Str|Bytes)\b/;

/** The annotation text of a parameter (`creds: SecretStr` → `SecretStr`), if the identifier is an annotated parameter. */
function annotationOf(identifier: SyntaxNode): string | null {
  const parameter = identifier.parent;
  if (parameter?.type !== 'typed_parameter' && parameter?.type !== 'typed_default_parameter') return null;
  return parameter.child('type')?.text ?? null;
}
