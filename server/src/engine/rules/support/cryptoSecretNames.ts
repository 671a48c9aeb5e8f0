import { nameWords } from '../../syntax/python';
import { memoByName } from './nameMemo';
import { secretName } from './secrets';

/**
 * Secret-like names for VG403 (insecure-random-secret) and VG404 (timing-unsafe-comparison), built on the shared
 * last-word rule of `secrets.ts` (`secretName`) and extended with the words those two rules need and VG401/VG402
 * deliberately leave out:
 *
 * - VG403 asks "is the value stored here something an attacker must not be able to predict?": besides passwords,
 *   tokens and keys that is a nonce, a salt, a one-time password, a PIN, a reset/verification code, a session id,
 *   a CSRF value, a licence or activation key, a PKCE code verifier.
 * - VG404 asks "is the value compared here a secret an attacker probes for?": besides the credentials of
 *   `secrets.ts` that is a signature, an HMAC, a password hash (which `secrets.ts` excludes on purpose: a hash is
 *   not the credential, but a stored hash compared with `==` still leaks), a one-time password, a CSRF value.
 *   Some words are only "weak" evidence: `digest`, `sig`, `mac` (also a MAC address), `pin` (also a GPIO pin).
 *   A weak name counts only when the other side of the comparison is a strong one.
 */

/** Words after the secret word that keep the name meaning the secret itself (`token_hex`, `otp_str`). */
const TRAILING_NEUTRAL: ReadonlySet<string> = new Set([
  'value', 'val', 'raw', 'plain', 'str', 'string', 'hex', 'bytes', 'b64', 'base64', 'text',
]);

/** A first word that makes the name a flag, a limit or a fake (`is_token`, `max_pin`, `fake_password`). */
const NON_SECRET_FIRST_WORDS: ReadonlySet<string> = new Set([
  'is', 'has', 'have', 'use', 'uses', 'using', 'require', 'requires', 'required', 'need', 'needs', 'should', 'must',
  'can', 'allow', 'allowed', 'enable', 'enabled', 'disable', 'disabled', 'show', 'hide', 'min', 'max', 'num', 'len',
  'length', 'count', 'size', 'invalid', 'wrong', 'bad', 'incorrect', 'fake', 'dummy', 'mock', 'example', 'sample',
  'test',
]);

/** `X_code` is a secret when X says what it unlocks: `reset_code`, `verification_code`, `invite_code`. */
const CODE_QUALIFIERS: ReadonlySet<string> = new Set([
  'reset', 'verification', 'verify', 'confirmation', 'confirm', 'activation', 'activate', 'auth', 'authorization',
  'login', 'otp', 'security', 'access', 'invite', 'invitation', 'recovery', 'backup', 'mfa', 'sms', 'email',
  'unlock', 'pairing', 'magic', 'secret', 'time', 'one', 'twofa', 'tfa', 'signin', 'signup', 'registration', 'pass', 'pin',
]);

/** `X_pin` is a hardware pin, not a personal identification number. */
const HARDWARE_PIN_QUALIFIERS: ReadonlySet<string> = new Set([
  'gpio', 'led', 'input', 'output', 'io', 'analog', 'digital', 'data', 'clock', 'clk', 'power', 'button', 'sensor',
  'motor', 'servo', 'board', 'trigger', 'echo', 'relay', 'pwm', 'reset', 'enable', 'cs', 'sda', 'scl', 'tx', 'rx',
]);

/** `X_key` is a secret when X is one of these (in addition to `secrets.ts`'s `api_key`, `secret_key`…). */
const EXTRA_KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  'session', 'license', 'licence', 'activation', 'reset', 'verification', 'confirmation', 'invite', 'invitation',
  'recovery', 'unlock', 'csrf', 'xsrf', 'registration', 'product', 'serial', 'cookie',
]);

/**
 * `X_token` that names an opaque handle rather than a credential, beyond `secrets.ts`'s lexical list: AWS-style
 * idempotency and concurrency tokens (`client_token`, `creation_token`, `version_token`, `change_token`).
 */
const HANDLE_TOKEN_QUALIFIERS: ReadonlySet<string> = new Set([
  'creation', 'client', 'version', 'idempotency', 'change', 'request', 'marker', 'continuation', 'pagination', 'page',
  'etag', 'sync', 'batch', 'retry',
]);

/** The credential words whose hash or digest is still compared as a secret (`password_hash`, `token_digest`). */
const HASHED_SECRET_WORDS: ReadonlySet<string> = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode', 'token', 'secret', 'apikey', 'otp', 'pin',
]);
const HASH_WORDS: ReadonlySet<string> = new Set(['hash', 'hashed', 'digest', 'hexdigest']);

