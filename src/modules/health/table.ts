import type { Selectable } from 'kysely'

/** The last run of each out-of-process worker (the serverless cron run). */
export interface WorkerHeartbeatTable {
  worker: string
  beat_at: string
}

export type WorkerHeartbeatRow = Selectable<WorkerHeartbeatTable>
