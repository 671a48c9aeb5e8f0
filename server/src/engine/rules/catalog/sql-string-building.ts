import { defineRule, type Report } from '../rule';
import { flowReport, flowSteps, producer, sourceKind, sourceOf } from '../flowRule';
import { conceptBit, kindBit } from '../../flow/concepts';
import type { FlowHit } from '../../flow/interpreter';
import { shapeTemplate, shapeValues, type StringBuilding, type StringShape } from '../../semantic/model';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { calleeName, calleeReceiver, callArguments, hasInterpolation, unparenthesize } from '../../syntax/python';
import { UnitNodeIndex } from '../../analysis/units';
import { SplicedValues, codeText, isInsideUnit, listCode } from '../support/splicedValues';
import {
  hasLiteralText,
  valueRoles,
  type ValueRoles,
  isDatabaseReceiver,
  isInMessageContext,
  isMessageCall,
  looksLikeStatement,
  sqlOpening,
} from '../support/sqlQueries';

type SinkKind = 'execute' | 'raw' | 'text' | 'rawsql' | 'read_sql' | 'extra';

/** One SQL text a sink receives: the query argument, or one entry of `.extra(where=[...])`. */
interface SinkQuery {
  readonly node: SyntaxNode;
  /** `.extra` keyword the text came from. */
  readonly keyword?: string;
}

interface Sink {
  readonly call: SyntaxNode;
  readonly kind: SinkKind;
  /** How the message names the call: `cursor.execute()`. */
  readonly display: string;
  readonly queries: readonly SinkQuery[];
  /** `execute`/`raw` are common method names: the text must look like SQL or the receiver like a database. */
  readonly generic: boolean;
  readonly receiver: SyntaxNode | null;
}

const EXECUTE_METHODS = new Set(['execute', 'executemany', 'executescript', 'exec_driver_sql']);
const EXECUTE_KEYWORDS = ['sql', 'statement', 'query', 'operation', 'sql_script'];
const TEXT_FUNCTIONS = new Set(['sqlalchemy.text', 'sqlalchemy.sql.text', 'sqlalchemy.sql.expression.text']);
const RAW_SQL = new Set(['django.db.models.expressions.RawSQL', 'django.db.models.RawSQL']);
const READ_SQL = new Set([
  'pandas.read_sql',
  'pandas.read_sql_query',
  'pandas.io.sql.read_sql',
  'pandas.io.sql.read_sql_query',
]);
const EXTRA_KEYWORDS = ['where', 'select', 'tables', 'order_by'];
/** Calls that quote or escape a value for SQL: what they return cannot break out of its place. */
const SANITIZERS = new Set([
  'quote_name', 'quote_ident', 'quote_identifier', 'quote_table', 'quote_column', 'quote_literal', 'escape_string',
  'escape_identifier', 'escape_literal', 'escape', 'literal', 'mogrify', 'quote', 'qn', 'sql_quote', 'escape_like',
]);
/** Django managers: `Model.objects.raw(...)`. */
const MANAGER_WORDS = new Set(['objects', 'manager', 'queryset', 'qs']);

const BUILDING_PHRASE: Record<StringBuilding, string> = {
  literal: 'string building',
  'f-string': 'an f-string',
  concatenation: 'string concatenation',
  '%-formatting': '%-formatting',
  'str.format()': '`str.format()`',
  'str.join()': '`str.join()`',
};

