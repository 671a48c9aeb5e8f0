import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { nameWords, stringLiteralValue, unparenthesize } from '../../syntax/python';
import { memoByName } from './nameMemo';

/**
 * What "a name that holds a secret" means, shared by VG401 (hardcoded-secret) and VG402 (secret-in-log).
 *
 * A name is secret-like when its LAST word (snake_case and camelCase split, trailing digits dropped) is a secret
 * word — `db_password`, `apiKey`, `SECRET_KEY`, `access_token`, `password2` — or it ends with a two-word key form
 * (`api_key`, `private_key`, `secret_access_key`…). A name whose last word is something else (`token_type`,
 * `password_field`, `PASSWORD_MIN_LENGTH`, `secret_name`, `passwords_match`) names something about the secret,
 * not the secret.
 *
 * Decisions beyond the last-word rule (each documented in the rules' known problems):
 * - Hashes and ciphertexts are not the secret: a name with a word `hash`, `hashed`, `digest`, `salt`, `salted`,
 *   `checksum`, `fingerprint`, `encrypted`, `cipher`, `ciphertext` is not secret-like (`password_hash`,
 *   `hashed_password`, `encrypted_password`). Logging or committing a bcrypt hash is much less bad than the
 *   plaintext, and flagging every `hashed_password = "$2b$..."` test fixture would drown the real findings.
 *   `encoded_password` (base64 is not protection) stays secret-like.
 * - A first word that makes the name a flag, a rule or an explicit fake is not the secret: `is_password`,
 *   `has_token`, `require_password`, `show_password`, `min_password`, `invalid_password`, `fake_token`.
 * - `token` names a lexeme as often as a credential: `next_token`/`NextToken` (pagination), `sep_token`,
 *   `pad_token`, `eos_token` (tokenizers), `cancellation_token`, `max_tokens` are not secret-like.
 * - `pass` counts only after a word naming an account (`db_pass`, `smtp_pass`, `admin_pass`): `first_pass`,
 *   `render_pass` are not passwords. `key` counts only in the two-word forms or after a word such as `secret` earlier in the name
 *   (`SECRET_COOKIE_KEY`; VG401 also judges a bare `key` by its value, see `looksLikeKeyMaterial`); `pw`, `creds`, `auth` and
 *   `authorization` are not secret words (too ambiguous).
 * - A few words after the secret word keep the meaning: `password_value`, `token_raw`, `secret_b64`.
 */

const SECRET_WORDS: ReadonlySet<string> = new Set([
  'password', 'passwords', 'passwd', 'passwrd', 'pwd', 'passphrase', 'passcode', 'secret', 'token', 'credential',
  'credentials', 'apikey', 'apisecret', 'apitoken', 'secretkey', 'accesskey', 'privatekey', 'authkey', 'authtoken',
  'accesstoken', 'refreshtoken',
]);

/** `X_key` is a secret when X is one of these: `api_key`, `secret_access_key`, `signing_key`… */
const KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  'api', 'private', 'secret', 'access', 'auth', 'signing', 'sign', 'encryption', 'decryption', 'master', 'hmac',
  'account', 'shared', 'subscription', 'jwt', 'fernet', 'aes',
]);

/**
 * `X_…_key` is a secret when an earlier word says so outright (`SECRET_COOKIE_KEY`, `signing_session_key`), unless
 * the word just before `key` makes it a lookup key or a public one (`secret_cache_key`, `private_env_key`).
 */
const STRONG_KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  'secret', 'private', 'signing', 'encryption', 'decryption', 'hmac', 'master', 'fernet', 'jwt', 'aes',
]);
const LOOKUP_KEY_WORDS: ReadonlySet<string> = new Set([
  'cache', 'lookup', 'id', 'sort', 'partition', 'primary', 'foreign', 'row', 'index', 'name', 'map', 'dict', 'public',
  'storage', 'redis', 'db', 'table', 'field', 'column', 'path', 'file', 'env', 'setting', 'settings', 'config', 'label',
  'attr', 'attribute', 'param', 'header', 'store', 'bucket', 'object', 'dynamo', 'kv', 'registry', 'ref', 'query',
]);

/** `X_pass` is a password when X names an account or a service. */
const PASS_QUALIFIERS: ReadonlySet<string> = new Set([
  'db', 'database', 'admin', 'root', 'smtp', 'mail', 'email', 'ftp', 'sftp', 'ldap', 'mysql',
  'postgres', 'pg', 'redis', 'proxy', 'login', 'ssh', 'sudo', 'amqp', 'rabbit', 'rabbitmq', 'mq', 'vnc', 'wifi',
  'imap', 'pop', 'http', 'basic', 'auth', 'api', 'app', 'service', 'svc', 'account', 'master', 'new', 'old',
]);

