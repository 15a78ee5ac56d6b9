/**
 * A short-lived read cache per database handle, for the two reads every signed-in request makes
 * (the session behind a cookie, a customer's grants). The promise it keeps (README, "Caches and
 * revocation"):
 *
 * - **This instance sees its own writes at once.** Every statement through the handle that is not
 *   a SELECT and changed a row (or may have: DDL, a failure) empties the handle's cache once it
 *   has run, and so does the commit or rollback of a transaction that ran one, so a read that
 *   raced the write is never kept as current. Entries remember the change count they were read
 *   under and are used only while it is unchanged.
 * - **Other instances see them within one second** (`READ_CACHE_TTL_MS`): an entry is used only
 *   until one second after its read *began*, so nothing committed elsewhere is hidden longer —
 *   or, on a handle with a change probe (PostgreSQL, a SQLite file), for as long as the probe
 *   keeps confirming that nothing at all was committed since the read began: the probe asks the
 *   database every `CHANGE_PROBE_MS`, and an entry is used past its second only while the last
 *   answered probe began less than a second ago and answered "nothing new" every time since the
 *   read. A commit anywhere ends that for every entry at once (they fall back to their second),
 *   and so does a probe that fails or stops. Entries of customers who are not changing then stay
 *   in memory instead of being read again every second, which is most of what a busy store reads.
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
/** Entries per handle (two per signed-in customer); the oldest go first. */
export const READ_CACHE_MAX_ENTRIES = 50_000
/** How often a handle with a change probe asks its database whether anything was committed. */
export const CHANGE_PROBE_MS = 250
/**
 * A handle stops probing this long after its last cached read, and starts again at the next. The
 * last answer is kept through the pause: the probe answers differently whenever anything was
 * committed since it was last asked, however long ago that was, so an unchanged first answer after
 * the pause still vouches for what was read before it (until it answers, nothing old is used).
 */
export const PROBE_IDLE_MS = 5000

/**
 * Answers something that differs whenever anything was committed to the database, by any
 * connection, since it was last asked: PostgreSQL's current snapshot (`xmin:xmax:in-progress`),
 * SQLite's `data_version`. Answering the same when nothing changed is what makes it useful; a
 * change it reports that was not one only costs reads.
 */
export type ChangeProbe = () => Promise<unknown>

type Entry = { value: unknown; changes: number; readAt: number; probes: number }
type Probe = {
  ask: ChangeProbe
  /** The last answer; undefined before the first and after a failure (kept through a pause). */
  answer: unknown
  /** Bumped by every answer that is not "nothing new": entries read before it are unconfirmed. */
  epoch: number
  /** When the last answered probe began. */
  confirmedAt: number
  lastUsedAt: number
  running: boolean
  closed: boolean
}
type Cache = { changes: number; entries: Map<string, Entry>; probe?: Probe }

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
 * `probe`, where given, is the handle's change probe (see the top of this file).
 */
export function trackChanges(dialect: Dialect): {
  dialect: Dialect
  // biome-ignore lint/suspicious/noExplicitAny: any schema
  attach(db: Kysely<any>, probe?: ChangeProbe): void
} {
  const cache: Cache = { changes: 0, entries: new Map() }
  const tracked: Dialect = {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () =>
      countingDriver(
        dialect.createDriver(),
        () => changed(cache),
        () => {
          if (cache.probe) cache.probe.closed = true
        },
      ),
  }
  return {
    dialect: tracked,
    attach(db, probe) {
      caches.set(db, cache)
      if (probe) cache.probe = newProbe(probe)
    },
  }
}

/** SELECTs (built, or raw text starting with SELECT) only read; anything else may write. */
function mayWrite(query: CompiledQuery): boolean {
  if (query.query.kind === 'SelectQueryNode') return false
  if (query.query.kind === 'RawNode') return !/^\s*select\b/i.test(query.sql)
  return true
}

const DML = new Set(['InsertQueryNode', 'UpdateQueryNode', 'DeleteQueryNode', 'MergeQueryNode'])

/**
 * Whether a statement that may write changed a row: the count the driver reports, or for SQLite's
 * RETURNING (answered with its rows only) the rows. Anything else (DDL, raw statements of unknown
 * effect) counts as a change.
 */
function changedRows(query: CompiledQuery, result: QueryResult<unknown>): boolean {
  if (result.numAffectedRows !== undefined) return result.numAffectedRows > 0n
  if (DML.has(query.query.kind)) return result.rows.length > 0
  return true
}

/**
 * The driver as it is, with each connection's statements watched. The driver itself is always
 * handed its own connection objects (they carry its private state).
 */