export default defineRule({
  usesFlow: true,
  meta: {
    id: 'VG101',
    name: 'sql-string-building',
    title: 'SQL query built from strings',
    cwe: [89],
    severity: 'high',
    confidence: 'high',
    status: 'stable',
    since: '0.1.0',
    bandit: ['B608', 'B610', 'B611'],
    ruff: ['S608', 'S610', 'S611'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags SQL text built from data with f-strings, `+`, `%`, `.format()` or `.join()` that reaches a database call (`cursor.execute`, SQLAlchemy `text()`, Django `raw`/`RawSQL`/`.extra`, `pandas.read_sql`). A string that looks like a complete SQL statement built from data but that Vigil does not see executed is reported as a note (severity `info`, low confidence): it may be executed elsewhere.',
      whyIsThisBad:
        "When a value is pasted into the query text, the database cannot tell the value from the SQL around it: a name like `x' OR '1'='1` or `1; DROP TABLE users` changes what the statement does. That lets an attacker read other users' rows, bypass a login check or modify data. Query parameters send the values separately from the SQL, so they can never be parsed as SQL.",
      example: [
        'from sqlalchemy import text',
        '',
        '',
        'def find_user(cursor, name):',
        '    cursor.execute(f"SELECT id, email FROM users WHERE name = \'{name}\'")',
        '    return cursor.fetchone()',
        '',
        '',
        'def recent_orders(session, customer_id, days):',
        '    query = "SELECT * FROM orders WHERE customer_id = %s AND age < %s" % (customer_id, days)',
        '    return session.execute(text(query)).all()',
      ].join('\n'),
      useInstead: [
        'from sqlalchemy import text',
        '',
        '',
        'def find_user(cursor, name):',
        '    # The driver sends `name` separately; the placeholder is %s, ? or :name depending on the driver.',
        '    cursor.execute("SELECT id, email FROM users WHERE name = %s", (name,))',
        '    return cursor.fetchone()',
        '',
        '',
        'def recent_orders(session, customer_id, days):',
        '    query = text("SELECT * FROM orders WHERE customer_id = :customer AND age < :days")',
        '    return session.execute(query.bindparams(customer=customer_id, days=days)).all()',
        '',
        '',
        'ALLOWED_SORT = {"name", "created"}',
        '',
        '',
        'def sorted_users(cursor, column):',
        '    # Table and column names cannot be parameters: check them against a fixed set.',
        '    if column not in ALLOWED_SORT:',
        '        raise ValueError(column)',
        '    cursor.execute(f"SELECT id FROM users ORDER BY {column}")',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/89.html',
        'https://owasp.org/www-community/attacks/SQL_Injection',
        'https://peps.python.org/pep-0249/#paramstyle',
        'https://docs.python.org/3/library/sqlite3.html#sqlite3-placeholders',
        'https://www.psycopg.org/docs/usage.html#passing-parameters-to-sql-queries',
        'https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text',
        'https://docs.djangoproject.com/en/stable/topics/db/sql/',
      ],
      knownProblems: [
        'Values that are data but never user input (a table name read from a class attribute, `user.id`, a setting) are still flagged: Vigil does not know where they come from. Check them against a fixed set (`if table not in ALLOWED: raise …` and `if table in ALLOWED:` are recognised, as are lookups in a dict of constants) or suppress the line.',
        'Not flagged, on purpose: spliced numbers (`int(x)`, `len(x)`, `%d`, `{x:d}`), constants, repeated placeholders (`",".join("?" * len(ids))`), lists that only ever receive constant strings (`clauses.append("a = %s")`), timestamps and UUIDs, and values passed through quoting functions (`quote_name`, `quote_ident`, `escape_string`; Vigil does not check that they quote correctly). A check Vigil does not recognise (a regex match, `isidentifier()`, an `assert`) does not clear a value.',
        '`execute()` on an object whose name does not suggest a database is only judged when the text opens like an SQL statement (`SELECT …`, `INSERT INTO`, `UPDATE … SET`, `DELETE FROM`, `CREATE TABLE`…); words such as `SHOW`, `SET` or `CALL` alone are device and shell commands too.',
        'Missed: queries passed in through a parameter or an attribute, queries taken from a loop variable or a container (`queries[name]`), `.extra()` entries given through a list built elsewhere, and sinks Vigil does not know (`spark.sql`, `asyncpg` `fetch`): for those, a string that is a whole data statement (`SELECT … FROM`, `INSERT INTO`, `UPDATE … SET`, `DELETE FROM`) built from data is still reported as a note when it is returned, stored or passed to a call, but not when it only reaches a log message, an exception or a comparison.',
      ].join(' '),
    },
  },
  create(context) {
    const { model, unit } = context;
    const values = new SplicedValues(model, unit, SANITIZERS);
    const sinks: Sink[] = [];
    const candidates: SyntaxNode[] = [];

    return {
      call(call) {
        const sink = classifySink(model, call);
        if (sink) sinks.push(sink);
        const method = calleeName(call);
        if (calleeReceiver(call) && (method === 'format' || method === 'format_map' || method === 'join')) candidates.push(call);
      },
      binary_operator(node) {
        if (node.hasToken('+') || node.hasToken('%')) candidates.push(node);
      },
      string(node) {
        if (hasInterpolation(node)) candidates.push(node);
      },
      concatenated_string(node) {
        if (node.namedChildren.some((piece) => hasInterpolation(piece))) candidates.push(node);
      },
      'unit:exit'() {
        // Data from a request or the command line that reaches an executor, by the flow layer (also through helpers).
        const flowHits = new Map<SyntaxNode, FlowHit>();
        for (const hit of context.flow.hits) if (hit.concept === 'sql' && !flowHits.has(hit.sink)) flowHits.set(hit.sink, hit);
        const reported = new Map<SyntaxNode, { report: Report; related: Array<{ at: SyntaxNode; message: string }> }>();
        for (const sink of sinks) {
          for (const query of sink.queries) {
            const shape = model.stringShape(query.node);
            if (!shape) continue;
            const unsafe = values.unsafeValues(shapeValues(shape));
            if (unsafe.length === 0) continue;
            if (sink.generic && !looksLikeQuery(model, sink, shape)) continue;
            const originInUnit = isInsideUnit(shape.origin, unit);
            const at = originInUnit ? shape.origin : query.node;
            const executedHere = { at: sink.call, message: `\`${sink.display}\` runs the query here` };
            const existing = reported.get(at);
            if (existing) {
              existing.related.push(executedHere);
              continue;
            }
            const related: Array<{ at: SyntaxNode; message: string }> = [];
            if (!sink.call.contains(at)) related.push(executedHere);
            if (!originInUnit) related.push({ at: shape.origin, message: 'the query is built here' });
            const codes = sink.kind === 'extra' ? ['B610', 'S610'] : sink.kind === 'rawsql' ? ['B611', 'S611'] : ['B608', 'S608'];
            const hit = flowHits.get(sink.call);
            flowHits.delete(sink.call);
            reported.set(at, {
              related,
              report: {
                at,
                message: sinkMessage(model, values, sink, query, shape, unsafe) + (hit ? `; the data comes from ${sourceKind(hit)} (${sourceOf(hit)})` : ''),
                ...(hit ? { flow: flowSteps(hit) } : {}),
                bandit: [codes[0]!],
                ruff: [codes[1]!],
              },
            });
          }
        }
        for (const { report, related } of reported.values()) context.report({ ...report, related });
        // Flows the string shapes above do not show: a query built by a helper function, or passed in whole.
        for (const hit of flowHits.values()) {
          if (!(hit.taint.kinds & (kindBit('remote') | kindBit('local')))) continue;
          // An argument vector is no SQL: `utils.execute(["ip", "link", dev])` is some other `execute`. Django's
          // `.extra(where=[…], order_by=[…])` takes lists of SQL fragments.
          if (calleeName(hit.sink) !== 'extra' && isArgumentVector(model, hit.argument)) continue;
          // The query was already reported where it was built: `conn.execute(text(q))`, `stmt = text(q); conn.execute(stmt)`.
          const made = producer(context, hit.argument) ?? unparenthesize(hit.argument);
          if ([...reported.keys()].some((at) => made.contains(at) || hit.argument.contains(at))) continue;
          context.report({
            ...flowReport(hit, 'high', `SQL query built from ${sourceKind(hit)} (${sourceOf(hit)}): ${hit.label}; pass the values as query parameters and check table or column names against a fixed set`),
            bandit: ['B608'],
            ruff: ['S608'],
          });
        }

        // Statements built from data that no sink in this unit receives. A statement the flow layer saw reach an SQL
        // sink (one of a library model or of the project configuration) was reported above, and one whose spliced
        // values a sanitizer cleaned for SQL is safe.
        const sqlHitSinks = context.flow.hits.filter((hit) => hit.concept === 'sql').map((hit) => hit.sink);
        const cleanForSql = (value: SyntaxNode): boolean => {
          const taint = context.flow.taintOf(value);
          return !!taint && (taint.clean & conceptBit('sql')) !== 0;
        };
        const fed = fedExpressions(model, sinks);
        const uses = new UnitNodeIndex(unit, (node) => (node.type === 'identifier' ? node.text : null));
        for (const candidate of candidates) {
          if (isComposedInto(candidate)) continue;
          const shape = model.stringShape(candidate);
          if (!shape) continue;
          const template = shapeTemplate(shape);
          if (!looksLikeStatement(template)) continue;
          const unsafe = values.unsafeValues(shapeValues(shape));
          if (unsafe.length === 0) continue;
          if (reported.has(candidate) || isFed(fed, candidate)) continue;
          if (sqlHitSinks.some((sink) => sink.contains(candidate)) || unsafe.every(cleanForSql)) continue;
          if (!escapes(model, uses, candidate)) continue;
          context.report({
            at: candidate,
            message: statementMessage(model, values, shape, unsafe),
            // Not seen executed: it may be run elsewhere, or be a message; a note until a flow shows it reaching a sink.
            severity: 'info',
            confidence: 'low',
            bandit: ['B608'],
            ruff: ['S608'],
          });
        }
      },
    };
  },
});

