/**
 * `data.previous_attributes` for `*.updated` events, as Stripe writes them: the changed keys with
 * their old values, descending into nested hashes (`{ invoice_settings: { default_payment_method:
 * null } }`, `{ metadata: { added_key: null } }`) but giving arrays whole when any element changed.
 * @module
 */
import type { EventType } from './context.js'

export function snapshotOf<T>(object: T): T {
  return JSON.parse(JSON.stringify(object)) as T
}

function isHash(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function previousAttributes(before: object, after: object): Record<string, unknown> {
  const prev: Record<string, unknown> = {}
  const a = before as Record<string, unknown>
  const b = after as Record<string, unknown>
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const old = a[key]
    const now = b[key]
    if (JSON.stringify(old) === JSON.stringify(now)) continue
    prev[key] = isHash(old) && isHash(now) ? previousAttributes(old, now) : (old ?? null)
  }
  return prev
}

/** Applies `mutate`, then emits `<type>` with previous_attributes when anything changed. */
export function updateWithEvent<T extends object>(
  ctx: { emit(type: EventType, object: object, prev?: Record<string, unknown>): unknown },
  object: T,
  type: EventType,
  mutate: (o: T) => void,
): T {
  const before = snapshotOf(object)
  mutate(object)
  const prev = previousAttributes(before, object)
  if (Object.keys(prev).length > 0) ctx.emit(type, object, prev)
  return object
}
