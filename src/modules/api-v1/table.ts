import type { Selectable } from 'kysely'

/**
 * Answers to `/api/v1` writes made with an `Idempotency-Key`, kept so a replay gets the same answer
 * and a replay with another body is refused. `id` is the API key's id and the SHA-256 of the
 * caller's key, so callers cannot see or collide with each other's keys.
 */
export interface ApiIdempotencyTable {
  id: string
  api_key_id: string
  request_hash: string
  status_code: number
  response: string
  created_at: string
}

export type ApiIdempotencyRow = Selectable<ApiIdempotencyTable>