function display(call: SyntaxNode): string {
  const fn = call.child('function');
  if (!fn) return 'call()';
  // Broken code can glue lines into the receiver: then name only the method.
  if (fn.text.includes('\n')) return `.${calleeName(call) ?? 'call'}()`;
  return `${codeText(fn, 40)}()`;
}

function classifySink(model: SemanticModel, call: SyntaxNode): Sink | null {
  const name = calleeName(call);
  const receiver = calleeReceiver(call);
  const args = callArguments(call);
  const first = (...keywords: string[]): SinkQuery[] => {
    const node = args.positional[0] ?? keywords.map((keyword) => args.keywords.get(keyword)).find((value) => !!value);
    return node ? [{ node }] : [];
  };
  if (receiver && name && EXECUTE_METHODS.has(name)) {
    return { call, kind: 'execute', display: display(call), queries: first(...EXECUTE_KEYWORDS), generic: name === 'execute', receiver };
  }
  if (receiver && name === 'raw') {
    return { call, kind: 'raw', display: display(call), queries: first('raw_query'), generic: true, receiver };
  }
  if (receiver && name === 'extra') {
    const queries: SinkQuery[] = [];
    for (const keyword of EXTRA_KEYWORDS) {
      const value = args.keywords.get(keyword);
      if (!value) continue;
      for (const node of containerEntries(model, value, keyword === 'select')) queries.push({ node, keyword });
    }
    if (queries.length === 0) return null;
    return { call, kind: 'extra', display: display(call), queries, generic: false, receiver };
  }
  const qualified = model.calleeQualifiedName(call);
  if (!qualified) return null;
  if (TEXT_FUNCTIONS.has(qualified)) return { call, kind: 'text', display: display(call), queries: first('text'), generic: false, receiver };
  if (RAW_SQL.has(qualified)) return { call, kind: 'rawsql', display: display(call), queries: first('sql'), generic: false, receiver };
  if (READ_SQL.has(qualified)) return { call, kind: 'read_sql', display: display(call), queries: first('sql'), generic: false, receiver };
  return null;
}

