import type { Selectable } from 'kysely'

/** API keys for other backends: shown once at creation, stored as SHA-256 only. */
export interface ApiKeyTable {
  id: string
  name: string
  key_hash: string
  /** The first characters of the key, to tell keys apart in listings. */
  prefix: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
  /** Comma-separated scopes (`checkout:write,orders:read`); null for keys made before scopes. */
  scopes: string | null
  /** Requests per minute this key may make; null = the default. */
  rate_limit_per_minute: number | null
}

export type ApiKeyRow = Selectable<ApiKeyTable>
