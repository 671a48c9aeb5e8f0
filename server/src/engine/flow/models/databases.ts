import type { LibraryModel, SinkRow } from '../concepts';

/**
 * SQL execution: every DB-API 2.0 driver (PEP 249: `cursor.execute`), SQLAlchemy, Django's raw SQL, pandas, asyncpg,
 * aiopg and psycopg. DB-API cursors are matched by method name: their type is rarely visible.
 * https://peps.python.org/pep-0249/, https://docs.sqlalchemy.org/en/20/core/connections.html
 */

const methodSink = (method: string, args: SinkRow['args'] = [0]): SinkRow => ({ method, concept: 'sql', args, label: `\`.${method}()\` runs it as SQL` });

export const databases: LibraryModel = {
  name: 'SQL databases',
  // Rows read back: stored data, as trusted as whoever wrote them (a comment another user posted). By method name:
  // DB-API 2.0 cursors and SQLAlchemy results (`fetchone`/`fetchall`/`fetchmany`), asyncpg (`fetchrow`/`fetchval`).
  sources: ['fetchone', 'fetchall', 'fetchmany', 'fetchrow', 'fetchval'].map((method) => ({ method, kind: 'stored' as const, label: 'database row' })),
  sinks: [
    methodSink('execute', [0, 'sql', 'statement', 'query', 'operation']),
    methodSink('executemany', [0, 'sql', 'operation']),
    methodSink('executescript', [0, 'sql_script']),
    methodSink('exec_driver_sql', [0, 'statement']),
    // asyncpg's own query methods, for a connection whose type is not visible (`async with pool.acquire() as conn`);
    // not `fetch`, which many libraries share.
    methodSink('fetchrow', [0, 'query']),
    methodSink('fetchval', [0, 'query']),
    methodSink('raw', [0, 'raw_query']),
    { method: 'extra', concept: 'sql', args: ['where', 'select', 'tables', 'order_by'], label: '`.extra()` adds it to the SQL' },
    ...['fetch', 'fetchrow', 'fetchval', 'copy_from_query'].map((method) => ({
      callee: `asyncpg.Connection.${method}`, concept: 'sql' as const, args: [0, 'query'], label: `\`.${method}()\` runs it as SQL`,
    })),
    ...['fetch', 'fetchrow', 'fetchval', 'execute'].map((method) => ({
      callee: `asyncpg.Pool.${method}`, concept: 'sql' as const, args: [0, 'query'], label: `\`.${method}()\` runs it as SQL`,
    })),
    { callee: 'sqlalchemy.text', concept: 'sql', args: [0, 'text'], label: '`text()` makes it SQL' },
    { callee: 'sqlalchemy.sql.text', concept: 'sql', args: [0, 'text'], label: '`text()` makes it SQL' },
    { callee: 'sqlalchemy.sql.expression.text', concept: 'sql', args: [0, 'text'], label: '`text()` makes it SQL' },
    { callee: 'pandas.read_sql', concept: 'sql', args: [0, 'sql'], label: '`read_sql()` runs it as SQL' },
    { callee: 'pandas.read_sql_query', concept: 'sql', args: [0, 'sql'], label: '`read_sql_query()` runs it as SQL' },
  ],
  summaries: [
    // What a query returns is the database's data, not the parameters that selected it (`execute(sql, (user_id,))`).
    ...['execute', 'executemany', 'fetchone', 'fetchall', 'fetchmany', 'fetchrow', 'fetchval', 'scalar', 'scalars', 'scalar_one', 'raw', 'extra'].map(
      (method) => ({ method, from: [] as const }),
    ),
    { callee: 'asyncpg.connect', from: [], returns: 'asyncpg.Connection' },
    { callee: 'asyncpg.create_pool', from: [], returns: 'asyncpg.Pool' },
    { callee: 'asyncpg.Pool.acquire', from: [], returns: 'asyncpg.Connection' },
  ],
  sanitizers: [
    ...['quote_name', 'quote_ident', 'quote_identifier', 'quote_table', 'quote_column', 'quote_literal', 'escape_string',
      'escape_identifier', 'escape_literal', 'literal', 'mogrify', 'sql_quote', 'escape_like'].map((method) => ({ method, concepts: ['sql' as const] })),
    { callee: 'psycopg2.sql.Identifier', concepts: ['sql'] },
    { callee: 'psycopg2.sql.Literal', concepts: ['sql'] },
    { callee: 'psycopg.sql.Identifier', concepts: ['sql'] },
    { callee: 'psycopg.sql.Literal', concepts: ['sql'] },
  ],
};
