/**
 * The hot reads on PostgreSQL (`prepared` SELECTs of a root handle: the session and grants behind
 * every signed-in request that the read cache does not answer) as named prepared statements:
 * each pooled connection parses and plans such a statement once, then only binds and executes it.
 * Unnamed, as Kysely sends every query, the server parsed and planned the same text every time, on
 * the machine that also serves the pages. The rows are the pool's, as Kysely returns them.
 *
 * A named statement is tied to the columns its text meant when it was prepared: after a migration
 * changes a table under a `select *`, PostgreSQL refuses it ("cached plan must not change result
 * type", 0A000); the statement is then prepared again under a new name. Transactions keep reading
 * through their own connection (only the root handle has a reader).
 * @module
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'
import type { Executor } from './database.js'

export type PostgresReader = { all(sql: string, parameters: readonly unknown[]): Promise<unknown[]> }

const readers = new WeakMap<Executor, PostgresReader>()

/** Statement names as PostgreSQL sees them: a digest of the text, and a generation after 0A000. */
export function openPostgresReader(pool: pg.Pool): PostgresReader {
  const names = new Map<string, string>()
  const nameOf = (sql: string, generation = 0): string => {
    let name = names.get(sql)
    if (name === undefined || generation > 0) {
      const digest = createHash('sha256').update(sql).digest('hex').slice(0, 24)
      name = `tollgate_${digest}_${generation}`
      names.set(sql, name)
    }
    return name
  }
  return {
    async all(sql, parameters) {
      const values = parameters as unknown[]
      const name = nameOf(sql)
      try {
        return (await pool.query({ name, text: sql, values })).rows
      } catch (error) {
        if ((error as { code?: string }).code !== '0A000') throw error
        const generation = Number(name.slice(name.lastIndexOf('_') + 1)) + 1
        return (await pool.query({ name: nameOf(sql, generation), text: sql, values })).rows
      }
    },
  }
}

export function attachPostgresReader(db: Executor, reader: PostgresReader): void {
  readers.set(db, reader)
}

/** The reader of a PostgreSQL root handle; undefined for transactions and other dialects. */
export function postgresReaderOf(db: Executor): PostgresReader | undefined {
  return readers.get(db)
}
