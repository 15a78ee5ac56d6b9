/**
 * Hot reads compiled once: `prepared((db, a, b) => db.selectFrom(…).where(…, a)…)` gives a
 * function `(db, a, b) => rows` that builds and compiles the Kysely query only the first time per
 * database handle, then runs the same SQL with that call's values bound in place of the first
 * call's. Building and compiling a small SELECT costs more than SQLite takes to run it (profiles of
 * the session and grant lookups behind every signed-in request); the SQL text is then also the
 * one the statement cache (sqlite-statements.ts) keeps prepared.
 *
 * The builder must use its arguments only as values bound into the query (a `where` value, say):
 * it is called once, with stand-ins, so anything it decided from an argument's value would be
 * decided for every later call. A stand-in it did not bind fails the first call loudly.
 * @module
 */
import { type Compilable, type CompiledQuery, createQueryId } from 'kysely'
import type { Executor } from './database.js'
import { sqliteReaderOf } from './sqlite-reader.js'

type Compiled = {
  query: CompiledQuery
  slots: ReadonlyArray<number | { value: unknown }>
  /** A SELECT (only those may go to the read-only connection). */
  select: boolean
}

export function prepared<A extends unknown[], R>(
  build: (db: Executor, ...args: A) => Compilable<R>,
): (db: Executor, ...args: A) => Promise<R[]> {
  const byHandle = new WeakMap<Executor, Compiled>()
  return async (db, ...args) => {
    let compiled = byHandle.get(db)
    if (!compiled) {
      compiled = compile(db, build, args.length)
      byHandle.set(db, compiled)
    }
    const parameters = compiled.slots.map((slot) => (typeof slot === 'number' ? args[slot] : slot.value))
    // SQLite: straight from the read-only connection (sqlite-reader.ts), the statement prepared once.
    const reader = sqliteReaderOf(db)
    if (reader && compiled.select) return reader.all(compiled.query.sql, parameters) as R[]
    const result = await db.executeQuery<R>({ ...compiled.query, parameters, queryId: createQueryId() })
    return result.rows
  }
}

function compile<A extends unknown[], R>(
  db: Executor,
  build: (db: Executor, ...args: A) => Compilable<R>,
  arity: number,
): Compiled {
  const standIns = Array.from({ length: arity }, (_, i) => `\u0000tollgate-prepared-argument-${i}\u0000`)
  const query = build(db, ...(standIns as A)).compile()
  const slots = query.parameters.map((value) => {
    const index = standIns.indexOf(value as string)
    return index >= 0 ? index : { value }
  })
  for (let i = 0; i < arity; i++) {
    if (!slots.includes(i)) throw new Error(`prepared query: argument ${i} is not bound as a value`)
  }
  if (standIns.some((s) => query.sql.includes(s)))
    throw new Error('prepared query: an argument is inlined in the SQL')
  return { query, slots, select: query.query.kind === 'SelectQueryNode' }
}
