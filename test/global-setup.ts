/**
 * Vitest global setup: drops the test databases (see test/dialects.ts) of this run when it ends,
 * and at start those of earlier runs whose process is gone (killed runs), on PostgreSQL and MySQL.
 * Other runs on the same servers (other checkouts) keep theirs: their process is alive.
 */
import { adminQuery, MYSQL_URL, mysqlAdminQuery, POSTGRES_URL, WORKER_DATABASE_PREFIX } from './dialects.js'

type Server = {
  list(): Promise<string[]>
  drop(name: string): Promise<void>
}

function servers(): Server[] {
  const found: Server[] = []
  const postgres = POSTGRES_URL
  if (postgres) {
    found.push({
      list: async () =>
        (
          await adminQuery<{ datname: string }>(
            postgres,
            'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
            [WORKER_DATABASE_PREFIX],
          )
        ).map((r) => r.datname),
      drop: async (name) => {
        await adminQuery(postgres, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      },
    })
  }
  const mysql = MYSQL_URL
  if (mysql) {
    found.push({
      list: async () =>
        (
          await mysqlAdminQuery<Record<string, string>>(
            mysql,
            `SHOW DATABASES LIKE '${WORKER_DATABASE_PREFIX}%'`,
          )
        ).flatMap((row) => Object.values(row)),
      drop: async (name) => {
        await mysqlAdminQuery(mysql, `DROP DATABASE IF EXISTS ${name}`)
      },
    })
  }
  return found
}

async function dropTestDatabases(keep: (runPid: number) => boolean): Promise<void> {
  for (const server of servers()) {
    for (const name of await server.list()) {
      const runPid = Number(/^tgt_(\d+)_/.exec(name)?.[1])
      if (!Number.isInteger(runPid) || keep(runPid)) continue
      await server.drop(name)
    }
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
  await dropTestDatabases((pid) => pid !== process.pid && isAlive(pid))
}

export async function teardown(): Promise<void> {
  await dropTestDatabases((pid) => pid !== process.pid)
}
