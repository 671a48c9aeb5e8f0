import { defineRule, type Report } from '../rule';
import type { Confidence, Severity } from '../../findings';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, stringLiteralValue, unparenthesize } from '../../syntax/python';
import {
  isSecretName,
  isTokenWord,
  judgeSecretLiteral,
  keyName,
  looksLikeKeyMaterial,
  moduleTokenizes,
  secretName,
  secretReference,
  type SecretName,
} from '../support/secrets';

/** Calls that declare a command-line or config option: their `default=` is the option's value. */
const OPTION_DECLARATIONS: ReadonlySet<string> = new Set(['add_argument', 'add_option', 'option', 'StrOpt', 'Opt']);
/** Lookups whose second argument is the value used when the key is missing. */
const LOOKUPS_WITH_FALLBACK: ReadonlySet<string> = new Set(['os.getenv', 'os.environ.get', 'os.environ.setdefault']);

/**
 * The key argument of signing and encryption APIs (CWE-321): a literal there is the key itself, whatever it is
 * named. PyJWT and python-jose (`jwt.encode(payload, key)`), `hmac`, itsdangerous's signers and serializers,
 * `cryptography`'s Fernet, PyCryptodome's ciphers.
 */
const KEY_ARGUMENTS: ReadonlyMap<string, readonly [number, string]> = new Map<string, readonly [number, string]>([
  ...['jwt.encode', 'jwt.decode', 'jose.jwt.encode', 'jose.jwt.decode', 'jwt.api_jwt.encode', 'jwt.api_jwt.decode'].map((callee) => [callee, [1, 'key']] as const),
  ['hmac.new', [0, 'key']],
  ['hmac.digest', [0, 'key']],
  ...['URLSafeTimedSerializer', 'URLSafeSerializer', 'Serializer', 'TimedSerializer', 'Signer', 'TimestampSigner', 'JSONWebSignatureSerializer'].map(
    (name) => [`itsdangerous.${name}`, [0, 'secret_key']] as const,
  ),
  ['cryptography.fernet.Fernet', [0, 'key']],
  ...['AES', 'DES3', 'ChaCha20', 'Blowfish', 'ARC4', 'DES'].flatMap((cipher) => [
    [`Crypto.Cipher.${cipher}.new`, [0, 'key']] as const,
    [`Cryptodome.Cipher.${cipher}.new`, [0, 'key']] as const,
  ]),
]);

/**
 * A URL with a password in it (`postgresql://app:Passw0rd@db/prod`), unless the password is a placeholder
 * (`{password}`, `%(password)s`, `$DB_PASSWORD`, `<password>`, `***`, `password`, `pass`, `secret`, `xxx`).
 */
const URL_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@[^\s@]+$/i;
const PLACEHOLDER_PASSWORD = /^(?:[{<$%*].*|.*[}>]|x+|\.+|password|passwd|pass|pwd|secret|changeme|your[_-]?password|pw|p)$/i;

interface Literal {
  readonly node: SyntaxNode;
  readonly value: string;
}

/** A string or bytes literal without interpolations (an f-string with no fields counts). */
function literalOf(node: SyntaxNode | null | undefined): Literal | null {
  if (!node) return null;
  const expr = unparenthesize(node);
  if (expr.type !== 'string' && expr.type !== 'concatenated_string') return null;
  const value = stringLiteralValue(expr);
  return value === null ? null : { node: expr, value };
}

/** Code as it appears in a message: one line, not too long. */
function shown(node: SyntaxNode): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 48 ? `${text.slice(0, 45)}…` : text;
}

