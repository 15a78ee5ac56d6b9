import type { Executor } from '../../db/database.js'
import type { WorkerHeartbeatRow } from './table.js'

export async function upsertHeartbeat(db: Executor, worker: string, beatAtIso: string): Promise<void> {
  await db
    .insertInto('worker_heartbeats')
    .values({ worker, beat_at: beatAtIso })
    .onConflict((oc) => oc.column('worker').doUpdateSet({ beat_at: beatAtIso }))
    .execute()
}

export async function findHeartbeat(db: Executor, worker: string): Promise<WorkerHeartbeatRow | undefined> {
  return db.selectFrom('worker_heartbeats').selectAll().where('worker', '=', worker).executeTakeFirst()
}
