import { defineRule } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, calleeName, stringLiteralValue, terminalName, unparenthesize } from '../../syntax/python';
import { kindBit } from '../../flow/concepts';
import type { Taint } from '../../flow/taint';
import { evidenceAt, withFlow } from '../flowRule';
import { secretName, secretReference } from '../support/secrets';
import { codeSnippet } from '../support/snippets';

/** Secret words that mean the user's password (not a token or an API key, which are often stored as issued). */
const PASSWORD_WORDS: ReadonlySet<string> = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'passcode']);
/** A call that turns a password into something fit to store: a hash or key derivation (or encryption). */
const HASHING = /hash|crypt|argon|scrypt|pbkdf|digest|make_password|encode_password|derive|kdf/i;
/** SQL that writes a row. */
const WRITING_SQL = /^\s*(?:insert|update|replace|upsert|merge)\b/i;
/** Methods that store the values they are given: ORM managers and document stores. */
const STORING_METHODS: ReadonlySet<string> = new Set([
  'create', 'get_or_create', 'update_or_create', 'bulk_create', 'insert', 'insert_one', 'insert_many', 'update_one',
  'update_many', 'replace_one', 'find_one_and_update', 'put_item', 'set',
]);
/** Classes named so take a password to use it (log in, connect), not to store it. */
const NOT_A_RECORD = /(?:Form|Schema|Serializer|Request|Credentials?|Auth|Login|Client|Connection|Session|Config|Settings|Adapter|Handler|Validator|Error|Exception)$/;
/** Objects whose `.password` is not a stored record's field. */
const NOT_A_RECORD_OBJECT = /^(?:self|cls|form|args|request|req|config|conf|settings|options|opts|params|ctx|context)$/;

