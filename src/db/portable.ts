/**
 * The writes whose SQL differs between SQLite/PostgreSQL (`on conflict`, `returning`) and
 * MySQL/MariaDB (neither), kept here so that repos state what they mean once and keep the same
 * guarantee on every dialect: an insert-if-absent tells exactly one of concurrent callers that it
 * inserted; an upsert is one statement; a counter returns the value its own statement wrote.
 * Everything else in a repo is plain Kysely and portable as it is (see README.md).
 * @module
 */
import {
  type AnyColumn,
  type Compilable,
  type CompiledQuery,
  createQueryId,
  type Expression,
  type InsertObject,
  type InsertQueryBuilder,
  type InsertResult,
  type RawBuilder,
  MysqlAdapter,
  PostgresAdapter,
  type SelectQueryBuilder,
  sql,
  type UpdateObject,
} from 'kysely'
import type { DialectName } from './connect.js'
import type { Database, Executor } from './database.js'

type Insert<TB extends keyof Database> = InsertQueryBuilder<Database, TB, InsertResult>
type Column<TB extends keyof Database> = AnyColumn<Database, TB>

/** Which dialect a database handle or transaction speaks. */
export function dialectOfExecutor(db: Executor): DialectName {
  const adapter = db.getExecutor().adapter
  if (adapter instanceof PostgresAdapter) return 'postgres'
  if (adapter instanceof MysqlAdapter) return 'mysql'
  return 'sqlite'
}

/**
 * Runs the insert unless a row with the same value in `conflictColumn` (a unique column or the
 * primary key) exists; true when this call inserted. A concurrent second caller waits for the first
 * and gets false. Another unique column colliding is still an error, as with `on conflict (column)`.
 */
export async function insertIfAbsent<TB extends keyof Database>(
  db: Executor,
  query: Insert<TB>,
  conflictColumn: Column<TB>,
): Promise<boolean> {
  if (dialectOfExecutor(db) !== 'mysql') {
    const result = await query.onConflict((oc) => oc.column(conflictColumn).doNothing()).executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows) > 0
  }
  try {
    await query.execute()
    return true
  } catch (err) {
    // InnoDB undoes only the failed statement, so an open transaction goes on as on PostgreSQL.
    if (await isDuplicateOf(db, err, tableOf(query), conflictColumn)) return false
    throw err
  }
}

/**
 * Inserts each of `rows` unless a row with its value in `conflictColumn` (a unique column) exists,
 * in one statement; returns the values of `conflictColumn` that this call inserted. SQLite and
 * PostgreSQL say so themselves (`on conflict do nothing returning`). MySQL has no `returning`: its
 * statement turns a conflict into a no-op update, then the rows are read back (what another writer
 * inserted first is committed or locked by then), and a row is ours when it carries the value of
 * `columns.key` (a key the caller made unique, such as a new id) that we gave it. Rows go in the order of `conflictColumn`, so callers
 * whose rows overlap take the unique index's locks in one order.
 *
 * `notify` (PostgreSQL; ignored elsewhere): the same statement also sends NOTIFY on its channel
 * when it inserted a row, delivered when the statement's transaction commits, instead of a
 * `pg_notify` round trip of its own afterwards.
 */
export async function insertAllIfAbsent<
  TB extends keyof Database,
  C extends Column<TB> & string,
  K extends Column<TB> & string,
>(
  db: Executor,
  table: TB,
  rows: ReadonlyArray<InsertObject<Database, TB> & Record<C | K, string>>,
  columns: { conflict: C; key: K },
  notify?: Notification,
): Promise<Set<string>> {
  const { conflict, key } = columns
  const sorted = [...rows].sort((a, b) => (a[conflict] < b[conflict] ? -1 : 1))
  const inserted = new Set<string>()
  if (sorted.length === 0) return inserted
  const dialect = dialectOfExecutor(db)
  if (dialect !== 'mysql') {
    const returned = await insertAllReturning(db, dialect, table, sorted, conflict, notify)
    for (const row of returned) inserted.add(row[conflict] as string)
    return inserted
  }
  // biome-ignore lint/suspicious/noExplicitAny: rows of `table`, typed by the caller's signature
  const insert = db.insertInto(table).values(sorted as any)
  // biome-ignore lint/suspicious/noExplicitAny: `conflict = conflict`, a column of `table`
  await insert.onDuplicateKeyUpdate({ [conflict]: sql.ref(conflict) } as any).execute()
  const ours = new Map<string, string>(sorted.map((row) => [row[conflict] as string, row[key] as string]))
  const found = await sql<Record<string, string>>`select ${sql.ref(key)} as k, ${sql.ref(conflict)} as c
    from ${sql.table(table)} where ${sql.ref(conflict)} in (${sql.join([...ours.keys()])})`.execute(db)
  for (const row of found.rows) if (ours.get(row.c as string) === row.k) inserted.add(row.c as string)
  return inserted
}

