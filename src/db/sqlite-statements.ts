/**
 * better-sqlite3 for Kysely with a prepared-statement cache. Kysely's SQLite driver calls
 * `prepare(sql)` for every query, and preparing costs about as much as running a small query;
 * our SQL texts repeat (parameters are bound, never inlined), so each text is prepared once and
 * reused. The cache is bounded (oldest first out) because some texts vary with a list's length.
 * Sharing a statement is safe: Kysely runs one query at a time on SQLite's single connection,
 * and SQLite re-prepares a cached statement itself after a schema change (a migration).
 * @module
 */
import type SQLite from 'better-sqlite3'
import type { SqliteDatabase, SqliteStatement } from 'kysely'

export const STATEMENT_CACHE_SIZE = 500

export function cachingStatements(database: SQLite.Database, max = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>()
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql)
      if (cached) return cached
      const statement = database.prepare(sql)
      if (cache.size >= max) cache.delete(cache.keys().next().value as string)
      cache.set(sql, statement)
      return statement
    },
  }
}