/** `X_token` is not a credential when X is one of these. */
const LEXICAL_TOKEN_QUALIFIERS: ReadonlySet<string> = new Set([
  'next', 'prev', 'previous', 'continuation', 'page', 'pagination', 'cursor', 'sync', 'resume', 'sep', 'cls',
  'pad', 'unk', 'mask', 'bos', 'eos', 'sos', 'eot', 'start', 'end', 'begin', 'stop', 'special', 'sentinel',
  'image', 'audio', 'video', 'boundary', 'whitespace', 'newline', 'word', 'sub', 'subword', 'vocab', 'lexer',
  'parser', 'current', 'cur', 'last', 'first', 'cancellation', 'cancel', 'max', 'min', 'num', 'idempotency',
  'starting', 'acquire', 'lock', 'input', 'output', 'update',
]);

/** A word anywhere in the name that makes it something derived from the secret, not the secret. */
const DERIVED_WORDS: ReadonlySet<string> = new Set([
  'hash', 'hashed', 'digest', 'salt', 'salted', 'checksum', 'fingerprint', 'encrypted', 'cipher', 'ciphertext',
]);

/** A first word that makes the name a flag, a policy, a prompt or an explicit fake. */
const NON_SECRET_FIRST_WORDS: ReadonlySet<string> = new Set([
  'is', 'has', 'have', 'had', 'use', 'uses', 'using', 'require', 'requires', 'required', 'need', 'needs', 'should',
  'must', 'can', 'allow', 'allows', 'allowed', 'enable', 'enabled', 'disable', 'disabled', 'show', 'hide', 'check',
  'validate', 'validated', 'verify', 'verified', 'no', 'without', 'ask', 'prompt', 'accept', 'min', 'max', 'num',
  'len', 'count', 'invalid', 'wrong', 'bad', 'incorrect', 'fake', 'dummy', 'mock', 'example', 'sample',
]);

/** Words after the secret word that keep the name meaning the secret itself. */
const TRAILING_NEUTRAL: ReadonlySet<string> = new Set(['value', 'val', 'raw', 'plain', 'plaintext', 'cleartext', 'b64', 'base64']);

export interface SecretName {
  /** The name as written. */
  readonly name: string;
  /** The secret word or two-word form it ends with: `password`, `token`, `api_key`. */
  readonly word: string;
  /** The name's last word is `credentials`/`passwords`: it usually holds a collection (a dict) of secrets. */
  readonly plural: boolean;
}

/** Whether a name (`db_password`, `apiKey`, `SECRET_KEY`, `--admin-password`) holds a secret; null when not. */
export const secretName: (name: string) => SecretName | null = memoByName(readSecretName);

function readSecretName(name: string): SecretName | null {
  const words = nameWords(name).map((word) => word.replace(/[0-9]+$/, '')).filter((word) => word.length > 0);
  while (words.length > 1 && TRAILING_NEUTRAL.has(words[words.length - 1]!)) words.pop();
  if (words.length === 0) return null;
  if (words.some((word) => DERIVED_WORDS.has(word))) return null;
  if (words.length > 1 && NON_SECRET_FIRST_WORDS.has(words[0]!)) return null;
  const last = words[words.length - 1]!;
  const previous = words.length > 1 ? words[words.length - 2]! : null;
  if (SECRET_WORDS.has(last)) {
    if (last === 'token' && previous && LEXICAL_TOKEN_QUALIFIERS.has(previous)) return null;
    return { name, word: last, plural: last === 'credentials' || last === 'passwords' };
  }
  if (last === 'key' && previous && KEY_QUALIFIERS.has(previous)) return { name, word: `${previous}_key`, plural: false };
  if (last === 'key' && previous && !LOOKUP_KEY_WORDS.has(previous)) {
    const qualifier = words.slice(0, -2).find((word) => STRONG_KEY_QUALIFIERS.has(word));
    if (qualifier) return { name, word: `${qualifier}_key`, plural: false };
  }
  if (last === 'pass' && previous && PASS_QUALIFIERS.has(previous)) return { name, word: 'pass', plural: false };
  return null;
}

export function isSecretName(name: string): boolean {
  return secretName(name) !== null;
}

/** Whether the secret word is `token` (alone or qualified): the one that often means a lexeme. */
export function isTokenWord(secret: SecretName): boolean {
  return secret.word === 'token';
}

