/**
 * The SQLite / PostgreSQL loop every database-touching test runs under:
 * `describe.each(DIALECTS)('%s', (dialect) => …)`.
 *
 * PostgreSQL comes from TEST_DATABASE_URL (CI: postgres://postgres@127.0.0.1:5432/test). Each test
 * database is a fresh schema `tg_<random>` (search_path set on every pooled connection), dropped on
 * close, inside a database of its own per vitest worker (`tgt_<run pid>_<worker>`, created on first
 * use, dropped by test/global-setup.ts). The per-worker database is not tidiness: Kysely's migrator
 * introspects every table of the database by name (`has_schema_privilege`, `pg_get_serial_sequence`),
 * so a schema dropped by a test file running in parallel mid-scan failed it with "schema tg_… does
 * not exist". Within one worker, files run one at a time. Without TEST_DATABASE_URL, PostgreSQL is skipped locally with a message, but under CI=true
 * it is always included, so an unreachable server fails the run instead of skipping.
 * `TEST_DIALECT=sqlite|postgres` narrows the loop to one dialect.
 */
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import pg from 'pg'
import { connectDatabase, type DialectName } from '../src/db/connect.js'
import type { Database } from '../src/db/database.js'

export type { DialectName } from '../src/db/connect.js'

const CI = process.env.CI === 'true' || process.env.CI === '1'
const CI_DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test'

export const POSTGRES_URL: string | undefined =
  process.env.TEST_DATABASE_URL || (CI ? CI_DEFAULT_URL : undefined)

function pickDialects(): DialectName[] {
  const only = process.env.TEST_DIALECT
  const all: DialectName[] = POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite']
  if (!POSTGRES_URL && only !== 'sqlite') {
    console.warn(
      '[tollgate tests] TEST_DATABASE_URL is not set: PostgreSQL runs are skipped (CI never skips them).',
    )
  }
  if (only === 'sqlite' || only === 'postgres') {
    if (only === 'postgres' && !POSTGRES_URL) throw new Error('TEST_DIALECT=postgres needs TEST_DATABASE_URL')
    return [only]
  }
  return all
}

export const DIALECTS: DialectName[] = pickDialects()

export type TestDatabase = {
  db: Kysely<Database>
  dialect: DialectName
  /** What DATABASE_URL would be for this database (the schema is set separately for PostgreSQL). */
  databaseUrl: string
  schema?: string
  close(): Promise<void>
}

/** A new, empty (not yet migrated) database: SQLite in memory, or a fresh PostgreSQL schema. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const db = connectDatabase(':memory:')
    return { db, dialect, databaseUrl: ':memory:', close: () => db.destroy() }
  }
  if (!POSTGRES_URL) throw new Error('PostgreSQL tests need TEST_DATABASE_URL')
  const url = await workerDatabaseUrl(POSTGRES_URL)
  const schema = `tg_${randomBytes(6).toString('hex')}`
  await adminQuery(url, `CREATE SCHEMA ${schema}`)
  const db = connectDatabase(url, { schema })
  return {
    db,
    dialect,
    databaseUrl: url,
    schema,
    close: async () => {
      await db.destroy()
      await adminQuery(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    },
  }
}

/** Prefix of the per-worker databases; the run's pid follows, so a later run can spot dead runs' leftovers. */
export const WORKER_DATABASE_PREFIX = 'tgt_'

let workerDatabase: Promise<string> | undefined

/** The URL of this worker's own database, created on first use. */
function workerDatabaseUrl(baseUrl: string): Promise<string> {
  workerDatabase ??= (async () => {
    // Forks are children of the vitest process, so ppid names the run; VITEST_POOL_ID the worker slot.
    const name = `${WORKER_DATABASE_PREFIX}${process.ppid}_${process.env.VITEST_POOL_ID ?? process.pid}`
    try {
      await adminQuery(baseUrl, `CREATE DATABASE ${name} TEMPLATE template0`)
    } catch (err) {
      // 42P04: left by an earlier file of this worker; schemas inside are per test, so reuse it.
      if ((err as { cause?: { code?: string } }).cause?.code !== '42P04') throw err
    }
    const url = new URL(baseUrl)
    url.pathname = `/${name}`
    return url.href
  })()
  return workerDatabase
}

export async function adminQuery<Row = unknown>(
  url: string,
  statement: string,
  values?: unknown[],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    return (await client.query(statement, values)).rows as Row[]
  } catch (err) {
    throw new Error(`PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} failed: ${(err as Error).message}`, {
      cause: err,
    })
  } finally {
    await client.end().catch(() => {})
  }
}
