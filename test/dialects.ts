/**
 * The SQLite / PostgreSQL / MySQL loop every database-touching test runs under:
 * `describe.each(DIALECTS)('%s', (dialect) => …)`.
 *
 * PostgreSQL comes from TEST_DATABASE_URL (CI: postgres://postgres@127.0.0.1:5432/test). Each test
 * database is a fresh schema `tg_<random>` (search_path set on every pooled connection), dropped on
 * close, inside a database of its own per vitest worker (`tgt_<run pid>_<worker>`, created on first
 * use, dropped by test/global-setup.ts). The per-worker database is not tidiness: Kysely's migrator
 * introspects every table of the database by name (`has_schema_privilege`, `pg_get_serial_sequence`),
 * so a schema dropped by a test file running in parallel mid-scan failed it with "schema tg_… does
 * not exist". Within one worker, files run one at a time.
 *
 * MySQL/MariaDB comes from TEST_MYSQL_URL (CI: mysql://root@127.0.0.1:3306/test). There a schema is
 * a database, so each test database is a database `tgt_<run pid>_<worker>_<random>`, created with
 * the server's default collation (as a user's would be: the columns must bring their own), dropped
 * on close, and by test/global-setup.ts if the run died first.
 *
 * Without TEST_DATABASE_URL or TEST_MYSQL_URL that server is skipped locally with a message, but
 * under CI=true both are always included, so an unreachable server fails the run instead of
 * skipping. `TEST_DIALECT=sqlite|postgres|mysql` narrows the loop to one dialect.
 */
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { connectDatabase, type DialectName } from '../src/db/connect.js'
import type { Database } from '../src/db/database.js'

export type { DialectName } from '../src/db/connect.js'

const CI = process.env.CI === 'true' || process.env.CI === '1'

export const POSTGRES_URL: string | undefined =
  process.env.TEST_DATABASE_URL || (CI ? 'postgres://postgres@127.0.0.1:5432/test' : undefined)

export const MYSQL_URL: string | undefined =
  process.env.TEST_MYSQL_URL || (CI ? 'mysql://root@127.0.0.1:3306/test' : undefined)

const SERVERS = [
  { dialect: 'postgres', url: POSTGRES_URL, variable: 'TEST_DATABASE_URL', name: 'PostgreSQL' },
  { dialect: 'mysql', url: MYSQL_URL, variable: 'TEST_MYSQL_URL', name: 'MySQL' },
] as const

function pickDialects(): DialectName[] {
  const only = process.env.TEST_DIALECT
  if (only !== undefined && only !== '') {
    const server = SERVERS.find((s) => s.dialect === only)
    if (only !== 'sqlite' && !server) throw new Error(`TEST_DIALECT must be sqlite, postgres or mysql`)
    if (server && !server.url) throw new Error(`TEST_DIALECT=${only} needs ${server.variable}`)
    return [only as DialectName]
  }
  for (const server of SERVERS.filter((s) => !s.url)) {
    console.warn(
      `[tollgate tests] ${server.variable} is not set: ${server.name} runs are skipped (CI never skips them).`,
    )
  }
  return ['sqlite', ...SERVERS.filter((s) => s.url).map((s) => s.dialect)]
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

/** A new, empty (not yet migrated) database: SQLite in memory, a PostgreSQL schema or a MySQL database. */
export async function createTestDatabase(dialect: DialectName): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const db = connectDatabase(':memory:')
    return { db, dialect, databaseUrl: ':memory:', close: () => db.destroy() }
  }
  if (dialect === 'mysql') return createMysqlTestDatabase()
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

/** Prefix of the test databases; the run's pid follows, so a later run can spot dead runs' leftovers. */
export const WORKER_DATABASE_PREFIX = 'tgt_'

/** This run's pid (forks are children of the vitest process) and this worker's slot. */
function workerTag(): string {
  return `${process.ppid}_${process.env.VITEST_POOL_ID ?? process.pid}`
}

async function createMysqlTestDatabase(): Promise<TestDatabase> {
  if (!MYSQL_URL) throw new Error('MySQL tests need TEST_MYSQL_URL')
  const name = `${WORKER_DATABASE_PREFIX}${workerTag()}_${randomBytes(4).toString('hex')}`
  await mysqlAdminQuery(MYSQL_URL, `CREATE DATABASE ${name}`)
  const url = new URL(MYSQL_URL)
  url.pathname = `/${name}`
  const db = connectDatabase(url.href)
  return {
    db,
    dialect: 'mysql',
    databaseUrl: url.href,
    schema: name,
    close: async () => {
      await db.destroy()
      await mysqlAdminQuery(MYSQL_URL as string, `DROP DATABASE IF EXISTS ${name}`)
    },
  }
}

let workerDatabase: Promise<string> | undefined

/** The URL of this worker's own database, created on first use. */
function workerDatabaseUrl(baseUrl: string): Promise<string> {
  workerDatabase ??= (async () => {
    const name = `${WORKER_DATABASE_PREFIX}${workerTag()}`
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

export async function mysqlAdminQuery<Row = unknown>(url: string, statement: string): Promise<Row[]> {
  let connection: mysql.Connection | undefined
  try {
    connection = await mysql.createConnection({ uri: url, connectTimeout: 5000 })
    const [rows] = await connection.query(statement)
    return rows as Row[]
  } catch (err) {
    throw new Error(`MySQL at ${url.replace(/:[^:@/]*@/, ':***@')} failed: ${(err as Error).message}`, {
      cause: err,
    })
  } finally {
    await connection?.end().catch(() => {})
  }
}
