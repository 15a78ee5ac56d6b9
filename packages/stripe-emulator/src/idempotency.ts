/**
 * `Idempotency-Key` on POST: the first result (status and body, failures included) is saved and
 * replayed with `Idempotent-Replayed: true`; the same key with other params or another endpoint
 * is a 400 idempotency_error; a key still executing is a 409 the SDK retries. Validation failures
 * are not saved. Keys are pruned after 24 hours.
 * @module
 */
import { StripeError } from './errors.js'
import type { IdempotencyRecord, State } from './state.js'

const KEY_TTL_MS = 24 * 3600 * 1000
const inFlight = new Set<string>()

export type IdempotentOutcome =
  | { replay: IdempotencyRecord }
  | { release: (record?: IdempotencyRecord) => void }

export function beginIdempotent(
  state: State,
  key: string,
  method: string,
  path: string,
  fingerprint: string,
): IdempotentOutcome {
  if (key.length > 255) {
    throw new StripeError(400, {
      type: 'invalid_request_error',
      message: 'Idempotency keys can be at most 255 characters long.',
      param: 'Idempotency-Key',
    })
  }
  prune(state)
  const saved = state.idempotency[key]
  if (saved) {
    if (saved.method !== method || saved.path !== path || saved.fingerprint !== fingerprint) {
      throw new StripeError(400, {
        type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      })
    }
    return { replay: saved }
  }
  if (inFlight.has(key)) {
    throw new StripeError(409, {
      type: 'invalid_request_error',
      code: 'idempotency_key_in_use',
      message:
        'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through). Please try again later.',
    })
  }
  inFlight.add(key)
  return {
    release(record) {
      inFlight.delete(key)
      if (record) state.idempotency[key] = record
    },
  }
}

function prune(state: State): void {
  const cutoff = Date.now() - KEY_TTL_MS
  for (const [key, rec] of Object.entries(state.idempotency))
    if (rec.savedAt < cutoff) delete state.idempotency[key]
}