/** Top-level modules whose presence makes `token` mean a lexeme, not a credential. */
const LEXING_MODULES: ReadonlySet<string> = new Set([
  'tokenize', 'token', 'ply', 'lark', 'pygments', 'sqlparse', 'nltk', 'spacy', 'transformers', 'tokenizers',
  'tiktoken', 'sentencepiece', 'antlr4', 'parsimonious', 'pyparsing', 'lib2to3', 'jieba', 'torchtext', 'sly',
]);

/**
 * Whether the module imports a lexer, parser or NLP tokenizer library at module level: there, `token` names are
 * lexemes (`token = "NAME"`, `log.debug("unexpected token %r", token)`), not credentials.
 */
export function moduleTokenizes(model: SemanticModel): boolean {
  for (const root of model.importedRoots()) if (LEXING_MODULES.has(root)) return true;
  return false;
}

/** What a secret-like expression is called: `password` for `conf.password`, `body['password']`, `d.get('password')`. */
export interface SecretReference {
  readonly node: SyntaxNode;
  readonly secret: SecretName;
}

const GETTER_METHODS: ReadonlySet<string> = new Set(['get', 'pop', 'getenv', 'get_secret', 'setdefault']);

/**
 * The secret an expression reads by name, without judging where it came from: an identifier, an attribute
 * (`conf.password`, `self._token`), a subscript with a string key (`body['password']`, `os.environ['DB_PASSWORD']`)
 * or a lookup call with a string key (`creds.get('password')`, `os.getenv('API_TOKEN')`). Null otherwise.
 */
export function secretReference(expression: SyntaxNode): SecretReference | null {
  const expr = unparenthesize(expression);
  let name: string | null = null;
  switch (expr.type) {
    case 'identifier':
      name = expr.text;
      break;
    case 'attribute':
      name = expr.child('attribute')?.text ?? null;
      break;
    case 'subscript': {
      const key = expr.child('subscript');
      name = key ? keyName(key) : null;
      break;
    }
    case 'call': {
      const fn = expr.child('function');
      const method = fn?.type === 'attribute' ? fn.child('attribute')?.text : fn?.type === 'identifier' ? fn.text : null;
      if (!method || !GETTER_METHODS.has(method)) return null;
      const first = expr.child('arguments')?.namedChildren[0];
      name = first && first.type !== 'keyword_argument' ? keyName(first) : null;
      break;
    }
    default:
      return null;
  }
  if (!name) return null;
  const secret = secretName(name);
  return secret ? { node: expr, secret } : null;
}

/**
 * The name a string key gives its value, when the key looks like a field or variable name (`"password"`,
 * `"X-Auth-Token"`, `"DB_PASSWORD"`): keys such as `"AWS::SecretsManager::Secret"` or `"Reset password"` are
 * type names or labels, not slots that hold a secret.
 */
