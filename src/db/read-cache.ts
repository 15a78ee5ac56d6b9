/**
 * A short-lived read cache per database handle, for the two reads every signed-in request makes
 * (the session behind a cookie, a customer's grants). The promise it keeps (README, "Caches and
 * revocation"):
 *
 * - **This instance sees its own writes at once.** Every statement through the handle that is not
 *   a SELECT empties the handle's cache before and after it runs, and so does the commit or
 *   rollback of a transaction that ran one, so a read that raced the write is never kept as
 *   current. Entries remember the change count they were read under and are used only while it
 *   is unchanged.
 * - **Other instances see them within one second** (`READ_CACHE_TTL_MS`): an entry is used only
 *   until one second after its read *began*, so nothing committed elsewhere is hidden longer.
 * - **One customer's entry is never another's:** keys name the session (token hash) or customer
 *   they belong to, and values are frozen so no request can change what the next one reads.
 *
 * Only handles made by `connectDatabase` cache (`trackChanges`); a transaction or any other handle
 * reads straight through, so code inside a transaction always sees its own writes.
 * @module
 */
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, Kysely, QueryResult } from 'kysely'

/** The key of the live session behind a token hash (customers' session lookup). */
export const sessionKey = (tokenHash: string): string => `session:${tokenHash}`
/** The key of a customer's grants (entitlements), filled also by the session lookup's own read. */
export const grantsKey = (customerId: string): string => `grants:${customerId}`

/** How long another instance's write may stay unseen here: the written bound is one second. */
export const READ_CACHE_TTL_MS = 1000
/** Entries per handle; the oldest go first (a busy store's signed-in customers of one second). */
export const READ_CACHE_MAX_ENTRIES = 20_000

type Entry = { value: unknown; changes: number; readAt: number }
type Cache = { changes: number; entries: Map<string, Entry> }

// biome-ignore lint/suspicious/noExplicitAny: keyed by any handle, whatever its schema
const caches = new WeakMap<Kysely<any>, Cache>()

function changed(cache: Cache): void {
  cache.changes++
  cache.entries.clear()
}

/**
 * Wraps `dialect`'s driver so that every statement that may write, and the end of a transaction
 * that wrote, counts as a change; `attach` links the Kysely made from it to its cache. Reads
 * (SELECT, and the transactions of a worker that found nothing to do) leave the cache alone.
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema
export function trackChanges(dialect: Dialect): { dialect: Dialect; attach(db: Kysely<any>): void } {
  const cache: Cache = { changes: 0, entries: new Map() }
  const tracked: Dialect = {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => countingDriver(dialect.createDriver(), () => changed(cache)),
  }
  return { dialect: tracked, attach: (db) => caches.set(db, cache) }
}

/** SELECTs (built, or raw text starting with SELECT) only read; anything else may write. */
function mayWrite(query: CompiledQuery): boolean {
  if (query.query.kind === 'SelectQueryNode') return false
  if (query.query.kind === 'RawNode') return !/^\s*select\b/i.test(query.sql)
  return true
}

/**
 * The driver as it is, with each connection's statements watched. The driver itself is always
 * handed its own connection objects (they carry its private state).
 */