function countingDriver(driver: Driver, change: () => void, closing: () => void): Driver {
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
          let wroteAny = true
          try {
            const result = await connection.executeQuery<R>(query)
            wroteAny = changedRows(query, result)
            return result
          } finally {
            // Once it has run: whatever was read before or while it ran may be old, and a read
            // still under way now is not kept. A statement that changed no row (the workers'
            // lease finding nothing due, several times a second) leaves the cache as it was.
            if (wroteAny) {
              if (inTransaction.has(connection)) wrote.add(connection)
              change()
            }
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
    destroy: () => {
      closing()
      return driver.destroy()
    },
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
  if (hit && usable(cache, hit, now)) return hit.value as T
  const changes = cache.changes
  const probes = cache.probe?.epoch ?? 0
  const value = await load()
  // A write that began while we read makes this answer possibly old: not kept.
  if (value !== undefined && changes === cache.changes) keep(cache, key, value, changes, now, probes)
  return value
}

/**
 * The answer `cachedRead` would take from the cache for `key` right now, or undefined (a miss, or
 * a handle without a cache). For the per-request reads of a signed-in page: a caller that finds
 * its answer here goes on synchronously, where an `await cachedRead(…)` costs a promise and a
 * turn of the microtask queue per read even when the answer is at hand. On undefined the caller
 * reads through `cachedRead`/`cachedReadWith`, which keep the answer as before.
 */
export function cachedValue<T>(
  // biome-ignore lint/suspicious/noExplicitAny: any schema
  db: Kysely<any>,
  key: string,
): T | undefined {
  const cache = caches.get(db)
  if (!cache) return undefined
  const hit = cache.entries.get(key)
  return hit && usable(cache, hit, performance.now()) ? (hit.value as T) : undefined
}

/**
 * Read from this handle's cache: nothing written through the handle since, and either its read
 * began less than a second ago or the change probe has confirmed since then, answer after
 * answer, that nothing was committed anywhere, the last time less than a second ago.
 */
function usable(cache: Cache, hit: Entry, now: number): boolean {
  if (hit.changes !== cache.changes) return false
  if (now - hit.readAt < READ_CACHE_TTL_MS) return true
  const probe = cache.probe
  if (!probe) return false
  inUse(probe, now)
  return hit.probes === probe.epoch && now - probe.confirmedAt < READ_CACHE_TTL_MS
}

function keep(cache: Cache, key: string, value: unknown, changes: number, now: number, probes: number): void {
  if (cache.entries.size >= READ_CACHE_MAX_ENTRIES) evictOldest(cache)
  cache.entries.delete(key)
  cache.entries.set(key, { value: deepFreeze(value), changes, readAt: now, probes })
  if (cache.probe) inUse(cache.probe, now)
}

/** The cache was used at `now`: the probe keeps asking (or starts again after a pause). */
function inUse(probe: Probe, now: number): void {
  probe.lastUsedAt = now
  if (!probe.running) startProbing(probe)
}

function newProbe(ask: ChangeProbe): Probe {
  return {
    ask,
    answer: undefined,
    epoch: 0,
    confirmedAt: Number.NEGATIVE_INFINITY,
    lastUsedAt: 0,
    running: false,
    closed: false,
  }
}

/**
 * Asks the probe every CHANGE_PROBE_MS while the cache is in use. The first answer (and the first
 * after a failure) cannot confirm anything read before it, so it counts as a change; the first
 * after a pause is compared with the last before it (PROBE_IDLE_MS). The timer never keeps the
 * process alive, and the loop ends when the handle is destroyed.
 */
function startProbing(probe: Probe): void {
  if (probe.closed) return
  probe.running = true
  const round = async (): Promise<void> => {
    const startedAt = performance.now()
    try {
      const answer = await probe.ask()
      if (probe.answer === undefined || answer !== probe.answer) probe.epoch++
      probe.answer = answer
      probe.confirmedAt = startedAt
    } catch {
      // The database is away: entries live out their own second only; the next answer is a change.
      probe.answer = undefined
    }
    if (probe.closed || performance.now() - probe.lastUsedAt > PROBE_IDLE_MS) {
      probe.running = false
      return
    }
    setTimeout(() => void round(), CHANGE_PROBE_MS).unref()
  }
  void round()
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
  if (hit && usable(cache, hit, now)) return hit.value as T
  const changes = cache.changes
  const probes = cache.probe?.epoch ?? 0
  const { value, also } = await load()
  if (changes === cache.changes) {
    for (const [k, v] of [[key, value] as const, ...also]) {
      if (v !== undefined) keep(cache, k, v, changes, now, probes)
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
