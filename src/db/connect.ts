/**
 * Opens the database named by DATABASE_URL: PostgreSQL (pg Pool) for `postgres://…`, MySQL or
 * MariaDB (mysql2 pool, see mysql.ts) for `mysql://…`, a SQLite file (better-sqlite3, WAL) or
 * `:memory:` otherwise. The forms are read in lib/database-url.ts, which refuses any other.
 * @module
 */
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import { type Dialect, Kysely, PostgresDialect, type PostgresPool, SqliteDialect, sql } from 'kysely'
import type pg from 'pg'
import { type DialectName, parseDatabaseUrl } from '../lib/database-url.js'
import type { Database } from './database.js'
import { mysqlDialect } from './mysql.js'
import { namingStatements } from './pg-statements.js'
import { type ChangeProbe, trackChanges } from './read-cache.js'
import { attachSqliteReader, openSqliteReader } from './sqlite-reader.js'
import { cachingStatements } from './sqlite-statements.js'

export type { DialectName }

/**
 * The PostgreSQL and MySQL drivers are loaded only when the URL names them: a SQLite install never
 * pays their start-up time and memory.
 */
const require = createRequire(import.meta.url)
export const loadPg = (): typeof pg => require('pg') as typeof pg

export type ConnectOptions = {
  /** PostgreSQL only: every pooled connection gets this `search_path` (tests use a schema each). */
  schema?: string
  /**
   * PostgreSQL only: name repeated statements so the server prepares them once per connection
   * (default true). False for a pooler in transaction mode that does not keep prepared statements.
   */
  preparedStatements?: boolean
}

/**
 * Every handle counts its own writes, so its short-lived read cache (read-cache.ts) stays exact;
 * `probe`, where the database can tell whether anything was committed elsewhere, lets cached
 * reads live past their second while nothing was.
 */
function open(dialect: Dialect, probe?: (db: Kysely<Database>) => ChangeProbe): Kysely<Database> {
  const tracked = trackChanges(dialect)
  const db = new Kysely<Database>({ dialect: tracked.dialect })
  tracked.attach(db, probe?.(db))
  return db
}

/**
 * PostgreSQL's snapshot (`xmin:xmax:xip`) moves with every transaction that writes, anywhere in
 * the cluster: a commit since the last probe either got its transaction id after it (xmax moved)
 * or was in progress then (it has left the list). A SELECT, so it counts as no write here.
 */
const postgresSnapshot =
  (db: Kysely<Database>): ChangeProbe =>
  async () =>
    (await sql<{ snapshot: string }>`select pg_current_snapshot()::text as snapshot`.execute(db)).rows[0]
      ?.snapshot

export function dialectOf(databaseUrl: string): DialectName {
  return parseDatabaseUrl(databaseUrl).dialect
}

/** Throws a DatabaseUrlError naming the accepted forms for anything else (config checks first). */
export function connectDatabase(databaseUrl: string, options: ConnectOptions = {}): Kysely<Database> {
  const target = parseDatabaseUrl(databaseUrl)
  if (target.dialect === 'postgres') return connectPostgres(target.url, options)
  if (target.dialect === 'mysql') return open(mysqlDialect(target.url))
  return connectSqlite(target.path)
}

function connectSqlite(path: string): Kysely<Database> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sqlite = new SQLite(path)
  if (path !== ':memory:') sqlite.pragma('journal_mode = WAL')
  // In WAL mode NORMAL syncs at checkpoints, not on every commit: the database stays consistent
  // after a crash of the process or the OS; a power cut may lose the last commits (Stripe's
  // events are recovered from GET /v1/events). FULL made every small write wait for the disk.
  sqlite.pragma('synchronous = NORMAL')
  sqlite.pragma('foreign_keys = ON')
  // Let a second process (the CLI next to a running server) wait for the writer instead of failing.
  sqlite.pragma('busy_timeout = 5000')
  if (path === ':memory:') return open(new SqliteDialect({ database: cachingStatements(sqlite) }))
  // The hot reads' own connection (sqlite-reader.ts), closed first so that the main connection,
  // closing last, checkpoints and removes the write-ahead log.
  const reader = openSqliteReader(path)
  const main = cachingStatements(sqlite)
  const database = {
    prepare: main.prepare,
    close: () => {
      reader.close()
      main.close()
    },
  }
  // data_version changes when another connection (the main one, another process) has committed.
  const dataVersion = async () =>
    (reader.all('pragma data_version', [])[0] as { data_version: number }).data_version
  const db = open(new SqliteDialect({ database }), () => dataVersion)
  attachSqliteReader(db, reader)
  return db
}

// COUNT(*) and BIGINT come back as strings by default; our counts and epoch values fit a number.
const INT8_OID = 20
function typeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === INT8_OID) return (v: string) => Number(v)
  return loadPg().types.getTypeParser(oid, format as 'text')
}

function connectPostgres(databaseUrl: string, options: ConnectOptions): Kysely<Database> {
  if (options.schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) {
    throw new Error(`Bad schema name ${options.schema}`)
  }
  const pool = new (loadPg().Pool)({
    connectionString: databaseUrl,
    max: 10,
    types: { getTypeParser: typeParser } as pg.CustomTypesConfig,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  })
  if (options.preparedStatements === false) return open(new PostgresDialect({ pool }), postgresSnapshot)
  // Hot statements prepared once per connection (pg-statements.ts). The wrapper's clients lack
  // only the cursor form of query(), which Kysely uses for streaming with a `cursor` configured.
  return open(
    new PostgresDialect({ pool: namingStatements(pool) as unknown as PostgresPool }),
    postgresSnapshot,
  )
}