/** A NOTIFY on PostgreSQL: `channel` and `payload` as pg_notify takes them. */
export type Notification = { channel: string; payload: string }

type CompiledInsert = { query: CompiledQuery; slots: ReadonlyArray<readonly [row: number, column: string]> }

/**
 * `insert … on conflict (conflict) do nothing returning conflict` for SQLite and PostgreSQL, built
 * and compiled by Kysely once per table, columns and number of rows, then run with each call's
 * values bound: for a batch of webhook events, building and compiling the statement cost about a
 * third of what the database took to store them. Rows whose columns differ, or that leave a
 * column undefined (a default), and handles with plugins, are built as usual. With `notify` on
 * PostgreSQL the insert becomes a CTE whose rows each call pg_notify (one channel and payload,
 * which PostgreSQL delivers once per transaction), so it fires only when a row went in.
 */
async function insertAllReturning(
  db: Executor,
  dialect: DialectName,
  table: keyof Database,
  rows: ReadonlyArray<Record<string, unknown>>,
  conflict: string,
  notify: Notification | undefined,
): Promise<Record<string, unknown>[]> {
  const notifying = dialect === 'postgres' ? notify : undefined
  const columns = Object.keys(rows[0] as object)
  // A handle with plugins (a test's fault injection, say) has each query built through them.
  const uniform =
    db.getExecutor().plugins.length === 0 &&
    rows.every(
      (row) => Object.keys(row).length === columns.length && columns.every((c) => row[c] !== undefined),
    )
  const build = (values: ReadonlyArray<Record<string, unknown>>) =>
    db
      .insertInto(table)
      // biome-ignore lint/suspicious/noExplicitAny: rows of `table`, typed by insertAllIfAbsent's signature
      .values(values as any)
      // biome-ignore lint/suspicious/noExplicitAny: the conflict column, a column of `table`
      .onConflict((oc) => oc.column(conflict as any).doNothing())
      // biome-ignore lint/suspicious/noExplicitAny: the conflict column, a column of `table`
      .returning(conflict as any)
  if (!uniform) {
    if (!notifying) return (await build(rows).execute()) as Record<string, unknown>[]
    const query = build(rows).compile()
    const wrapped = notifyingInsert(query, conflict)
    const result = await db.executeQuery<Record<string, unknown>>({
      ...wrapped,
      parameters: [...query.parameters, notifying.channel, notifying.payload],
    })
    return result.rows
  }
  const cacheKey = `${dialect}\u0001${table}\u0001${conflict}\u0001${columns.join(',')}\u0001${rows.length}\u0001${notifying ? 'notify' : ''}`
  let compiled = compiledInserts.get(cacheKey)
  if (!compiled) {
    compiled = compileInsert(build, columns, rows.length)
    if (notifying) compiled = { ...compiled, query: notifyingInsert(compiled.query, conflict) }
    if (compiledInserts.size >= COMPILED_INSERTS_MAX) compiledInserts.clear()
    compiledInserts.set(cacheKey, compiled)
  }
  const parameters = compiled.slots.map(([row, column]) => (rows[row] as Record<string, unknown>)[column])
  if (notifying) parameters.push(notifying.channel, notifying.payload)
  const result = await db.executeQuery<Record<string, unknown>>({
    ...compiled.query,
    parameters,
    queryId: createQueryId(),
  })
  return result.rows
}

/**
 * `with inserted as (<insert … returning conflict>) select conflict, pg_notify(…) from inserted`:
 * the NOTIFY's channel and payload are the two parameters after the insert's.
 */
function notifyingInsert(query: CompiledQuery, conflict: string): CompiledQuery {
  const n = query.parameters.length
  const column = `"${conflict.replaceAll('"', '""')}"`
  return {
    ...query,
    sql: `with inserted as (${query.sql}) select ${column}, pg_notify($${n + 1}, $${n + 2}) from inserted`,
    queryId: createQueryId(),
  }
}

/** Compiled inserts kept (texts per row count stay few: callers batch up to a fixed size). */
const COMPILED_INSERTS_MAX = 256
const compiledInserts = new Map<string, CompiledInsert>()

/** Compiles with a stand-in for every value, and records which row and column each parameter is. */
function compileInsert(
  build: (rows: ReadonlyArray<Record<string, unknown>>) => Compilable<unknown>,
  columns: string[],
  count: number,
): CompiledInsert {
  const standIns = new Map<string, readonly [number, string]>()
  const rows = Array.from({ length: count }, (_, r) =>
    Object.fromEntries(
      columns.map((column) => {
        const standIn = `\u0000tollgate-insert-${r}-${column}\u0000`
        standIns.set(standIn, [r, column])
        return [column, standIn]
      }),
    ),
  )
  const query = build(rows).compile()
  const slots = query.parameters.map((value) => {
    const slot = standIns.get(value as string)
    if (!slot) throw new Error('insertAllIfAbsent: a parameter that is not a row value')
    return slot
  })
  if (slots.length !== standIns.size) throw new Error('insertAllIfAbsent: values not all bound')
  return { query, slots }
}

