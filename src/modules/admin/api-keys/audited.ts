/**
 * API keys made and revoked with their audit entries, in the caller's transaction: the console and
 * `tollgate api-key` do the same and write the same entries, by different actors.
 * @module
 */
import type { Executor } from '../../../db/database.js'
import { type ApiScope, createApiKey, listApiKeys, revokeApiKey } from '../../api-access/index.js'
import { recordAudit } from '../audit.js'

/** What a key made without scopes may do (createApiKey's default). */
const DEFAULT_SCOPES: ApiScope[] = ['entitlements:read']

export async function createApiKeyAudited(
  trx: Executor,
  input: {
    actor: string
    name: string
    now: Date
    live: boolean
    scopes?: ApiScope[]
    ratePerMinute?: number
  },
): Promise<{ id: string; key: string; scopes: ApiScope[] }> {
  const scopes = input.scopes ?? DEFAULT_SCOPES
  const made = await createApiKey(trx, {
    name: input.name,
    now: input.now,
    live: input.live,
    scopes,
    ...(input.ratePerMinute ? { ratePerMinute: input.ratePerMinute } : {}),
  })
  await recordAudit(trx, input.now, {
    actor: input.actor,
    action: 'api_key.create',
    target: { type: 'api_key', id: made.id },
    after: {
      name: input.name,
      mode: input.live ? 'live' : 'test',
      scopes,
      ...(input.ratePerMinute ? { ratePerMinute: input.ratePerMinute } : {}),
    },
  })
  return { ...made, scopes }
}

/** False (nothing changed, nothing audited) when there is no such live key. */
export async function revokeApiKeyAudited(
  trx: Executor,
  input: { actor: string; id: string; now: Date },
): Promise<boolean> {
  const { actor, id, now } = input
  const key = (await listApiKeys(trx)).find((k) => k.id === id)
  if (!(await revokeApiKey(trx, id, now))) return false
  await recordAudit(trx, now, {
    actor,
    action: 'api_key.revoke',
    target: { type: 'api_key', id },
    before: {
      name: key?.name ?? null,
      prefix: key?.prefix ?? null,
      scopes: key?.scopes ?? null,
      revoked_at: null,
    },
    after: { revoked_at: now.toISOString() },
  })
  return true
}
