/** What the library page shows: every catalog file the customer ever held, with its access state. */
import type { Deps } from '../../deps.js'
import { decideAccess, listGrants } from '../entitlements/index.js'
import { listCatalogFiles, type ProductFile } from './files.js'

export type LibraryItem = ProductFile & {
  allowed: boolean
  /** Access end: null = forever; for lapsed items, when the last grant ended or was revoked. */
  until: Date | null
  /** For lapsed items whose last grant was revoked rather than run out: why (refunded, disputed…). */
  revokedBecause: string | null
}

export async function listLibrary(deps: Deps, customerId: string): Promise<LibraryItem[]> {
  const grants = await listGrants(deps.db, customerId)
  const now = deps.clock.now()
  const items: LibraryItem[] = []
  for (const entry of listCatalogFiles(deps.catalog)) {
    const held = grants.filter((g) => g.feature === entry.file.feature)
    if (held.length === 0) continue
    const decision = decideAccess(held, now)
    items.push({
      ...entry,
      allowed: decision.allowed,
      until: decision.allowed ? (decision.until ?? null) : (decision.endedAt ?? null),
      revokedBecause: decision.revokedBecause ?? null,
    })
  }
  return items
}
