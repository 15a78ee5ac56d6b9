import type { Insertable, Selectable } from 'kysely'

export type GrantSourceType = 'order' | 'subscription' | 'manual'

/** Who holds which feature, from what source, for which window (ends_at null = forever). */
export interface EntitlementGrantTable {
  id: string
  customer_id: string
  feature: string
  source_type: GrantSourceType
  source_id: string
  starts_at: string
  ends_at: string | null
  revoked_at: string | null
  reason: string | null
  created_at: string
}

export type GrantRow = Selectable<EntitlementGrantTable>
export type NewGrantRow = Insertable<EntitlementGrantTable>
