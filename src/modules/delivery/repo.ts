import type { Executor } from '../../db/database.js'
import type { DownloadRow, NewDownloadRow } from './table.js'

export async function insertDownload(db: Executor, row: NewDownloadRow): Promise<void> {
  await db.insertInto('downloads').values(row).execute()
}

export async function listDownloadsOfCustomer(db: Executor, customerId: string): Promise<DownloadRow[]> {
  return db
    .selectFrom('downloads')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('created_at', 'desc')
    .execute()
}
