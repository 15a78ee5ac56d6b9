#!/usr/bin/env node
/**
 * `node scripts/bench/report.mjs` (after `npm run build`): the metrics report alone, without the
 * page around it, on the console row's store (100k customers, 200k orders, 20k subscriptions with
 * a year of ledger): `buildMetricsReport` for the last 30 days by day (the dashboard's and the
 * metrics page's default) and for the last year by month. Prints the median wall-clock and CPU
 * milliseconds of 9 runs, and the load average, so a before/after on a busy machine compares CPU.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeBenchCatalog } from './catalog.mjs'
import { seed } from './console.mjs'
import { median } from './load.mjs'

const dist = (path) => import(`../../dist/${path}`)
const { loadConfig } = await dist('config.js')
const { createDeps } = await dist('deps.js')
const { migrateToLatest } = await dist('db/migrate.js')
const { buildMetricsReport, parseRange } = await dist('modules/admin/index.js')

const dir = mkdtempSync(join(tmpdir(), 'tollgate-report-'))
const deps = createDeps(
  loadConfig({
    DATABASE_URL: join(dir, 'report.db'),
    DATA_DIR: dir,
    CATALOG: writeBenchCatalog(dir, 1).path,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
  }),
)
try {
  await migrateToLatest(deps.db)
  const now = Date.now()
  await seed(deps.db, { customers: 100_000, orders: 200_000, subscriptions: 20_000, now })
  const yearAgo = new Date(now - 364 * 86_400_000).toISOString().slice(0, 10)
  for (const [label, input] of [
    ['30 days by day', {}],
    ['a year by month', { from: yearAgo, interval: 'month' }],
  ]) {
    const query = parseRange(input, new Date(now))
    await buildMetricsReport(deps.db, query)
    const walls = []
    const cpus = []
    for (let i = 0; i < 9; i++) {
      const cpu = process.cpuUsage()
      const started = performance.now()
      await buildMetricsReport(deps.db, query)
      walls.push(performance.now() - started)
      const used = process.cpuUsage(cpu)
      cpus.push((used.user + used.system) / 1000)
    }
    const load = loadavg().map((l) => l.toFixed(2)).join(' ')
    console.log(
      `report, ${label}: ${median(walls).toFixed(0)} ms wall, ${median(cpus).toFixed(0)} ms CPU (load average ${load})`,
    )
  }
} finally {
  await deps.db.destroy()
  rmSync(dir, { recursive: true, force: true })
}
