import type { SemanticModel } from '../../semantic/model';
import type { StringPart } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { calleeName, calleeReceiver, nameWords, terminalName, unparenthesize } from '../../syntax/python';
import { placeholderOf } from './splicedValues';

/** What SQL text looks like, where a query goes, and where a string is only a message. */

const LEADING_NOISE = /^(?:\s+|\(|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;

const SQL_KEYWORDS = new Set([
  'select', 'insert', 'update', 'delete', 'replace', 'merge', 'upsert', 'with', 'create', 'drop', 'alter', 'truncate',
  'grant', 'revoke', 'call', 'exec', 'execute', 'pragma', 'show', 'describe', 'desc', 'explain', 'set', 'begin',
  'commit', 'rollback', 'savepoint', 'release', 'start', 'declare', 'use', 'copy', 'vacuum', 'analyze', 'analyse',
  'lock', 'comment', 'reindex', 'cluster', 'attach', 'detach', 'values', 'table', 'refresh', 'listen', 'notify',
  'load', 'rename', 'optimize', 'do', 'reset', 'discard', 'prepare', 'deallocate', 'unlisten', 'checkpoint',
]);

/**
 * Statement openings that are SQL and hardly anything else. `SHOW`, `SET`, `CALL`, `UPDATE` alone are also
 * commands of shells, network devices and package managers.
 */
const UNMISTAKABLE_SQL = new RegExp(
  '^(?:' +
    [
      'select\\s',
      'insert\\s+(?:into|ignore|or)\\b',
      'update\\s+\\S+\\s+set\\s',
      'delete\\s+from\\b',
      'replace\\s+into\\b',
      'merge\\s+into\\b',
      'upsert\\s',
      '(?:create|drop|alter)\\s+(?:or\\s+replace\\s+)?(?:temp\\s+|temporary\\s+|unique\\s+|materialized\\s+)?(?:table|view|index|database|schema|sequence|function|procedure|trigger|extension|type|role|user)\\b',
      'truncate\\s+(?:table\\s+)?\\S',
      '(?:grant|revoke)\\s',
      'pragma\\s',
      'explain\\s',
      'vacuum\\b',
      'with\\s+(?:recursive\\s+)?\\S+\\s+as\\s*\\(',
    ].join('|') +
    ')',
  'i',
);

/**
 * Whether a template starts (after whitespace, parentheses and comments) with an SQL keyword: `unmistakable`
 * for statement openings only SQL has (`SELECT …`, `DELETE FROM`, `UPDATE t SET`), `keyword` for words that
 * are also commands elsewhere (`SHOW`, `SET`, `CALL`, `BEGIN`).
 */
export function sqlOpening(template: string): 'unmistakable' | 'keyword' | null {
  const rest = template.replace(LEADING_NOISE, '');
  if (UNMISTAKABLE_SQL.test(rest)) return 'unmistakable';
  const word = /^[A-Za-z]+/.exec(rest)?.[0];
  if (!word || !SQL_KEYWORDS.has(word.toLowerCase())) return null;
  // A keyword followed by a space, a `?` (spliced value), `*`, `(`, `;` or the end.
  return /^[A-Za-z]+(?:\s|\*|\?|\(|;|$)/.test(rest) ? 'keyword' : null;
}

const STATEMENT =
  /^(?:select\s[\s\S]*?\bfrom\b|insert\s+(?:or\s+\w+\s+|ignore\s+)?into\b|update\s+\S+\s+set\s|delete\s+from\b)/i;
/** Words SQL does not use but sentences do: "Select the file from …", "Update your profile and set …". */
const PROSE = /\b(?:the|an|your|you|please|this|these|that|which|will|was|were|could|couldn't|failed|to|has|have|been|successfully)\b/i;

/**
 * Whether a template strictly looks like a data statement (`SELECT … FROM`, `INSERT INTO`, `UPDATE … SET`,
 * `DELETE FROM`), at its very start, and not like a sentence.
 */
export function looksLikeStatement(template: string): boolean {
  const rest = template.replace(/^\s*(?:\(\s*)?/, '');
  if (!STATEMENT.test(rest)) return false;
  const outsideQuotes = rest.replace(/'[^']*'/g, "''");
  return !PROSE.test(outsideQuotes.slice(0, 120));
}

/** Whether the template has any literal text at all (not only spliced values and whitespace). */
export function hasLiteralText(parts: readonly StringPart[]): boolean {
  return parts.some((part) => part.kind === 'text' && part.text.trim().length > 0);
}

/** How each unsafe value sits in the query, which decides what to tell the user. */
export interface ValueRoles {
  /** Values in a place where a query parameter can go. */
  readonly parameters: SyntaxNode[];
  /** Values where SQL expects a table or column name (`FROM ?`, `ORDER BY ?`, `"?"`): cannot be parameters. */
  readonly names: SyntaxNode[];
  /** Lists joined into the text (`IN (" + ",".join(ids) + ")`): the list itself, e.g. `ids`. */
  readonly lists: SyntaxNode[];
  /** Values that start the text: SQL fragments themselves (`base + " WHERE …"`). */
  readonly fragments: SyntaxNode[];
}

const NAME_POSITION = [
  /\bset\s+[\w.]+\s+(?:to|=)\s*[`"']?$/i,
  /\binsert\s+(?:into\s+)?\S+\s*\([^)]*$/i,
  /\b(?:from|join|into|update|table|exists|by|as|index|view|schema|database|truncate|describe|alter\s+table|drop\s+table)\s*[`"[]?$/i,
  /[\w`"\]]\.$/,
  /(?:^|[\s,(])[`"[]$/,
  /\bselect\s+(?:distinct\s+)?$/i,
];

/** How much of the text before a value `valueRoles` keeps: more than `isNamePosition` reads. */
const TEXT_BEFORE = 256;

function isNamePosition(prefix: string, suffix: string): boolean {
  const tail = prefix.slice(-40);
  if (NAME_POSITION.some((pattern) => pattern.test(tail))) return true;
  // `WHERE ? = %s`, `AND ? IN (…)`, `SET ? = …`: a column compared or assigned.
  return (
    /(?:\bwhere|\band|\bor|\bset|\bon|,|\()\s*$/i.test(tail) &&
    /^\s*(?:=|<|>|!=|<>|\bin\b|\blike\b|\bilike\b|\bis\b|\bbetween\b|\bnot\b)/i.test(suffix)
  );
}

/**
 * Sorts the unsafe values of a shape by role. A value that is itself a string built from data (`"%s = %%s" % k`
 * joined into a WHERE clause) is described by the values inside it.
 */
export function valueRoles(
  model: SemanticModel,
  parts: readonly StringPart[],
  unsafe: readonly SyntaxNode[],
  isUnsafe: (node: SyntaxNode) => boolean,
  roles: ValueRoles = { parameters: [], names: [], lists: [], fragments: [] },
  depth = 0,
): ValueRoles {
  const wanted = new Set(unsafe);
  // The text before the current value: only its end matters (`isNamePosition` reads the last 40 characters) and
  // whether it is all blank. Keeping just that keeps a 200,000-part query linear (a growing string, sliced for each
  // value, would be copied each time).
  let before = '';
  let blank = true;
  const append = (text: string): void => {
    if (blank && text.trim() !== '') blank = false;
    before = (before + text).slice(-TEXT_BEFORE);
  };
  parts.forEach((part, index) => {
    if (part.kind === 'text') {
      append(part.text);
      return;
    }
    const value = part.node;
    const running = before;
    const runningBlank = blank;
    append('?');
    if (!wanted.has(value)) return;
    wanted.delete(value);
    const placeholder = placeholderOf(model, value);
    const next = parts[index + 1];
    const prefix = placeholder ? placeholder.template.slice(0, placeholder.offset) : running;
    const suffix = placeholder
      ? placeholder.template.slice(placeholder.offset + placeholder.length)
      : next?.kind === 'text' ? next.text : '';
    const list = listSource(value) ?? (isJoined(value) ? value : null);
    const nested = depth < 3 && !list ? model.stringShape(value) : null;
    const nestedUnsafe = nested ? nested.parts.flatMap((inner) => (inner.kind === 'value' && isUnsafe(inner.node) ? [inner.node] : [])) : [];
    if (nested && nestedUnsafe.length > 0 && !nestedUnsafe.includes(value)) {
      valueRoles(model, nested.parts, nestedUnsafe, isUnsafe, roles, depth + 1);
    } else if (placeholder ? prefix.trim() === '' : runningBlank) {
      // At the start: a column when a comparison follows (`"%s = %%s" % k`), else an SQL fragment.
      if (isNamePosition('where ', suffix)) roles.names.push(list ?? value);
      else roles.fragments.push(value);
    } else if (isNamePosition(prefix, suffix)) roles.names.push(list ?? value);
    else if (list) roles.lists.push(list);
    else roles.parameters.push(value);
  });
  for (const value of wanted) roles.parameters.push(value);
  return roles;
}

/** `ids` in `",".join(ids)`. */
function isJoined(value: SyntaxNode): boolean {
  let node = value;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const call = node.parent?.type === 'argument_list' ? node.parent.parent : null;
  return !!call && call.type === 'call' && calleeName(call) === 'join' && !!calleeReceiver(call);
}

/** The list a value joins into text: `ids` for `",".join(ids)`, `map(str, ids)`, `(str(i) for i in ids)`. */
function listSource(value: SyntaxNode, depth = 0): SyntaxNode | null {
  if (depth > 4) return null;
  const expr = unparenthesize(value);
  const inner = (node: SyntaxNode | undefined): SyntaxNode | null => (node ? listSource(node, depth + 1) ?? unparenthesize(node) : null);
  if (expr.type === 'call') {
    const name = calleeName(expr);
    const list = expr.child('arguments');
    const args = list?.type === 'argument_list' ? list.namedChildren : list ? [list] : [];
    if (name === 'join' && calleeReceiver(expr) && args.length === 1) return inner(args[0]);
    if (name === 'map' && !calleeReceiver(expr) && args.length >= 2) return inner(args[args.length - 1]);
    return null;
  }
  if (['generator_expression', 'list_comprehension'].includes(expr.type) && depth > 0) {
    const clause = expr.namedChildren.find((child) => child.type === 'for_in_clause');
    return inner(clause?.child('right') ?? undefined);
  }
  return null;
}

const DB_WORDS = new Set([
  'cursor', 'cur', 'curs', 'crsr', 'cr', 'conn', 'connection', 'connections', 'con', 'cnx', 'cnxn', 'db', 'database',
  'session', 'sess', 'engine', 'sqlite', 'sqlite3', 'psycopg', 'psycopg2', 'pg', 'mysql', 'dbapi', 'sql', 'transaction',
  'txn', 'connect', 'postgres', 'postgresql', 'oracle', 'mssql', 'duckdb', 'snowflake',
]);

function isDatabaseName(name: string | null, extra: ReadonlySet<string>): boolean {
  if (!name) return false;
  return nameWords(name).some(
    (word) =>
      DB_WORDS.has(word) ||
      extra.has(word) ||
      /(?:cursor|conn|session|engine)$/.test(word) ||
      /^(?:db|sql|pg)(?:cursor|conn|session|engine|con)?$/.test(word),
  );
}

/** The name an expression is known by: `cursor` for `self.cursor`, `cursor` for `conn.cursor()`. */
function receiverName(expression: SyntaxNode): string | null {
  const expr = unparenthesize(expression);
  if (expr.type === 'call') {
    const fn = expr.child('function');
    return fn ? terminalName(fn) : null;
  }
  return terminalName(expr);
}

/**
 * Whether the object a method is called on looks like a database handle: its name (`cursor`, `self._conn`,
 * `db.session`, `connection.cursor()`), or for a plain name, what it was given (`c = conn.cursor()`,
 * `with engine.connect() as c`).
 */
export function isDatabaseReceiver(model: SemanticModel, receiver: SyntaxNode, extra: ReadonlySet<string> = new Set()): boolean {
  const expr = unparenthesize(receiver);
  if (isDatabaseName(receiverName(expr), extra)) return true;
  if (expr.type === 'attribute') {
    // `self.db.execute`, `db.session.execute`: the owner may carry the hint.
    const object = expr.child('object');
    if (object && object.type !== 'identifier') return isDatabaseName(receiverName(object), extra);
    if (object && object.text !== 'self' && object.text !== 'cls') return isDatabaseName(object.text, extra);
    return false;
  }
  if (expr.type === 'call') {
    const owner = calleeReceiver(expr);
    return !!owner && isDatabaseName(receiverName(owner), extra);
  }
  if (expr.type === 'identifier') {
    const bindings = model.bindingsOf(expr);
    if (bindings.length !== 1) return false;
    const value = bindings[0]!.value;
    if (!value || !['assignment', 'walrus', 'with'].includes(bindings[0]!.kind)) return false;
    const inner = unparenthesize(value);
    if (inner.type !== 'call' && inner.type !== 'attribute') return false;
    if (isDatabaseName(receiverName(inner), extra)) return true;
    const owner = inner.type === 'call' ? calleeReceiver(inner) : inner.child('object');
    if (owner) {
      const qualified = model.qualifiedName(owner);
      if (qualified && /^(?:sqlite3|psycopg2?|pymysql|MySQLdb|mysql|cx_Oracle|oracledb|pyodbc|sqlalchemy|duckdb|asyncpg|aiosqlite|pymssql|snowflake|ibm_db)\b/.test(qualified)) {
        return true;
      }
      return isDatabaseName(receiverName(owner), extra);
    }
  }
  return false;
}

const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log', 'trace', 'notice', 'success']);
const MESSAGE_FUNCTIONS = new Set([
  'print', 'pprint', 'echo', 'secho', 'flash', 'fail', 'skip', 'xfail', 'exit', 'abort', 'gettext', 'ngettext', 'pgettext',
  'ugettext', 'ungettext', 'gettext_lazy', 'ugettext_lazy', 'ngettext_lazy', 'pgettext_lazy', 'lazy_gettext', '_', '_l',
  '_lazy', 'N_', 'translate', 'add_message', 'set_description', 'set_postfix_str', 'tqdm', 'progress', 'status',
]);

/** A call whose argument is a message for people: logging, printing, exceptions, translation, test assertions. */
export function isMessageCall(model: SemanticModel, call: SyntaxNode): boolean {
  const name = calleeName(call);
  if (!name) return false;
  const receiver = calleeReceiver(call);
  if (receiver) {
    if (LOG_METHODS.has(name)) return true;
    if (name === 'write' || name === 'writelines') {
      const owner = terminalName(receiver);
      return !!owner && /^(?:stdout|stderr|console|out|err)$/.test(owner.replace(/^_+/, ''));
    }
    if (/^assert/i.test(name)) return true;
  }
  if (MESSAGE_FUNCTIONS.has(name)) return true;
  if (/^(?:warn|warning|warnings)$/.test(name)) return true;
  // Exception constructors: `ValueError(...)`, `errors.DatabaseError(...)`.
  if (/(?:Error|Exception|Warning|Exit|Failure|Fault|Abort|Invalid)$/.test(name) && /^[A-Z]/.test(name)) return true;
  const qualified = model.calleeQualifiedName(call);
  return qualified === 'warnings.warn' || qualified === 'Exception' || qualified === 'BaseException';
}

/**
 * Whether an expression's value only ever becomes a message or a comparison: an argument (at any depth) of a
 * message call, part of a `raise` or `assert`, an operand of `==`/`in`.
 */
export function isInMessageContext(model: SemanticModel, node: SyntaxNode): boolean {
  for (let current: SyntaxNode = node, parent = node.parent; parent; current = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'raise_statement':
      case 'assert_statement':
      case 'comparison_operator':
        return true;
      case 'call':
        if (current.field === 'arguments') return isMessageCall(model, parent);
        // The string is the callee's object (`"...".format(x)`) or the callee: keep looking outwards.
        break;
      case 'function_definition':
      case 'class_definition':
      case 'lambda':
      case 'module':
      case 'block':
        return false;
      default:
        if (parent.type.endsWith('_statement') && parent.type !== 'expression_statement') return false;
    }
  }
  return false;
}