export default defineRule({
  meta: {
    id: 'VG401',
    name: 'hardcoded-secret',
    title: 'Hard-coded password or secret',
    cwe: [798, 259, 321],
    severity: 'medium',
    confidence: 'medium',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B105', 'B106', 'B107'],
    ruff: ['S105', 'S106', 'S107'],
    fixable: false,
    inTests: 'skip',
    docs: {
      whatItDoes:
        'Flags a string literal bound to a name that holds a secret — assigned to `db_password`, `self.api_key` or `conf["password"]`, compared with `password`, passed as `password=`, used as a parameter default, a dict-literal value, the fallback of `os.getenv("DB_PASSWORD", ...)` or the default of a `--password` option, or given as the key of a signing or encryption API (`jwt.encode(payload, "…")`, `hmac.new(b"…")`, itsdangerous serializers, `Fernet(…)`, PyCryptodome ciphers) — when the literal looks like a real credential rather than a placeholder, a field name or a message.',
      whyIsThisBad:
        'A secret in source code is shared with everyone who can read the repository, its history, its forks, the built package and every CI log, and it cannot be rotated without a release. Attackers scan public repositories and published packages for credentials within minutes of a push. A hard-coded comparison (`if password == "..."`) is a backdoor that works on every installation, and a shipped default password stays the password of every installation nobody reconfigured.',
      example:
        'import psycopg2\n\nDB_PASSWORD = "s3cr3t-Pr0d"\n\n\ndef connect(host):\n    return psycopg2.connect(host=host, user="app", password=DB_PASSWORD)',
      useInstead:
        'import os\n\nimport psycopg2\n\n\ndef connect(host):\n    # From the environment, a secret manager or the OS keyring (keyring.get_password()).\n    return psycopg2.connect(host=host, user="app", password=os.environ["DB_PASSWORD"])',
      references: [
        'https://cwe.mitre.org/data/definitions/798.html',
        'https://cwe.mitre.org/data/definitions/259.html',
        'https://owasp.org/www-community/vulnerabilities/Use_of_hard-coded_password',
        'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html',
        'https://bandit.readthedocs.io/en/latest/plugins/b105_hardcoded_password_string.html',
        'https://pypi.org/project/keyring/',
      ],
      knownProblems:
        'Names: a name is secret-like only when its last word is a secret word (`password`, `passwd`, `pwd`, `passphrase`, `passcode`, `secret`, `token`, `credentials`, `apikey`…) or it ends with a two-word form (`api_key`, `private_key`, `secret_access_key`, `signing_key`, `db_pass`…): `token_type`, `token_url`, `password_field`, `PASSWORD_MIN_LENGTH`, `secret_name`, `NextToken`, `is_password`, `fake_token` are not flagged, and neither are `password_hash`/`hashed_password`/`encrypted_password` (a hash or ciphertext is not the credential). `pw`, `creds`, `auth`, `authorization` and one-word compounds such as `notsosecret` are not secret words: secrets stored under them are missed. Dict keys count only when they look like field names (`"password"`, `"X-Auth-Token"`), not `"AWS::SecretsManager::Secret"`. ' +
        'Values that are not flagged: empty or whitespace, masks (`"***"`, `":****"`, `"xxxx-xxxx"`, one repeated character), placeholders (`"<password>"`, `"[SEP]"`, `"__EMPTY__"`, `"${DB_PASSWORD}"`, `"$DB_PASSWORD"`, `"{{ secret }}"`, `"%(password)s"`, `"%s"`, `"{}"`, `"none"`, `"dummy"`, `"foo"`/`"bar"`), values containing `EXAMPLE` (AWS documentation keys), authentication schemes (`"Bearer"`, `"Basic"`, `"JWT"`), values that name a field (`"password"`, `"access_token"`, `"GITHUB_TOKEN"`, `"X-Api-Key"`, `"V1SecretProjection"`), messages (a space, or ending with `:` or `?`), paths, file names, dotted names and host names, command-line flags (`"-p"`) and URLs without credentials. So a passphrase with spaces, a snake_case password (`"my_password"`) or a dotted one (`"hunter2.prod"`) is missed. For `token` names a plain word without digits (`token = "NAME"`, `token == "login"`) is a lexeme, not a credential; in a module that imports a lexer or tokenizer library (`tokenize`, `ply`, `lark`, `pygments`, `nltk`, `transformers`…) `token` names are skipped altogether. ' +
        'Decisions: default passwords such as `"changeme"` or `"admin"` ARE flagged (if nobody changes them they are working credentials); bytes literals are judged like strings; dict-literal values are reported with low confidence (request bodies in tests, schemas). Test files are not treated specially: fixture passwords in tests are reported like any other (suppress them per line, or per file with `# vigil: ignore-file[VG401]`). ' +
        'Also missed: secrets passed positionally (`connect("db", "admin", "hunter2")`), built by concatenation or formatting, inside a DSN (a URL with a password, `postgresql://app:…@db/prod`, IS flagged unless the password is a placeholder such as `{password}` or `password`), reached through more than one assignment, compared with `in`/`match`, or given as `default=` to a field declaration other than `add_argument`/`add_option`/`click.option`/`cfg.StrOpt`. The `os.getenv(..., fallback)` and option-default findings have no Bandit or Ruff equivalent, so `# nosec`/`# noqa` only silence them without codes or with `VG401`.',
    },
  },
  create(context) {
    const { model } = context;
    let tokenizes: boolean | undefined;

    /** Reports `literal` when it is plausibly the secret named by `secret`. */
    const check = (
      literal: Literal,
      secret: SecretName,
      describe: (format: string | null) => string,
      codes: { bandit: string[]; ruff: string[] },
      options: { confidence?: Confidence; at?: SyntaxNode } = {},
    ): void => {
      const verdict = judgeSecretLiteral(literal.value, secret);
      if (!verdict.secret) return;
      if (isTokenWord(secret) && verdict.format === null && (tokenizes ??= moduleTokenizes(model))) return;
      const report: Report = {
        at: options.at ?? literal.node,
        message: describe(verdict.format),
        confidence: verdict.confidence === 'high' ? 'high' : options.confidence ?? 'medium',
        ...(verdict.format ? { severity: 'high' as Severity } : {}),
        bandit: codes.bandit,
        ruff: codes.ruff,
        ...(options.at ? { related: [{ at: literal.node, message: 'The secret is written here' }] } : {}),
      };
      context.report(report);
    };

    const what = (format: string | null): string => (format ? `Hard-coded secret (${format})` : 'Hard-coded secret');

    /**
     * The literal a value is, or the literal a plain constant name used as the value was assigned once
     * (`password = ADMIN_DEFAULT`). A name that is itself secret-like is not followed: its own assignment is the finding.
     */
    const valueLiteral = (value: SyntaxNode): { literal: Literal; via: SyntaxNode | null } | null => {
      const direct = literalOf(value);
      if (direct) return { literal: direct, via: null };
      const expr = unparenthesize(value);
      if (expr.type !== 'identifier' || isSecretName(expr.text)) return null;
      const assigned = literalOf(model.singleValue(expr));
      return assigned ? { literal: assigned, via: expr } : null;
    };

    const checkBinding = (
      value: SyntaxNode,
      describe: (format: string | null, via: SyntaxNode | null) => string,
      codes: { bandit: string[]; ruff: string[] },
      secret: SecretName,
      confidence?: Confidence,
    ): void => {
      const found = valueLiteral(value);
      if (!found) return;
      check(found.literal, secret, (format) => describe(format, found.via), codes, {
        ...(confidence ? { confidence } : {}),
        ...(found.via ? { at: found.via } : {}),
      });
    };

    /**
     * `key = "3q2+7w…"`, `self.KEY = "9f86d081…"`: a bare `key` is a secret only when its literal looks like key
     * material (`looksLikeKeyMaterial`); `key = "user_id"` is a dictionary key.
     */
    const checkBareKey = (target: SyntaxNode, value: SyntaxNode): void => {
      const name = target.type === 'identifier' ? target.text : target.type === 'attribute' ? target.child('attribute')?.text : null;
      if (!name || name.toLowerCase() !== 'key') return;
      const literal = literalOf(value);
      if (!literal || !looksLikeKeyMaterial(literal.value)) return;
      check(literal, { name, word: 'key', plural: false }, (format) => `${what(format ?? 'key material')} assigned to \`${shown(target)}\``, B105);
    };

    const through = (via: SyntaxNode | null): string => (via ? ` (through \`${via.text}\`)` : '');
    const B105 = { bandit: ['B105'], ruff: ['S105'] };
    const B106 = { bandit: ['B106'], ruff: ['S106'] };
    const B107 = { bandit: ['B107'], ruff: ['S107'] };
    const NO_CODES = { bandit: [], ruff: [] };

    return {
      assignment(node) {
        const left = node.child('left');
        const right = node.child('right');
        if (!left || !right) return;
        const pairs: Array<[SyntaxNode, SyntaxNode]> = [];
        const targets = left.type === 'pattern_list' || left.type === 'tuple' ? left.namedChildren : null;
        const rightExpr = unparenthesize(right);
        const values = rightExpr.type === 'expression_list' || rightExpr.type === 'tuple' ? rightExpr.namedChildren : null;
        if (targets && values) {
          if (targets.length !== values.length) return;
          targets.forEach((target, index) => pairs.push([target, values[index]!]));
        } else if (!targets) {
          pairs.push([left, right]);
        }
        for (const [target, value] of pairs) {
          if (target.type !== 'identifier' && target.type !== 'attribute' && target.type !== 'subscript') continue;
          const reference = secretReference(target);
          if (!reference) {
            checkBareKey(target, value);
            continue;
          }
          checkBinding(
            value,
            (format, via) => `${what(format)} assigned to \`${shown(target)}\`${through(via)}`,
            B105,
            reference.secret,
          );
        }
      },

      comparison_operator(node) {
        const operands = node.namedChildren;
        const operators = node.children.filter((child) => !child.isNamed).map((child) => child.type);
        if (operands.length !== 2 || operators.length !== 1 || (operators[0] !== '==' && operators[0] !== '!=')) return;
        const [a, b] = operands as [SyntaxNode, SyntaxNode];
        for (const [name, value] of [[a, b], [b, a]] as const) {
          const reference = secretReference(name);
          const literal = literalOf(value);
          if (!reference || !literal) continue;
          check(literal, reference.secret, (format) => `${what(format)} compared with \`${shown(name)}\``, B105);
          return;
        }
      },

      keyword_argument(node) {
        const call = node.parent?.parent;
        if (node.parent?.type !== 'argument_list' || call?.type !== 'call') return;
        const name = node.child('name');
        const value = node.child('value');
        if (!name || !value) return;
        const secret = secretName(name.text);
        if (!secret) return;
        const fn = call.child('function');
        const callee = model.calleeQualifiedName(call) ?? (fn ? shown(fn) : 'call');
        checkBinding(
          value,
          (format, via) => `${what(format)} passed as \`${name.text}=\` to \`${callee}()\`${through(via)}`,
          B106,
          secret,
        );
      },

      string(node) {
        // "postgresql://app:Passw0rd@db.example.com/prod": credentials inside a URL, wherever the string is used.
        if (node.parent?.type === 'expression_statement' || node.parent?.type === 'concatenated_string') return;
        const literal = literalOf(node);
        const password = literal ? URL_CREDENTIALS.exec(literal.value)?.[1] : undefined;
        if (!literal || !password || PLACEHOLDER_PASSWORD.test(decodeURIComponentSafe(password))) return;
        context.report({
          at: node,
          message: `Hard-coded password in the URL \`${shown(node)}\`: anyone who can read the code can log in to that service; read the URL or the password from the environment or a secret store`,
          bandit: [],
          ruff: [],
        });
      },

      default_parameter(node) {
        checkDefault(node);
      },
      typed_default_parameter(node) {
        checkDefault(node);
      },

      pair(node) {
        if (node.parent?.type !== 'dictionary') return;
        const key = node.child('key');
        const value = node.child('value');
        const keyText = key ? keyName(key) : null;
        if (!key || !value || keyText === null) return;
        const secret = secretName(keyText);
        if (!secret) return;
        // A dict literal is as often a request body in a test or a schema as a configuration: low confidence.
        checkBinding(
          value,
          (format, via) => `${what(format)} under key \`${shown(key)}\` of a dict literal${through(via)}`,
          B105,
          secret,
          'low',
        );
      },

      call(node) {
        const args = callArguments(node);
        const first = args.positional[0];
        const callee = model.calleeQualifiedName(node);
        const method = calleeName(node);
        // os.getenv("DB_PASSWORD", "hunter2"): the fallback is a hard-coded secret wherever the variable is unset.
        if (first && (LOOKUPS_WITH_FALLBACK.has(callee ?? '') || method === 'get' || method === 'getenv')) {
          const keyText = stringLiteralValue(first);
          if (keyText === null || !/^[A-Za-z_][\w.-]*$/.test(keyText)) return;
          const fallback = args.positional[1] ?? args.keywords.get('default');
          const secret = secretName(keyText);
          const literal = literalOf(fallback);
          if (secret && literal) {
            check(
              literal,
              secret,
              (format) => `${what(format)} used as the fallback of \`${shown(node.child('function')!)}(${shown(first)})\``,
              NO_CODES,
            );
          }
          return;
        }
        // jwt.encode(payload, "my-secret"), hmac.new(b"key", msg, "sha256"): the key argument of a signing API.
        const keyArgument = callee ? KEY_ARGUMENTS.get(callee) : undefined;
        if (keyArgument) {
          const [position, keyword] = keyArgument;
          const value = args.keywords.get(keyword) ?? args.positional[position];
          const literal = literalOf(value);
          if (literal) {
            check(literal, { name: keyword, word: 'key', plural: false }, (format) => `${what(format ?? 'a signing or encryption key')} passed to \`${callee}()\``, NO_CODES);
          }
          return;
        }
        // parser.add_argument("--password", default="admin"), cfg.StrOpt("admin_password", default="secret")
        if (method && OPTION_DECLARATIONS.has(method)) {
          const literal = literalOf(args.keywords.get('default'));
          if (!literal) return;
          for (const argument of args.positional) {
            const option = stringLiteralValue(argument);
            const secret = option !== null ? secretName(option) : null;
            if (!secret || /\s/.test(option!)) continue;
            check(literal, secret, (format) => `${what(format)} as the default of option \`${option}\``, NO_CODES);
            return;
          }
        }
      },
    };

    function checkDefault(node: SyntaxNode): void {
      const name = node.child('name');
      const value = node.child('value');
      if (!name || name.type !== 'identifier' || !value) return;
      const secret = secretName(name.text);
      if (!secret) return;
      const definition = node.parent?.parent;
      const owner =
        definition?.type === 'function_definition' ? `\`${definition.child('name')?.text ?? '?'}()\`` : 'a lambda';
      checkBinding(
        value,
        (format, via) => `${what(format)} as the default of parameter \`${name.text}\` of ${owner}${through(via)}`,
        B107,
        secret,
      );
    }
  },
});

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
