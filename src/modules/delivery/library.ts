/** What the library page shows: every catalog file the customer ever held, with its access state. */
import type { Deps } from '../../deps.js'
import { decideAccess } from '../entitlements/access.js'
import { listGrantsOfCustomer } from '../entitlements/repo.js'
import type { GrantRow } from '../entitlements/table.js'
import { listCatalogFiles, type ProductFile } from './files.js'

export type LibraryItem = ProductFile & {
  allowed: boolean
  /** Access end: null = forever; for lapsed items, when the last grant ended or was revoked. */
  until: Date | null
}

export async function listLibrary(deps: Deps, customerId: string): Promise<LibraryItem[]> {
  const grants = await listGrantsOfCustomer(deps.db, customerId)
  const now = deps.clock.now()
  const items: LibraryItem[] = []
  for (const entry of listCatalogFiles(deps.catalog)) {
    const held = grants.filter((g) => g.feature === entry.file.feature)
    if (held.length === 0) continue
    const decision = decideAccess(held, now)
    items.push({
      ...entry,
      allowed: decision.allowed,
      until: decision.allowed ? (decision.until ?? null) : lastEnd(held),
    })
  }
  return items
}

function lastEnd(grants: GrantRow[]): Date | null {
  const ends = grants.map((g) => g.revoked_at ?? g.ends_at).filter((e): e is string => e !== null)
  return ends.length === 0 ? null : new Date(ends.sort().at(-1) as string)
}
