/**
 * The SQLite / PostgreSQL loop every database-touching test runs under:
 * `describe.each(DIALECTS)('%s', (dialect) => …)`.
 *
 * PostgreSQL comes from TEST_DATABASE_URL (CI: postgres://postgres@127.0.0.1:5432/test). Each test
 * database is a fresh schema `tg_<random>` (search_path set on every pooled connection), dropped on
 * close. Without TEST_DATABASE_URL, PostgreSQL is skipped locally with a message, but under CI=true
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
  const url = POSTGRES_URL
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

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query(statement)
  } catch (err) {
    throw new Error(`PostgreSQL at ${url.replace(/:[^:@/]*@/, ':***@')} failed: ${(err as Error).message}`, {
      cause: err,
    })
  } finally {
    await client.end().catch(() => {})
  }
}
