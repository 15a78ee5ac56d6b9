/**
 * Vitest global setup: drops the per-worker PostgreSQL databases (see test/dialects.ts) of this run
 * when it ends, and at start those of earlier runs whose process is gone (killed runs).
 */
import { adminQuery, POSTGRES_URL, WORKER_DATABASE_PREFIX } from './dialects.js'

async function dropWorkerDatabases(keep: (runPid: number) => boolean): Promise<void> {
  if (!POSTGRES_URL) return
  const rows = await adminQuery<{ datname: string }>(
    POSTGRES_URL,
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
    [WORKER_DATABASE_PREFIX],
  )
  for (const { datname } of rows) {
    const runPid = Number(/^tgt_(\d+)_/.exec(datname)?.[1])
    if (!Number.isInteger(runPid) || keep(runPid)) continue
    await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`)
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function setup(): Promise<void> {
  await dropWorkerDatabases((pid) => pid !== process.pid && isAlive(pid))
}

export async function teardown(): Promise<void> {
  await dropWorkerDatabases((pid) => pid !== process.pid)
}