/**
 * Inserts, or on a conflicting `conflictColumn` updates the existing row with `set`, in one
 * statement. MySQL applies `set` left to right, each assignment seeing the ones before it: refer to
 * a column of the existing row only before the entry that assigns it.
 */
export async function upsert<TB extends keyof Database>(
  db: Executor,
  query: Insert<TB>,
  conflictColumn: Column<TB>,
  set: UpdateObject<Database, TB, TB>,
): Promise<void> {
  await withUpdateOnConflict(db, query, conflictColumn, set).execute()
}

/**
 * An upsert that returns the integer `counter.column` as this very statement left it, so that no
 * other writer's change can slip in between (an atomic counter). On a conflict the counter becomes
 * `counter.next`, assigned before `set`, so `next` sees the existing row as it was; in a new row it
 * is `counter.inserted`. `next` must be 1 or more: MySQL hands the value back through
 * LAST_INSERT_ID(expr), where 0 means "nothing updated".
 */
export async function upsertCounter<TB extends keyof Database>(
  db: Executor,
  query: Insert<TB>,
  conflictColumn: Column<TB>,
  counter: { column: Column<TB>; next: RawBuilder<number>; inserted: number },
  set: UpdateObject<Database, TB, TB> = {},
): Promise<number> {
  const mysql = dialectOfExecutor(db) === 'mysql'
  const next = mysql ? sql<number>`last_insert_id(${counter.next})` : counter.next
  const update = { [counter.column]: next, ...set } as UpdateObject<Database, TB, TB>
  const upsert = withUpdateOnConflict(db, query, conflictColumn, update)
  if (mysql) {
    const result = await upsert.executeTakeFirstOrThrow()
    return result.insertId === undefined ? counter.inserted : Number(result.insertId)
  }
  const row = await upsert.returning(counter.column).executeTakeFirstOrThrow()
  return Number((row as Record<string, unknown>)[counter.column])
}

/**
 * `select … for update skip locked` where the database has it (PostgreSQL, MySQL 8, MariaDB 10.6):
 * concurrent claimers take disjoint rows. SQLite has one writer and needs no row locks.
 */
export function lockSkippingLocked<TB extends keyof Database, O>(
  db: Executor,
  query: SelectQueryBuilder<Database, TB, O>,
): SelectQueryBuilder<Database, TB, O> {
  return dialectOfExecutor(db) === 'sqlite' ? query : query.forUpdate().skipLocked()
}

function withUpdateOnConflict<TB extends keyof Database>(
  db: Executor,
  query: Insert<TB>,
  conflictColumn: Column<TB>,
  set: UpdateObject<Database, TB, TB>,
): Insert<TB> {
  // MySQL updates on a conflict with any unique key; callers name the only one that can collide.
  if (dialectOfExecutor(db) === 'mysql') return query.onDuplicateKeyUpdate(set)
  // biome-ignore lint/suspicious/noExplicitAny: the same object, typed for `on conflict` (which adds `excluded`)
  return query.onConflict((oc) => oc.column(conflictColumn).doUpdateSet(set as any))
}

function tableOf<TB extends keyof Database>(query: Insert<TB>): string {
  const table = query.toOperationNode().into?.table.identifier.name
  if (table === undefined) throw new Error('insertIfAbsent needs an insert into a table')
  return table
}

/** A MySQL duplicate-key error on a unique index made of exactly `column`. */
async function isDuplicateOf(db: Executor, err: unknown, table: string, column: string): Promise<boolean> {
  const { code, sqlMessage } = (err ?? {}) as { code?: string; sqlMessage?: string }
  if (code !== 'ER_DUP_ENTRY') return false
  // MariaDB says "for key 'email'", MySQL 8 "for key 'customers.email'".
  const key = /for key '(?:[^']*\.)?([^'.]+)'/.exec(sqlMessage ?? '')?.[1]
  // Aliased: MySQL 8 labels information_schema columns in capitals.
  const { rows } = await sql<{ name: string; columns: number; first: string }>`
    select index_name as name, count(*) as columns, min(column_name) as first
    from information_schema.statistics
    where table_schema = database() and table_name = ${table} and non_unique = 0
    group by index_name`.execute(db)
  return rows.some((r) => r.name === key && Number(r.columns) === 1 && r.first === column)
}

/**
 * `column like '%text%'` with `%`, `_` and the escape character in `text` taken literally, on
 * every dialect (an explicit `escape` clause: MySQL's default escape is a backslash, the others'
 * is none). Lower-case `text` and wrap the column in `lower()` for a search in any case.
 */
export function containsText(column: Expression<unknown>, text: string): RawBuilder<boolean> {
  const pattern = `%${text.replace(/[!%_]/g, (ch) => `!${ch}`)}%`
  return sql<boolean>`${column} like ${pattern} escape '!'`
}
