/**
 * Named prepared statements for PostgreSQL, under Kysely's driver. Kysely hands pg every query as
 * unnamed, so the server parses and plans its text anew each time: for the small statements a
 * purchase or a webhook runs, about three times the server's CPU of running it prepared, and one
 * message more each way. Here a text that carries parameters and has been sent before gets a name
 * (a hash of the text), and pg prepares it once per connection, then only binds and executes.
 *
 * A claim on a queue table (`for update skip locked`: the inbox's) is never named. Its table swings
 * from nearly empty to a burst's worth of rows (a webhook storm, Stripe resending a backlog) faster
 * than autoanalyze comes round, and after five runs the server keeps a generic plan made for the
 * table as it was: a sequential scan and a sort, which on 200,000 stored events took 25 ms a claim
 * (110 ms on a busy machine) against 0.3 ms through the unhandled-events index, on every poll
 * and every wake-up, until the table was analyzed again. Unnamed, it is planned each time with the
 * table's current size, for a tenth of a millisecond of the server's CPU.
 *
 * Bounded: a connection prepares at most `STATEMENTS_PER_CONNECTION` texts (the hot ones come
 * first; texts that vary with a list's length mostly stay unnamed), and texts are counted in a
 * table that is emptied when it fills. A prepared `select *` fails with "cached plan must not change
 * result type" after another process changes the table (a migration run by a newer instance): then
 * every name is replaced by a fresh one, and a statement outside a transaction is run again, once.
 * Behind a pooler that hands each transaction another server connection and does not carry the
 * prepared statements along (PgBouncer in transaction mode before 1.21), the first statement that
 * finds its name missing (or taken) turns naming off for the pool, and is run again unnamed when
 * outside a transaction; the transaction it was in fails once and is retried by its caller.
 * @module
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'

export const STATEMENTS_PER_CONNECTION = 256
/** Distinct texts remembered as candidates; the table is emptied when it reaches this. */
const SEEN_LIMIT = 4096
/** Texts planned on every run (the module's comment says why): claims on queue tables. */
const PLANNED_EACH_TIME = /\bskip locked\b/i

type QueryResult = pg.QueryResult<Record<string, unknown>>
type Client = Pick<pg.PoolClient, 'release'> & {
  query(config: { text: string; values?: unknown[]; name?: string }): Promise<QueryResult>
}
/** What Kysely's PostgresDialect uses of a pool and its clients. */
export type NamingPool = {
  connect(): Promise<NamingClient>
  end(): Promise<void>
}
export type NamingClient = {
  query(sql: string, parameters: readonly unknown[]): Promise<QueryResult>
  release(err?: Error | boolean): void
}

/** Wraps a pg pool so that the texts sent more than once run as named prepared statements. */
export function namingStatements(
  pool: Pick<pg.Pool, 'connect' | 'end'>,
  perConnection = STATEMENTS_PER_CONNECTION,
): NamingPool {
  const seen = new Map<string, number>()
  const names = new Map<string, string>()
  let generation = 0
  // Off for good once the server loses or mixes up our names (a pooler in transaction mode).
  let naming = true
  // One wrapper per pooled client: Kysely keys its connections by the client object.
  const wrappers = new WeakMap<object, NamingClient>()

  const nameOf = (sql: string): string | undefined => {
    if (!naming) return undefined
    const known = names.get(sql)
    if (known !== undefined) return known
    if (PLANNED_EACH_TIME.test(sql)) return undefined
    const count = (seen.get(sql) ?? 0) + 1
    if (count < 2) {
      if (seen.size >= SEEN_LIMIT) seen.clear()
      seen.set(sql, count)
      return undefined
    }
    seen.delete(sql)
    const name = `tg${generation}_${createHash('sha256').update(sql).digest('base64url').slice(0, 22)}`
    names.set(sql, name)
    return name
  }

  const wrap = (client: Client): NamingClient => {
    const prepared = new Set<string>()
    let inTransaction = false
    const run = async (sql: string, values: unknown[], retried: boolean): Promise<QueryResult> => {
      let name = values.length > 0 ? nameOf(sql) : undefined
      if (name !== undefined && !prepared.has(name)) {
        if (prepared.size >= perConnection) name = undefined
        else prepared.add(name)
      }
      try {
        return await client.query(name === undefined ? { text: sql, values } : { name, text: sql, values })
      } catch (err) {
        if (name === undefined) throw err
        if (isStalePlan(err)) {
          // Every connection's statements may be stale: new names make each prepare again.
          generation++
          names.clear()
        } else if (isLostStatement(err)) {
          naming = false
          names.clear()
        } else throw err
        if (inTransaction || retried) throw err
        return run(sql, values, true)
      }
    }
    return {
      async query(sql, parameters) {
        const result = await run(sql, [...parameters], false)
        if (/^(begin|start transaction)\b/i.test(sql)) inTransaction = true
        else if (/^(commit|rollback)\b/i.test(sql)) inTransaction = false
        return result
      },
      release: (err) => client.release(err),
    }
  }

  return {
    async connect() {
      const client = (await pool.connect()) as unknown as Client
      let wrapper = wrappers.get(client)
      if (!wrapper) {
        wrapper = wrap(client)
        wrappers.set(client, wrapper)
      }
      return wrapper
    },
    end: () => pool.end(),
  }
}

/**
 * A named statement the server does not have (26000), or has already under that name (42P05):
 * what a pooler in transaction mode that does not keep prepared statements per client (PgBouncer
 * before 1.21) makes of them, handing each transaction another server connection.
 */
function isLostStatement(err: unknown): boolean {
  const { code } = (err ?? {}) as { code?: string }
  return code === '26000' || code === '42P05'
}

/** PostgreSQL's feature_not_supported for a prepared statement whose table changed shape. */
function isStalePlan(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: string; message?: string }
  return code === '0A000' && /cached plan must not change result type/.test(message ?? '')
}
