/**
 * A second, read-only SQLite connection for the hot reads (`prepared` SELECTs: the session and
 * grants behind every signed-in request). Through Kysely each such read waits its turn for the one
 * connection (a mutex of promises), passes the query executor and the change-counting driver, and
 * costs more than SQLite takes to answer it; this connection answers at once, synchronously.
 *
 * What a read sees is unchanged in what matters: in WAL mode each statement reads the last
 * committed state, so a write committed through the main connection is seen by the next read here
 * (this instance still sees its own writes at once), and nothing uncommitted is ever seen.
 * Transactions keep reading through their own connection (only the root handle has a reader), so
 * code inside one sees its own writes. `:memory:` databases, which a second connection cannot
 * open, have no reader.
 * @module
 */
import SQLite from 'better-sqlite3'
import type { Executor } from './database.js'
import { cachingStatements } from './sqlite-statements.js'

export type SqliteReader = { all(sql: string, parameters: readonly unknown[]): unknown[]; close(): void }

const readers = new WeakMap<Executor, SqliteReader>()

/** Opens the reader for the database file at `path` (after the main connection made it WAL). */
export function openSqliteReader(path: string): SqliteReader {
  const database = new SQLite(path, { readonly: true, fileMustExist: true })
  database.pragma('busy_timeout = 5000')
  const statements = cachingStatements(database)
  return {
    all(sql, parameters) {
      // Kysely's statement type; this connection's statements are better-sqlite3's own.
      const statement = statements.prepare(sql) as unknown as SQLite.Statement
      const shape = shapeOf(statement)
      const rows = statement.all(parameters) as unknown[][]
      const out = new Array<Record<string, unknown>>(rows.length)
      for (let i = 0; i < rows.length; i++) out[i] = shape(rows[i] as unknown[])
      return out
    },
    close: () => database.close(),
  }
}

type Shape = (values: unknown[]) => Record<string, unknown>
const shapes = new WeakMap<SQLite.Statement, Shape>()

/**
 * Rows come back as arrays (`raw`) and are made objects here: better-sqlite3 builds each row
 * object through one V8 API call per column, which cost more than SQLite's own work for the
 * grants read (a cache miss of every signed-in request). Same keys in the same order, the same
 * values; a repeated column name keeps its first place and its last value, as better-sqlite3 does.
 */
function shapeOf(statement: SQLite.Statement): Shape {
  let shape = shapes.get(statement)
  if (!shape) {
    statement.raw(true)
    const names = statement.columns().map((column) => column.name)
    shape = (values) => {
      const row: Record<string, unknown> = {}
      for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i]
      return row
    }
    shapes.set(statement, shape)
  }
  return shape
}

export function attachSqliteReader(db: Executor, reader: SqliteReader): void {
  readers.set(db, reader)
}

/** The reader of a root handle; undefined for transactions, other dialects and `:memory:`. */
export function sqliteReaderOf(db: Executor): SqliteReader | undefined {
  return readers.get(db)
}