/** The entries of a list literal (or a dict literal's values), through one name bound to one. */
function containerEntries(model: SemanticModel, value: SyntaxNode, dictionary: boolean): SyntaxNode[] {
  let expr = unparenthesize(value);
  if (expr.type === 'identifier') {
    const bound = model.singleValue(expr);
    if (!bound) return [];
    expr = unparenthesize(bound);
  }
  if (dictionary && expr.type === 'dictionary') {
    return expr.namedChildren.flatMap((pair) => (pair.type === 'pair' && pair.child('value') ? [pair.child('value')!] : []));
  }
  if (expr.type === 'list' || expr.type === 'tuple') return expr.namedChildren.filter((item) => item.type !== 'list_splat');
  return [];
}

/**
 * For `execute`/`raw`: the text opens like an SQL statement (`SELECT …`, `DELETE FROM`), or the receiver is a
 * database handle and the text has SQL of its own (words such as `SHOW` or `SET` alone are commands elsewhere too).
 */
function looksLikeQuery(model: SemanticModel, sink: Sink, shape: StringShape): boolean {
  if (sqlOpening(shapeTemplate(shape)) === 'unmistakable') return true;
  if (!sink.receiver || !hasLiteralText(shape.parts)) return false;
  return isDatabaseReceiver(model, sink.receiver, sink.kind === 'raw' ? MANAGER_WORDS : undefined);
}

function advice(sink: Sink | null, query: SinkQuery | null, roles: ValueRoles): string[] {
  const result: string[] = [];
  const { parameters, names, lists, fragments } = roles;
  if (parameters.length > 0) {
    const them = parameters.some((node) => node.type.endsWith('splat'))
      ? `the values in ${listCode(parameters)}`
      : listCode(parameters);
    const plural = parameters.length === 1 && !parameters[0]!.type.endsWith('splat') ? 'as a query parameter' : 'as query parameters';
    switch (sink?.kind) {
      case 'text':
        result.push(`use \`:name\` placeholders and \`.bindparams()\` for ${them}`);
        break;
      case 'rawsql':
        result.push(`pass ${them} in \`RawSQL\`'s \`params\``);
        break;
      case 'extra':
        result.push(`pass ${them} through \`${query?.keyword === 'select' ? 'select_params' : 'params'}\``);
        break;
      case 'read_sql':
        result.push(`pass ${them} in \`params=\``);
        break;
      default:
        result.push(sink ? `pass ${them} ${plural}` : `when it is executed, pass ${them} ${plural}`);
    }
  }
  if (lists.length > 0) {
    result.push(`use one placeholder per item of ${listCode(lists)} and pass the items as parameters`);
  }
  if (names.length > 0) {
    const one = names.length === 1;
    result.push(`${listCode(names)} ${one ? 'stands' : 'stand'} where a table or column name goes: check ${one ? 'it' : 'them'} against a fixed set of names`);
  }
  if (fragments.length > 0) {
    result.push(`build ${listCode(fragments)} from constant SQL only`);
  }
  return result;
}

