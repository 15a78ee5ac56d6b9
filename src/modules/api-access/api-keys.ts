/**
 * API keys for other backends (`npx tollgate api-key create --scope …`): `tg_live_`/`tg_test_` (by
 * the Stripe mode the store runs in) + 256 random bits, printed once, stored only as SHA-256;
 * looked up by hash (a unique index), so no timing depends on the secret beyond the hash itself.
 * Each key holds scopes; keys made before scopes existed (`tgk_…`, scopes null) keep reading
 * `/api/customers/:email/entitlements` and nothing else.
 * @module
 */
import type { Executor } from '../../db/database.js'
import { newId } from '../../lib/ids.js'
import { generateToken, hashToken } from '../../lib/tokens.js'
import { findLiveApiKeyByHash, insertApiKey, listApiKeyRows, revokeApiKeyRow, touchApiKey } from './repo.js'

export const API_SCOPES = [
  'checkout:write',
  'orders:read',
  'customers:read',
  'entitlements:read',
  'grants:write',
  'licenses:write',
] as const

export type ApiScope = (typeof API_SCOPES)[number]

/** Requests per minute a key may make unless it was created with its own limit. */
export const DEFAULT_KEY_RATE_LIMIT = 600

/** What a key made without `--scope` may do: what keys could always do. */
const DEFAULT_SCOPES: ApiScope[] = ['entitlements:read']

const PREFIXES = ['tg_live_', 'tg_test_', 'tgk_'] as const

export type ApiKey = {
  id: string
  name: string
  /** The key's first characters, to tell keys apart in listings (never enough to use it). */
  prefix: string
  /** null: a key from before scopes, good only for the legacy entitlements read. */
  scopes: ApiScope[] | null
  ratePerMinute: number
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value)
}

export async function createApiKey(
  db: Executor,
  input: { name: string; now: Date; live?: boolean; scopes?: ApiScope[]; ratePerMinute?: number },
): Promise<{ id: string; key: string }> {
  const key = `${input.live ? 'tg_live_' : 'tg_test_'}${generateToken()}`
  const id = newId('key', input.now.getTime())
  await insertApiKey(db, {
    id,
    name: input.name,
    key_hash: hashToken(key),
    prefix: key.slice(0, 12),
    created_at: input.now.toISOString(),
    last_used_at: null,
    revoked_at: null,
    scopes: [...new Set(input.scopes ?? DEFAULT_SCOPES)].join(','),
    rate_limit_per_minute: input.ratePerMinute ?? null,
  })
  return { id, key }
}

/** The live key for a presented secret (its last use stamped), or undefined. */
export async function verifyApiKey(db: Executor, key: string, now: Date): Promise<ApiKey | undefined> {
  if (!PREFIXES.some((p) => key.startsWith(p))) return undefined
  const row = await findLiveApiKeyByHash(db, hashToken(key))
  if (!row) return undefined
  await touchApiKey(db, row.id, now.toISOString())
  return toApiKey(row)
}

export async function listApiKeys(db: Executor): Promise<ApiKey[]> {
  return (await listApiKeyRows(db)).map(toApiKey)
}

/** Revokes a key by id; false when there is no such live key. */
export async function revokeApiKey(db: Executor, id: string, now: Date): Promise<boolean> {
  return revokeApiKeyRow(db, id, now.toISOString())
}

function toApiKey(row: Awaited<ReturnType<typeof listApiKeyRows>>[number]): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes === null ? null : row.scopes.split(',').filter(isApiScope),
    ratePerMinute: row.rate_limit_per_minute ?? DEFAULT_KEY_RATE_LIMIT,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }
}
