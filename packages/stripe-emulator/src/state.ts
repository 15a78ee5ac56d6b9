/**
 * The emulator's whole state: every Stripe object by id, hidden per-object data, the scheduler's
 * jobs, the global clock offset and idempotency records. Plain JSON, so it can be persisted to a
 * file and reloaded. Stored objects ARE the API representation (unexpanded); resources mutate them
 * in place and the next response or event snapshot shows the change.
 * @module
 */
import { noSuch } from './errors.js'

export type StripeObject = { id: string; object: string; [key: string]: unknown }

export type Job = {
  id: string
  /** Unix seconds on the job's clock. */
  at: number
  /** null = the emulator-wide clock; otherwise a test clock id. */
  clockId: string | null
  action: string
  data: Record<string, unknown>
  seq: number
}

export type IdempotencyRecord = {
  method: string
  path: string
  fingerprint: string
  status: number
  body: string
  requestId: string
  savedAt: number
}

export type State = {
  objects: Record<string, StripeObject>
  /** Insertion sequence per id: the tie-breaker for "newest first" within one second. */
  order: Record<string, number>
  /** Data a resource keeps beside an object but never returns (webhook secrets, card behaviour…). */
  hidden: Record<string, Record<string, unknown>>
  jobs: Job[]
  seq: number
  /** Emulator-wide clock = wall clock + offset (seconds). */
  clockOffset: number
  idempotency: Record<string, IdempotencyRecord>
}

export function emptyState(clockOffset = 0): State {
  return { objects: {}, order: {}, hidden: {}, jobs: [], seq: 0, clockOffset, idempotency: {} }
}

/**
 * The ids of each kind of object, beside the state rather than in it (the state stays plain JSON):
 * built on first use from `objects`, then kept by insertObject and deleteObject, through which every
 * object comes and goes. Lists and webhook fan-out read one kind without walking every object the
 * emulator ever made.
 */
const KINDS = new WeakMap<State, Map<string, Set<string>>>()

function kindIndex(state: State): Map<string, Set<string>> {
  let index = KINDS.get(state)
  if (!index) {
    index = new Map()
    for (const o of Object.values(state.objects)) idsOf(index, o.object).add(o.id)
    KINDS.set(state, index)
  }
  return index
}

function idsOf(index: Map<string, Set<string>>, kind: string): Set<string> {
  let ids = index.get(kind)
  if (!ids) {
    ids = new Set()
    index.set(kind, ids)
  }
  return ids
}

/** Every object of one kind, in no particular order. */
export function* objectsOfKind<T = StripeObject>(state: State, kind: string): Generator<T> {
  for (const id of kindIndex(state).get(kind) ?? []) {
    const o = state.objects[id]
    if (o) yield o as unknown as T
  }
}

export function insertObject<T extends object>(state: State, object: T): T {
  const o = object as unknown as StripeObject
  const index = KINDS.get(state)
  const previous = state.objects[o.id]
  if (index && previous && previous.object !== o.object) index.get(previous.object)?.delete(o.id)
  state.objects[o.id] = o
  state.order[o.id] = ++state.seq
  if (index) idsOf(index, o.object).add(o.id)
  return object
}

export function findObject<T = StripeObject>(state: State, id: string, kind?: string): T | undefined {
  const o = state.objects[id]
  if (!o || (kind !== undefined && o.object !== kind)) return undefined
  return o as unknown as T
}

/** Finds an object or throws Stripe's 404: `No such <label>: '<id>'` with the referring param. */
export function getObject<T = StripeObject>(
  state: State,
  kind: string,
  id: string,
  param = 'id',
  label = kind.replaceAll('_', ' ').replace(/^.*\./, ''),
): T {
  const o = findObject<T>(state, id, kind)
  if (o === undefined) throw noSuch(label, id, param)
  return o
}

export function deleteObject(state: State, id: string): void {
  const o = state.objects[id]
  if (o) KINDS.get(state)?.get(o.object)?.delete(id)
  delete state.objects[id]
  delete state.order[id]
  delete state.hidden[id]
}

/** Every object of one kind, newest first (created desc, then insertion desc). */
export function listObjects<T = StripeObject>(
  state: State,
  kind: string,
  filter: (o: T) => boolean = () => true,
): T[] {
  const out: StripeObject[] = []
  for (const o of objectsOfKind(state, kind)) if (filter(o as unknown as T)) out.push(o)
  out.sort((a, b) => {
    const dc = Number(b.created ?? 0) - Number(a.created ?? 0)
    return dc !== 0 ? dc : (state.order[b.id] ?? 0) - (state.order[a.id] ?? 0)
  })
  return out as unknown as T[]
}

export function hiddenOf<T extends Record<string, unknown>>(state: State, id: string): T {
  state.hidden[id] ??= {}
  return state.hidden[id] as T
}
