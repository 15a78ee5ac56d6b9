import type { Insertable, Selectable } from 'kysely'

/** Every file download served (one row per request, Range requests included). */
export interface DownloadTable {
  id: string
  customer_id: string
  file_id: string
  grant_id: string | null
  range: string | null
  created_at: string
}

export type DownloadRow = Selectable<DownloadTable>
export type NewDownloadRow = Insertable<DownloadTable>
