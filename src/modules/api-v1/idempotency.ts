/**
 * `Idempotency-Key` for `/api/v1` writes, as Stripe does it: the first answer under a key is kept
 * for a day and handed back to a replay; a replay whose body differs is refused (409) before
 * anything is sent to Stripe. The same key also becomes the Stripe idempotency key, so two
 * replays racing each other still create one Checkout Session.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import { findIdempotentAnswer, insertIdempotentAnswer } from './repo.js'

export type Answer<T> = { status: 201; body: T }

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/**
 * Runs `create` once per (API key, Idempotency-Key) and body; without a key it simply runs.
 * `create` receives the Stripe idempotency key to use.
 */
export async function runIdempotent<T>(
  deps: Deps,
  input: { apiKeyId: string; idempotencyKey: string | undefined; body: unknown },
  create: (stripeIdempotencyKey: string | undefined) => Promise<T>,
): Promise<Answer<T>> {
  if (input.idempotencyKey === undefined) return { status: 201, body: await create(undefined) }
  if (!KEY_PATTERN.test(input.idempotencyKey)) {
    throw new AppError('API_INVALID_PARAMETER', {
      message: 'Idempotency-Key: 1 to 255 printable ASCII characters.',
      details: { field: 'Idempotency-Key' },
    })
  }
  const id = `${input.apiKeyId}:${sha256(input.idempotencyKey)}`
  const requestHash = sha256(JSON.stringify(input.body))
  const earlier = await findIdempotentAnswer(deps.db, id)
  if (earlier) {
    if (earlier.request_hash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED')
    return { status: 201, body: JSON.parse(earlier.response) as T }
  }
  const body = await create(`tollgate-api-${sha256(id).slice(0, 48)}`)
  await insertIdempotentAnswer(deps.db, {
    id,
    api_key_id: input.apiKeyId,
    request_hash: requestHash,
    status_code: 201,
    response: JSON.stringify(body),
    created_at: deps.clock.now().toISOString(),
  })
  return { status: 201, body }
}