function roles(model: SemanticModel, shape: StringShape, unsafe: SyntaxNode[], values: SplicedValues): ValueRoles {
  return valueRoles(model, shape.parts, unsafe, (node) => !values.isHarmless(node));
}

function describedValues(valueRoles: ValueRoles): string {
  const { parameters, names, lists, fragments } = valueRoles;
  return listCode([...fragments, ...names, ...lists, ...parameters]);
}

function sinkMessage(model: SemanticModel, values: SplicedValues, sink: Sink, query: SinkQuery, shape: StringShape, unsafe: SyntaxNode[]): string {
  const valueRoles = roles(model, shape, unsafe, values);
  const how = `${BUILDING_PHRASE[shape.building]} of ${describedValues(valueRoles)}`;
  const head =
    sink.kind === 'extra'
      ? `SQL for \`.extra(${query.keyword}=…)\` built with ${how}`
      : `SQL query built with ${how} reaches \`${sink.display}\``;
  return [head, ...advice(sink, query, valueRoles)].join('; ');
}

function statementMessage(model: SemanticModel, values: SplicedValues, shape: StringShape, unsafe: SyntaxNode[]): string {
  const valueRoles = roles(model, shape, unsafe, values);
  const head = `SQL statement built with ${BUILDING_PHRASE[shape.building]} of ${describedValues(valueRoles)}`;
  return [head, ...advice(null, null, valueRoles)].join('; ');
}

/** Whether an expression is a piece of a larger string expression whose shape includes it. */
function isComposedInto(node: SyntaxNode): boolean {
  let current = node;
  while (current.parent?.type === 'parenthesized_expression') current = current.parent;
  const parent = current.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'binary_operator':
      return parent.hasToken('+') || (parent.hasToken('%') && current.field === 'left');
    case 'interpolation':
    case 'concatenated_string':
      return true;
    case 'attribute': {
      const method = parent.child('attribute')?.text;
      return current.field === 'object' && parent.parent?.type === 'call' && ['format', 'format_map', 'join'].includes(method ?? '');
    }
    case 'list':
    case 'tuple': {
      const call = parent.parent?.type === 'argument_list' ? parent.parent.parent : null;
      return !!call && calleeName(call) === 'join' && !!calleeReceiver(call);
    }
    default:
      return false;
  }
}

function isFed(fed: ReadonlySet<SyntaxNode>, node: SyntaxNode): boolean {
  for (let current: SyntaxNode | null = node; current; current = current.parent) if (fed.has(current)) return true;
  return false;
}

/**
 * Every expression whose text may become a sink's SQL: the query arguments and, the way string shapes are built
 * (through `+`, `%`, f-strings, `.format()`, `.join()` and names), what they are made of. A string passed
 * through some other call first (`execute(build(q))`) is not followed: that call decides what reaches the sink.
 */
function fedExpressions(model: SemanticModel, sinks: readonly Sink[]): Set<SyntaxNode> {
  const fed = new Set<SyntaxNode>();
  const work: SyntaxNode[] = sinks.flatMap((sink) => sink.queries.map((query) => query.node));
  while (work.length > 0 && fed.size < 5000) {
    const node = unparenthesize(work.pop()!);
    if (fed.has(node)) continue;
    fed.add(node);
    switch (node.type) {
      case 'identifier':
        for (const binding of model.bindingsOf(node)) {
          if (binding.value && ['assignment', 'augmented', 'walrus'].includes(binding.kind)) work.push(binding.value);
        }
        break;
      case 'string':
        for (const child of node.children) {
          const inner = child.type === 'interpolation' ? child.child('expression') : null;
          if (inner) work.push(inner);
        }
        break;
      case 'call': {
        const method = calleeName(node);
        const receiver = calleeReceiver(node);
        if (!receiver || !['format', 'format_map', 'join'].includes(method ?? '')) break;
        work.push(receiver);
        const list = node.child('arguments');
        if (list) work.push(...(list.type === 'argument_list' ? list.namedChildren : [list]));
        break;
      }
      case 'keyword_argument':
      case 'list_splat':
      case 'dictionary_splat': {
        const value = node.child('value') ?? node.namedChildren[0];
        if (value) work.push(value);
        break;
      }
      case 'binary_operator':
      case 'concatenated_string':
      case 'conditional_expression':
      case 'list':
      case 'tuple':
      case 'dictionary':
      case 'pair':
      case 'generator_expression':
      case 'list_comprehension':
        work.push(...node.namedChildren);
        break;
    }
  }
  return fed;
}

