import type { Executor } from '../../db/database.js'
import { upsert } from '../../db/portable.js'
import type { WorkerHeartbeatRow } from './table.js'

export async function upsertHeartbeat(db: Executor, worker: string, beatAtIso: string): Promise<void> {
  await upsert(db, db.insertInto('worker_heartbeats').values({ worker, beat_at: beatAtIso }), 'worker', {
    beat_at: beatAtIso,
  })
}

export async function findHeartbeat(db: Executor, worker: string): Promise<WorkerHeartbeatRow | undefined> {
  return db.selectFrom('worker_heartbeats').selectAll().where('worker', '=', worker).executeTakeFirst()
}
