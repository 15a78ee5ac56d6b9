/**
 * MySQL 8.0+ / MariaDB 10.6+ through Kysely's MySQL dialect and a mysql2 pool. Every pooled
 * connection is set up to behave like our PostgreSQL connections, which the repos were written
 * against: READ COMMITTED (each statement sees the latest committed rows, so a read after a row
 * lock sees the row as its last writer left it, and no gap locks), strict SQL mode (an over-long
 * or wrong value is an error, never silently truncated), UTC, and "affected rows" counting the
 * rows a WHERE matched (CLIENT_FOUND_ROWS), as `numUpdatedRows` does on the other dialects.
 * @module
 */
import { CompiledQuery, type DatabaseConnection, type Kysely, MysqlAdapter, MysqlDialect, sql } from 'kysely'
import { createRequire } from 'node:module'
import type { createPool as CreatePool } from 'mysql2'

// mysql2 is loaded only when DATABASE_URL names MySQL (connect.ts calls this lazily).
const require = createRequire(import.meta.url)
const createPool = (...args: Parameters<typeof CreatePool>): ReturnType<typeof CreatePool> =>
  (require('mysql2') as { createPool: typeof CreatePool }).createPool(...args)

const SESSION_SETUP = [
  'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED',
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'",
  "SET SESSION time_zone = '+00:00'",
]

export function mysqlDialect(url: string): MysqlDialect {
  const target = new URL(url)
  // mysql2 reads only mysql:// URLs; mariadb:// is the same server protocol.
  target.protocol = 'mysql:'
  const pool = createPool({
    uri: target.href,
    connectionLimit: 10,
    flags: ['FOUND_ROWS'],
    charset: 'UTF8MB4_BIN',
    timezone: 'Z',
    // SUM() is DECIMAL and COUNT(*) BIGINT: plain numbers, as on the other dialects (our values fit).
    decimalNumbers: true,
    connectTimeout: 10_000,
  })
  return new TollgateMysqlDialect({
    pool,
    async onCreateConnection(connection: DatabaseConnection): Promise<void> {
      for (const statement of SESSION_SETUP) await connection.executeQuery(CompiledQuery.raw(statement))
    },
  })
}

class TollgateMysqlDialect extends MysqlDialect {
  override createAdapter(): MysqlAdapter {
    return new TollgateMysqlAdapter()
  }
}

/**
 * Kysely's MySQL migration lock is one server-wide name, so every Kysely app on a server (and every
 * test database) would queue behind each other's migrations. Ours is named after the database.
 */
class TollgateMysqlAdapter extends MysqlAdapter {
  // biome-ignore lint/suspicious/noExplicitAny: the adapter interface takes an untyped Kysely
  override async acquireMigrationLock(db: Kysely<any>): Promise<void> {
    const result = await sql<{
      locked: number | null
    }>`select get_lock(${MIGRATION_LOCK}, 3600) as locked`.execute(db)
    if (result.rows[0]?.locked !== 1) throw new Error('Could not take the migration lock within an hour')
  }

  // biome-ignore lint/suspicious/noExplicitAny: see acquireMigrationLock
  override async releaseMigrationLock(db: Kysely<any>): Promise<void> {
    await sql`select release_lock(${MIGRATION_LOCK})`.execute(db)
  }
}

// Lock names are at most 64 characters; a database name alone may be 64.
const MIGRATION_LOCK = sql`concat('tollgate_migrate_', md5(database()))`