function countingDriver(driver: Driver, change: () => void): Driver {
  const wrappers = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const originals = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const inTransaction = new WeakSet<DatabaseConnection>()
  const wrote = new WeakSet<DatabaseConnection>()
  const original = (c: DatabaseConnection): DatabaseConnection => originals.get(c) ?? c
  const wrap = (connection: DatabaseConnection): DatabaseConnection => {
    let wrapper = wrappers.get(connection)
    if (!wrapper) {
      wrapper = {
        async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
          if (!mayWrite(query)) return connection.executeQuery<R>(query)
          change()
          if (inTransaction.has(connection)) wrote.add(connection)
          try {
            return await connection.executeQuery<R>(query)
          } finally {
            change() // a read that began while this ran saw the old rows: not kept
          }
        },
        streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
      }
      wrappers.set(connection, wrapper)
      originals.set(wrapper, connection)
    }
    return wrapper
  }
  const end = async (connection: DatabaseConnection, finish: () => Promise<void>): Promise<void> => {
    const own = original(connection)
    try {
      await finish()
    } finally {
      inTransaction.delete(own)
      if (wrote.has(own)) {
        wrote.delete(own)
        change()
      }
    }
  }
  const counting: Driver = {
    init: () => driver.init(),
    acquireConnection: async () => wrap(await driver.acquireConnection()),
    async beginTransaction(connection, settings) {
      await driver.beginTransaction(original(connection), settings)
      inTransaction.add(original(connection))
    },
    commitTransaction: (connection) => end(connection, () => driver.commitTransaction(original(connection))),
    rollbackTransaction: (connection) =>
      end(connection, () => driver.rollbackTransaction(original(connection))),
    releaseConnection: (connection) => driver.releaseConnection(original(connection)),
    destroy: () => driver.destroy(),
  }
  const { savepoint, rollbackToSavepoint, releaseSavepoint } = driver
  if (savepoint)
    counting.savepoint = (connection, name, compile) =>
      savepoint.call(driver, original(connection), name, compile)
  if (rollbackToSavepoint)
    counting.rollbackToSavepoint = (connection, name, compile) =>
      rollbackToSavepoint.call(driver, original(connection), name, compile)
  if (releaseSavepoint)
    counting.releaseSavepoint = (connection, name, compile) =>
      releaseSavepoint.call(driver, original(connection), name, compile)
  return counting
}

/**
 * `load()`'s answer for `key`, from this handle's cache when it was read less than a second ago
 * and nothing was written through the handle since; otherwise read now (and kept, frozen).
 * `undefined` answers are not kept (an unknown session token is asked of the database each time).
 */
export async function cachedRead<T>(
  // biome-ignore lint/suspicious/noExplicitAny: any schema
  db: Kysely<any>,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  const cache = caches.get(db)
  if (!cache) return load()
  const now = performance.now()
  const hit = cache.entries.get(key)
  if (hit && hit.changes === cache.changes && now - hit.readAt < READ_CACHE_TTL_MS) return hit.value as T
  const changes = cache.changes
  const value = await load()
  // A write that began while we read makes this answer possibly old: not kept.
  if (value !== undefined && changes === cache.changes) {
    if (cache.entries.size >= READ_CACHE_MAX_ENTRIES) evictOldest(cache)
    cache.entries.delete(key)
    cache.entries.set(key, { value: deepFreeze(value), changes, readAt: now })
  }
  return value
}

/**
 * `cachedRead` for a read that answers more than one key at once (a session and its customer's
 * grants in one statement, one round trip instead of two on PostgreSQL): `load` returns the
 * answer for `key` and `also`, other keys' answers from the same read. Each is kept exactly as if
 * read by its own `cachedRead` at the same moment: the same change count and the same start of
 * the read, so the one-second bound and the own-writes rule hold for every one of them.
 */
export async function cachedReadWith<T>(
  // biome-ignore lint/suspicious/noExplicitAny: any schema
  db: Kysely<any>,
  key: string,
  load: () => Promise<{ value: T; also: ReadonlyArray<readonly [string, unknown]> }>,
): Promise<T> {
  const cache = caches.get(db)
  if (!cache) return (await load()).value
  const now = performance.now()
  const hit = cache.entries.get(key)
  if (hit && hit.changes === cache.changes && now - hit.readAt < READ_CACHE_TTL_MS) return hit.value as T
  const changes = cache.changes
  const { value, also } = await load()
  if (changes === cache.changes) {
    for (const [k, v] of [[key, value] as const, ...also]) {
      if (v === undefined) continue
      if (cache.entries.size >= READ_CACHE_MAX_ENTRIES) evictOldest(cache)
      cache.entries.delete(k)
      cache.entries.set(k, { value: deepFreeze(v), changes, readAt: now })
    }
  }
  return value
}

/** Drops the oldest tenth at once, so a full cache does not evict on every insert. */
function evictOldest(cache: Cache): void {
  let drop = Math.ceil(READ_CACHE_MAX_ENTRIES / 10)
  for (const key of cache.entries.keys()) {
    if (drop-- <= 0) break
    cache.entries.delete(key)
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