/**
 * Whether a statement built from data leaves for somewhere it may be executed: returned, passed to a call that
 * is not a message, stored in an attribute or a container, or assigned to a name used that way. Not when it only
 * becomes a log line, an exception message, a comparison, or part of another string judged on its own.
 */
function escapes(model: SemanticModel, uses: UnitNodeIndex, node: SyntaxNode): boolean {
  let current = node;
  for (let parent = current.parent; parent; current = parent, parent = parent.parent) {
    switch (parent.type) {
      case 'parenthesized_expression':
      case 'conditional_expression':
      case 'boolean_operator':
      case 'list':
      case 'tuple':
      case 'set':
      case 'pair':
      case 'dictionary':
      case 'expression_list':
      case 'keyword_argument':
      case 'await':
        continue;
      case 'binary_operator':
        // Spliced as a value into another string: that string's fate decides.
        if (parent.hasToken('%') && current.field === 'right') continue;
        return false;
      case 'argument_list': {
        const call = parent.parent;
        if (!call || call.type !== 'call') return false;
        if (isMessageCall(model, call)) return false;
        const method = calleeName(call);
        if ((method === 'format' || method === 'format_map') && calleeReceiver(call)) {
          current = call;
          parent = call;
          continue;
        }
        return true;
      }
      case 'assignment':
      case 'augmented_assignment': {
        if (current.field !== 'right') return false;
        const target = parent.child('left');
        if (!target) return false;
        if (target.type !== 'identifier') return true;
        return nameEscapes(model, uses, target);
      }
      case 'return_statement':
      case 'yield':
      case 'lambda':
        return true;
      default:
        return false;
    }
  }
  return false;
}

function nameEscapes(model: SemanticModel, uses: UnitNodeIndex, target: SyntaxNode): boolean {
  return uses.get(target.text).some((use) => {
    if (use === target) return false;
    if (use.field === 'left' && use.parent?.type === 'assignment') return false;
    if (!model.bindingsOf(use).some((binding) => binding.node === target)) return false;
    return !isInMessageContext(model, use) && !isComposingUse(use);
  });
}

/** A use of a name inside a larger string expression (`q + " LIMIT 1"`, `f"{q}"`, `q += …`). */
function isComposingUse(use: SyntaxNode): boolean {
  if (use.parent?.type === 'augmented_assignment' && use.field === 'left') return true;
  if (isComposedInto(use)) return true;
  let current = use;
  while (current.parent?.type === 'parenthesized_expression') current = current.parent;
  const parent = current.parent;
  if (parent?.type === 'binary_operator' && parent.hasToken('%') && current.field === 'right') return true;
  if (parent?.type === 'tuple' && parent.parent?.type === 'binary_operator' && parent.parent.hasToken('%')) return true;
  if (parent?.type === 'argument_list' || parent?.type === 'keyword_argument') {
    const call = parent.type === 'argument_list' ? parent.parent : parent.parent?.parent;
    const method = call ? calleeName(call) : null;
    return !!call && (method === 'format' || method === 'format_map') && !!calleeReceiver(call);
  }
  return false;
}

/** Whether a value is a list or tuple (a literal, a splat, or a name every binding of which is one): never an SQL string. */
function isArgumentVector(model: SemanticModel, node: SyntaxNode): boolean {
  const expr = unparenthesize(node);
  if (expr.type === 'list' || expr.type === 'tuple' || expr.type === 'list_splat') return true;
  if (expr.type !== 'identifier') return false;
  const bindings = model.bindingsOf(expr);
  return bindings.length > 0 && bindings.every((binding) => !!binding.value && ['list', 'tuple'].includes(unparenthesize(binding.value).type));
}