/** `X_signature` that describes a function, not a message authentication code. */
const NON_AUTH_SIGNATURE_QUALIFIERS: ReadonlySet<string> = new Set([
  'func', 'function', 'method', 'call', 'callable', 'type', 'types', 'arg', 'args', 'argument', 'arguments', 'param',
  'params', 'parameter', 'parameters', 'init', 'class', 'fn', 'python', 'inspect', 'cls', 'def', 'return', 'op',
  'operator', 'kernel', 'tensor', 'model', 'schema', 'file', 'magic', 'mime', 'byte', 'format', 'opcode',
]);

/** Words that make a name a confirmation copy or the other half of a policy check: `password_confirm`, `password_again`. */
const CONFIRMATION_WORDS: ReadonlySet<string> = new Set([
  'confirm', 'confirmation', 'confirmed', 'again', 'repeat', 'repeated', 'retype', 'retyped', 'reenter', 'reentered',
  'verify', 'verification', 'check', 'second', 'twice',
]);

function words(name: string): string[] {
  const result = nameWords(name)
    .map((word) => word.replace(/[0-9]+$/, ''))
    .filter((word) => word.length > 0);
  while (result.length > 1 && TRAILING_NEUTRAL.has(result[result.length - 1]!)) result.pop();
  return result;
}

/** A secret word of `secrets.ts` as prose: `api_key` → `API key`, `passwd` → `password`. */
function describeWord(word: string): string {
  const spelled: Record<string, string> = {
    api_key: 'API key', apikey: 'API key', apisecret: 'API secret', apitoken: 'API token', passwd: 'password',
    passwrd: 'password', pwd: 'password', pass: 'password', secretkey: 'secret key', accesskey: 'access key',
    privatekey: 'private key', authkey: 'auth key', authtoken: 'auth token', accesstoken: 'access token',
    refreshtoken: 'refresh token', jwt_key: 'JWT key', hmac_key: 'HMAC key', aes_key: 'AES key',
  };
  return spelled[word] ?? word.replace(/_/g, ' ');
}

/** How bad a predictable value under this name is: a credential, a nonce, or a salt (which only needs to be unique). */
export type GeneratedSecretGrade = 'credential' | 'nonce' | 'salt';

/**
 * A name's words with its last two picked out, or null when it has none or starts with a word that says the value
 * is not the secret itself (`is_password`, `fake_token`).
 */
function nameParts(name: string): { parts: string[]; last: string; previous: string | null } | null {
  const parts = words(name);
  if (parts.length === 0) return null;
  if (parts.length > 1 && NON_SECRET_FIRST_WORDS.has(parts[0]!)) return null;
  return { parts, last: parts[parts.length - 1]!, previous: parts.length > 1 ? parts[parts.length - 2]! : null };
}

export interface GeneratedSecret {
  /** The name as written. */
  readonly name: string;
  /** What the name says the value is: `password`, `token`, `reset code`, `session id`, `nonce`. */
  readonly what: string;
  readonly grade: GeneratedSecretGrade;
  /** The secret word is `token` (a lexeme in tokenizer code). */
  readonly tokenWord: boolean;
  /**
   * A secret only when the value is key material (random bits or bytes, or a string assembled from random
   * characters): a bare `key` names a dictionary key as often as a cryptographic one.
   */
  readonly material?: boolean;
}

/**
 * Whether a name (`reset_token`, `otp`, `pin_code`, `session_id`, `generate_password`) holds a value that must be
 * unpredictable; null when not. Used for VG403's sinks: assignment targets, dict keys, keyword arguments and the
 * names of functions that return the value.
 */
export const generatedSecretName: (name: string) => GeneratedSecret | null = memoByName(readGeneratedSecretName);

function readGeneratedSecretName(name: string): GeneratedSecret | null {
  const split = nameParts(name);
  if (!split) return null;
  const { last, previous } = split;
  const found = (what: string, grade: GeneratedSecretGrade = 'credential'): GeneratedSecret => ({
    name,
    what,
    grade,
    tokenWord: false,
  });
  switch (last) {
    case 'nonce':
    case 'cnonce':
      return found('nonce', 'nonce');
    case 'salt':
      return found('salt', 'salt');
    case 'otp':
    case 'totp':
    case 'hotp':
      return found('one-time password');
    case 'csrf':
    case 'xsrf':
      return found('CSRF token');
    case 'sessionid':
    case 'sessid':
      return found('session id');
    case 'pin':
      return previous && HARDWARE_PIN_QUALIFIERS.has(previous) ? null : found('PIN');
    case 'code':
      return previous && CODE_QUALIFIERS.has(previous) ? found(`${previous} code`) : null;
    case 'id':
      return previous === 'session' ? found('session id') : null;
    case 'key':
      if (previous && EXTRA_KEY_QUALIFIERS.has(previous)) return found(`${previous} key`);
      if (!previous) return { ...found('key'), material: true };
      break;
    case 'verifier':
      return previous === 'code' || previous === 'pkce' ? found('PKCE code verifier') : null;
  }
  if (last === 'token' && previous && HANDLE_TOKEN_QUALIFIERS.has(previous)) return null;
  const secret = secretName(name);
  if (!secret) return null;
  return { name, what: describeWord(secret.word), grade: 'credential', tokenWord: secret.word === 'token' };
}