export function keyName(key: SyntaxNode): string | null {
  const value = stringLiteralValue(key);
  return value !== null && /^[A-Za-z_][\w-]*$/.test(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Literal values: what a string assigned to a secret-like name must look like to be a secret.
// ---------------------------------------------------------------------------------------------------------------

/** Authentication scheme names, which are assigned to `token`-ish names all the time (`token_prefix = "Bearer"`). */
const AUTH_SCHEMES: ReadonlySet<string> = new Set([
  'bearer', 'basic', 'token', 'jwt', 'digest', 'oauth', 'oauth2', 'negotiate', 'ntlm', 'hmac', 'apikey', 'api-key',
  'key', 'bot', 'mac', 'hoba', 'mutual', 'scram-sha-1', 'scram-sha-256', 'aws4-hmac-sha256', 'dpop', 'sso',
]);

/** Values that say "no value here" or name a type: never a real secret. */
const PLACEHOLDER_WORDS: ReadonlySet<string> = new Set([
  'none', 'null', 'nil', 'undefined', 'unset', 'n/a', 'na', 'tbd', 'todo', 'fixme', 'redacted', 'hidden', 'masked',
  'removed', 'string', 'str', 'text', 'bytes', 'required', 'optional', 'true', 'false', 'yes', 'no', 'on', 'off',
  'env', 'environ', 'environment', 'keyring', 'vault', 'prompt', 'ask', 'stdin', 'file', 'foo', 'bar', 'baz', 'qux',
  'quux', 'foobar', 'spam', 'eggs', 'dummy', 'placeholder', 'example', 'sample', 'fake', 'mock',
]);

/** Well-known credential formats: worth `high` confidence whatever the name. */
const KNOWN_FORMATS: ReadonlyArray<readonly [RegExp, string]> = [
  [/-----BEGIN (?:[A-Z]+ )*PRIVATE KEY(?: BLOCK)?-----/, 'a private key'],
  [/^AKIA[0-9A-Z]{16}$/, 'an AWS access key ID'],
  [/^gh[pousr]_[A-Za-z0-9]{36,}$/, 'a GitHub token'],
  [/^github_pat_[A-Za-z0-9_]{22,}$/, 'a GitHub token'],
  [/^xox[abposr]-[A-Za-z0-9-]{10,}$/, 'a Slack token'],
  [/^sk_live_[A-Za-z0-9]{16,}$/, 'a Stripe live key'],
  [/^AIza[0-9A-Za-z_-]{35}$/, 'a Google API key'],
  [/^django-insecure-/, 'a Django secret key'],
  [/^(?:Basic|Bearer|Token) [A-Za-z0-9+/=._~-]{12,}$/, 'an Authorization header value'],
  [/^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$/, 'a JSON Web Token'],
  [/^sk-[A-Za-z0-9_-]{20,}$/, 'an API secret key'],
  [/^hf_[A-Za-z0-9]{30,}$/, 'a Hugging Face token'],
  [/^glpat-[A-Za-z0-9_-]{20,}$/, 'a GitLab token'],
];

export type LiteralVerdict =
  | { readonly secret: false; readonly reason: string }
  | { readonly secret: true; readonly confidence: 'medium' | 'high'; readonly format: string | null };

/**
 * Whether a string literal's value, bound to a secret-like name, is plausibly the secret itself rather than a
 * placeholder, a field name, a scheme, a message, a path or a URL. `secret` is the name's analysis (for the
 * `token`-specific exclusions). The reasons are for debugging and docs; only `secret` matters to callers.
 */
export function judgeSecretLiteral(value: string, secret: SecretName | null): LiteralVerdict {
  for (const [pattern, format] of KNOWN_FORMATS) {
    if (pattern.test(value)) return { secret: true, confidence: 'high', format };
  }
  const trimmed = value.trim();
  if (trimmed === '') return { secret: false, reason: 'empty' };
  if (/EXAMPLE/.test(trimmed)) return { secret: false, reason: 'a documentation example (AWS style `...EXAMPLE`)' };
  // A mask repeats a symbol (`"****"`; `"xxxx"` below); a letter or digit repeated (`"aaaaaaa"`, `"0000"`) is a weak
  // secret, still a secret.
  if (/^(.)\1*$/su.test(trimmed) && (trimmed.length === 1 || !/[A-Za-z0-9]/.test(trimmed))) {
    return { secret: false, reason: 'one repeated character (a mask)' };
  }
  const alphanumeric = trimmed.replace(/[^A-Za-z0-9]/g, '');
  if ((alphanumeric === '' && /[*•#]/.test(trimmed)) || /^[xX]{3,}$/.test(alphanumeric)) return { secret: false, reason: 'a mask' };
  if (/^__\w+__$/.test(trimmed)) return { secret: false, reason: 'a dunder sentinel' };
  if (/^<[^<>]*>$/.test(trimmed) || /^\[[^[\]]*\]$/.test(trimmed)) return { secret: false, reason: 'a <placeholder>' };
  if (/\$\{[^}]*\}|\{\{[^}]*\}\}|\{%[^%]*%\}|%\([\w.-]+\)[sdr]|^\$[A-Za-z_][A-Za-z0-9_]*$/.test(trimmed)) {
    return { secret: false, reason: 'a template or environment reference' };
  }
  if (/^(?:%[sdrif]|\{[\w.]*(?:![rsa])?(?::[^}]*)?\})+$/.test(trimmed)) return { secret: false, reason: 'a format placeholder' };
  if (/[ \t\r\n]/.test(trimmed)) return { secret: false, reason: 'contains spaces (a message or label)' };
  if (/[:?]$/.test(trimmed)) return { secret: false, reason: 'ends like a prompt' };
  const lower = trimmed.toLowerCase();
  if (AUTH_SCHEMES.has(lower)) return { secret: false, reason: 'an authentication scheme' };
  if (PLACEHOLDER_WORDS.has(lower)) return { secret: false, reason: 'a placeholder word' };
  if (namesAField(trimmed)) return { secret: false, reason: 'names the field (a key, header or variable name)' };
  if (/^x-[a-z-]+$/i.test(trimmed) || /^[A-Z][a-z]+(?:-[A-Z][a-z]+)+$/.test(trimmed)) {
    return { secret: false, reason: 'a header name' };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) && !/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(trimmed)) {
    return { secret: false, reason: 'a URL without credentials' };
  }
  if (/^(?:\.{1,2}\/|~\/|\/[\w.-]|[A-Za-z]:\\)/.test(trimmed)) return { secret: false, reason: 'a path' };
  if (/^[a-z][a-z_-]*(?:\/[a-z][a-z_-]*)+$/.test(trimmed)) return { secret: false, reason: 'a lower-case path or type name' };
  if (/[.,]/.test(trimmed) && trimmed.split(/[.,]/).filter((part) => part !== '').every((part) => /^[A-Za-z][A-Za-z0-9_-]+$/.test(part))) {
    return { secret: false, reason: 'a dotted name, host name or field list' };
  }
  if (/^--?[A-Za-z][\w-]*$/.test(trimmed)) return { secret: false, reason: 'a command-line flag' };
  if (/^[\w.-]+\.(?:pem|key|crt|cer|der|p12|pfx|jks|json|ya?ml|txt|ini|cfg|conf|env|gpg|asc|pub)$/i.test(trimmed)) {
    return { secret: false, reason: 'a file name' };
  }
  if (secret && isTokenWord(secret) && /^[^A-Za-z0-9\s]{0,2}[A-Za-z_]{1,30}[^A-Za-z0-9\s]{0,2}$/.test(trimmed)) {
    // token = "NAME", token == "login", token == "#bygroup", "input_token": "next_marker": a token kind, a lexer
    // keyword or a field name. Real tokens are not plain words: they have digits.
    return { secret: false, reason: 'a token kind or keyword (a lexeme)' };
  }
  return { secret: true, confidence: looksRandom(trimmed) ? 'high' : 'medium', format: null };
}

/**
 * Whether a value is the NAME of a secret field rather than a secret: `"password"`, `"access_token"`,
 * `"X-Auth-Token"`, `"GITHUB_TOKEN"`, `"apiKey"`, `"csrftoken"`. Field names have no digits and are either one
 * secret word or words joined snake_case, camelCase, UPPER_CASE or Header-Case, one of which is a secret word.
 * Lower-case kebab values (`"super-secret-key"`) and single runs that merely contain a secret word
 * (`"supersecret"`) are how people write throwaway secrets, so they are not field names.
 */
function namesAField(value: string): boolean {
  // V1SecretProjection, AWSAccessKeyId: a type or field name in PascalCase (digits allowed).
  if (/^(?:[A-Z]+[a-z0-9]*){2,}$/.test(value) && /[a-z]/.test(value) && mentionsSecret(nameWords(value))) return true;
  if (!/^[A-Za-z][A-Za-z_.-]*$/.test(value)) return false;
  if (/^(?:csrf|xsrf)/i.test(value)) return true;
  if (!/[_.-]/.test(value) && !/[a-z][A-Z]/.test(value)) return secretName(value) !== null;
  if (/^[a-z]+(?:-[a-z]+)+$/.test(value) && !value.startsWith('x-')) return false;
  return secretName(value) !== null || mentionsSecret(nameWords(value));
}

/** Whether words contain a secret word or a two-word key form anywhere (`aws_access_key_id`). */
function mentionsSecret(words: readonly string[]): boolean {
  return words.some(
    (word, index) =>
      SECRET_WORDS.has(word) ||
      (word === 'key' && index > 0 && KEY_QUALIFIERS.has(words[index - 1]!)) ||
      (word === 'pass' && index > 0 && PASS_QUALIFIERS.has(words[index - 1]!)),
  );
}

/** Long, mixed-class strings without spaces: generated keys rather than words. */
function looksRandom(value: string): boolean {
  if (value.length < 20) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((pattern) => pattern.test(value)).length;
  return classes >= 3 || (/^[0-9a-f]+$/i.test(value) && value.length >= 32);
}

/**
 * Whether a literal assigned to a bare `key` looks like key material rather than a dictionary key or a label: long
 * hexadecimal (32 digits or more) or base64 text (24 characters or more, with letters and digits), or bytes written
 * as escapes. `key = "user_id"`, `key = "name"` are not.
 */
export function looksLikeKeyMaterial(value: string): boolean {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{32,}$/.test(trimmed)) return true;
  if (/^[A-Za-z0-9+/_-]{24,}={0,2}$/.test(trimmed) && /[0-9]/.test(trimmed) && /[a-z]/.test(trimmed) && /[A-Z]/.test(trimmed)) return true;
  // Bytes: 16 or more characters of which most are not printable ASCII (`b"\x8f\x1a..."`).
  const unprintable = [...trimmed].filter((char) => char < ' ' || char > '~').length;
  return trimmed.length >= 16 && unprintable * 2 >= trimmed.length;
}
