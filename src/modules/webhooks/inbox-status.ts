import type { StripeEventRow } from './table.js'

export type InboxStatus = 'handled' | 'failing' | 'pending'

/**
 * An inbox event's status: handled once a handler (or a replay) finished it; failing when an
 * attempt failed and it is not handled yet; pending before any attempt. `countInboxTrouble` (repo)
 * counts failing events by the same rule in SQL.
 */
export function inboxStatus(row: Pick<StripeEventRow, 'handled_at' | 'attempts'>): InboxStatus {
  if (row.handled_at) return 'handled'
  return row.attempts > 0 ? 'failing' : 'pending'
}