/** How strongly a name says "a secret an attacker probes for": `strong` on its own, `weak` only next to a strong one. */
export type ComparedSecretStrength = 'strong' | 'weak';

export interface ComparedSecret {
  readonly name: string;
  /** What the name says the value is: `signature`, `HMAC`, `password hash`, `token`. */
  readonly what: string;
  readonly strength: ComparedSecretStrength;
  readonly tokenWord: boolean;
}

/**
 * Whether a name compared with `==` names a secret (VG404): `signature`, `expected_hmac`, `password_hash`,
 * `csrf_token`, `api_key`, `otp`, `reset_code` (strong); `digest`, `sig`, `mac`, `pin` (weak). Null otherwise,
 * including for `hash`/`checksum` (integrity checks of public data) and `func_signature`.
 */
export function comparedSecretName(name: string): ComparedSecret | null {
  const split = nameParts(name);
  if (!split) return null;
  const { parts, last, previous } = split;
  const found = (what: string, strength: ComparedSecretStrength = 'strong', tokenWord = false): ComparedSecret => ({
    name,
    what,
    strength,
    tokenWord,
  });
  if (parts.includes('hmac')) return found('HMAC');
  if (parts.some((part) => HASH_WORDS.has(part))) {
    const hashed = parts.find((part) => HASHED_SECRET_WORDS.has(part));
    if (hashed) return found(`${hashed === 'pass' || hashed === 'pwd' || hashed === 'passwd' ? 'password' : hashed} hash`);
    if (last === 'digest' || last === 'hexdigest') return found('digest', 'weak');
    return null;
  }
  switch (last) {
    case 'signature':
      return previous && NON_AUTH_SIGNATURE_QUALIFIERS.has(previous) ? null : found('signature');
    case 'sig':
      return previous && NON_AUTH_SIGNATURE_QUALIFIERS.has(previous) ? null : found('signature', 'weak');
    case 'mac':
      return found('MAC', 'weak');
    case 'otp':
    case 'totp':
    case 'hotp':
      return found('one-time password');
    case 'csrf':
    case 'xsrf':
      return found('CSRF token');
    case 'sessionid':
      return found('session id');
    case 'id':
      return previous === 'session' ? found('session id') : null;
    case 'pin':
      return previous && HARDWARE_PIN_QUALIFIERS.has(previous) ? null : found('PIN', 'weak');
    case 'code':
      return previous && CODE_QUALIFIERS.has(previous) ? found(`${previous} code`) : null;
    case 'key':
      if (previous && EXTRA_KEY_QUALIFIERS.has(previous)) return found(`${previous} key`);
      break;
  }
  if (last === 'token' && previous && HANDLE_TOKEN_QUALIFIERS.has(previous)) return null;
  const secret = secretName(name);
  if (!secret) return null;
  return found(describeWord(secret.word), 'strong', secret.word === 'token');
}

/**
 * Whether two compared names are a form's confirmation pair or a policy check rather than a check against a stored
 * secret: `password == password_confirm`, `password1 != password2`, `new_password == old_password`.
 */
export function isConfirmationPair(a: string, b: string): boolean {
  const wordsA = nameWords(a);
  const wordsB = nameWords(b);
  if ([...wordsA, ...wordsB].some((word) => CONFIRMATION_WORDS.has(word.replace(/[0-9]+$/, '')))) return true;
  // password1 / password2: the same name up to a number.
  const bare = (name: string): string => name.replace(/[0-9]+$/, '').replace(/_$/, '');
  if (a !== b && (/[0-9]$/.test(a) || /[0-9]$/.test(b)) && bare(a) === bare(b)) return true;
  const first = (list: string[]): string => list[0] ?? '';
  const ages = new Set(['new', 'old', 'current', 'previous', 'prev', 'existing']);
  return ages.has(first(wordsA)) && ages.has(first(wordsB)) && first(wordsA) !== first(wordsB);
}