export default defineRule({
  meta: {
    id: 'VG313',
    name: 'plaintext-password-storage',
    title: 'Password from a request stored without hashing',
    cwe: [256, 312],
    severity: 'high',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags a password that comes with a request (a form or JSON field named `password`, a route parameter `password`) written to storage as it is: a parameter of an `INSERT`/`UPDATE` statement, the `password=` of a model being created (`User(password=…)`, `User.objects.create(password=…)`), a document stored with a `"password"` field (`insert_one`, `update_one`), or `user.password = …`. The finding carries the path from the request.',
      whyIsThisBad:
        'Whoever reads the table — through an SQL injection, a leaked backup, a log of queries, an administrator — gets every user\'s password, and since people reuse passwords, their accounts elsewhere too. Stored passwords must be hashed with a slow, salted password hash, so that a leak gives only hashes that are expensive to crack.',
      example: [
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.post("/register")',
        'def register():',
        '    db.execute("INSERT INTO users (name, password) VALUES (?, ?)", (request.form["name"], request.form["password"]))',
        '    return "ok"',
      ].join('\n'),
      useInstead: [
        'from flask import Flask, request',
        'from werkzeug.security import generate_password_hash',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.post("/register")',
        'def register():',
        '    hashed = generate_password_hash(request.form["password"])  # scrypt or PBKDF2, salted',
        '    db.execute("INSERT INTO users (name, password) VALUES (?, ?)", (request.form["name"], hashed))',
        '    return "ok"',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/256.html',
        'https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html',
        'https://werkzeug.palletsprojects.com/en/stable/utils/#werkzeug.security.generate_password_hash',
        'https://docs.djangoproject.com/en/stable/topics/auth/passwords/',
      ],
      knownProblems:
        'A password is recognised by its name (`password`, `passwd`, `pwd`, `passphrase`, a name bound once to one) and must come from request data in the same file; one read under another name (`secret = request.form["p"]`) is missed. A value that went through a call whose name says it hashes, encrypts or derives a key (`generate_password_hash`, `bcrypt.hashpw`, `make_password`, `encrypt`) counts as protected: weak hashes are VG304\'s. Django\'s `create_user()` and `set_password()` hash, and are not reported; `objects.create(password=…)` does not, and is.',
    },
  },
  usesFlow: true,
  create(context) {
    const { model } = context;

    /** The request data a password expression carries, with its path: null when it is not one, or was hashed. */
    const plainPassword = (node: SyntaxNode): { node: SyntaxNode; taint: Taint } | null => {
      const expr = unparenthesize(node);
      if (!namesPassword(model, expr)) return null;
      const taint = context.flow.taintOf(expr);
      return taint && taint.kinds & kindBit('remote') ? { node: expr, taint } : null;
    };

    const report = (value: SyntaxNode, where: string, sink: SyntaxNode): void => {
      const found = plainPassword(value);
      if (!found) return;
      const message = `\`${codeSnippet(found.node, 40)}\` from the request is stored as it is (${where}): anyone who reads the table gets the password; store a salted password hash (\`werkzeug.security.generate_password_hash\`, \`bcrypt.hashpw\`, Django's \`make_password\`) instead`;
      context.report(withFlow({ at: found.node, message }, evidenceAt(found.taint, sink, found.node, 'it is stored here'), 'high', context.meta));
    };

    return {
      call(call) {
        const args = callArguments(call);
        const method = calleeName(call) ?? '';
        // `cursor.execute("INSERT INTO users (name, password) VALUES (?, ?)", (name, password))`
        if (method === 'execute' || method === 'executemany') {
          const sql = args.positional[0];
          const text = sql ? model.constantText(sql) : null;
          const params = args.positional[1];
          if (text === null || !params || !WRITING_SQL.test(text)) return;
          const container = unparenthesize(params);
          const items = container.type === 'dictionary' ? container.namedChildren.map((pair) => pair.child('value')).filter((item): item is SyntaxNode => !!item) : container.type === 'tuple' || container.type === 'list' ? container.namedChildren : [];
          for (const item of items) report(item, 'a parameter of the SQL statement that writes the row', call);
          return;
        }
        // `User(username=u, password=p)`, `User.objects.create(password=p)`.
        const fn = call.child('function');
        const name = fn ? terminalName(unparenthesize(fn)) ?? '' : '';
        const isRecord = (/^[A-Z]/.test(name) && !NOT_A_RECORD.test(name)) || STORING_METHODS.has(method);
        if (!isRecord) return;
        for (const [keyword, value] of args.keywords) {
          const secret = secretName(keyword);
          if (secret && PASSWORD_WORDS.has(secret.word)) report(value, `\`${keyword}=\` of \`${codeSnippet(fn!, 30)}()\``, call);
        }
        // `users.insert_one({"name": n, "password": p})`
        if (STORING_METHODS.has(method)) {
          for (const argument of args.positional) {
            const document = unparenthesize(argument);
            if (document.type !== 'dictionary') continue;
            for (const pair of document.namedChildren) {
              const key = pair.child('key');
              const text = key ? stringLiteralValue(key) : null;
              const secret = text ? secretName(text) : null;
              if (secret && PASSWORD_WORDS.has(secret.word) && pair.child('value')) report(pair.child('value')!, `the \`"${text}"\` field of the stored document`, call);
            }
          }
        }
      },
      assignment(assignment) {
        // `user.password = request.form["password"]` (then saved).
        const left = assignment.child('left');
        const right = assignment.child('right');
        if (left?.type !== 'attribute' || !right) return;
        const object = unparenthesize(left.child('object')!);
        const field = left.child('attribute')?.text ?? '';
        const secret = secretName(field);
        if (!secret || !PASSWORD_WORDS.has(secret.word) || object.type !== 'identifier' || NOT_A_RECORD_OBJECT.test(object.text)) return;
        report(right, `assigned to the record's \`${field}\``, assignment);
      },
    };
  },
});

/**
 * Whether an expression is a password by its name: a read of one (`password`, `request.form["password"]`,
 * `data.get("passwd")`, `form.password.data`), or a name bound once to such a read; not when a call on the way
 * hashes it (`password = generate_password_hash(raw)`).
 */
function namesPassword(model: SemanticModel, expr: SyntaxNode, depth = 0): boolean {
  if (depth > 3) return false;
  const node = expr.type === 'attribute' && expr.child('attribute')?.text === 'data' ? unparenthesize(expr.child('object')!) : expr;
  const reference = secretReference(node);
  if (expr.type === 'identifier') {
    const value = model.singleValue(expr);
    if (value) {
      const inner = unparenthesize(value);
      if (inner.type === 'call' && HASHING.test(terminalName(inner.child('function') ?? inner) ?? '')) return false;
      if (namesPassword(model, inner, depth + 1)) return true;
    }
  }
  if (!reference || !PASSWORD_WORDS.has(reference.secret.word)) return false;
  // `.strip()`-like calls keep it a password; a hashing call does not.
  return !(node.type === 'call' && HASHING.test(calleeName(node) ?? ''));
}
