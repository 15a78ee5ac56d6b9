#!/usr/bin/env node
/**
 * `node scripts/bench/cpu.mjs [--requests N] [--repeats N] [--cpu-prof] [--postgres] [name…]`: CPU
 * time per request of the read paths, Tollgate (dist, SQLite — with `--postgres` a fresh PostgreSQL
 * database on BENCH_DATABASE_URL / TEST_DATABASE_URL's server, dropped afterwards — the
 * benchmark's store) and the bare Hono
 * baseline side by side. Each measure sends a fixed number of requests with autocannon (32
 * connections, rotating signed-in customers where the row is signed in) and reads the server's
 * user + system CPU time from /proc/<pid>/stat before and after: the same figure as
 * `process.cpuUsage()` inside the server, all threads counted. Unlike requests per second it
 * hardly moves when other work shares the machine. Prints the median of `repeats` per row, µs per
 * request. Rows: premium, entitlements, store, store-signed-in (all by default).
 * With `--cpu-prof` Tollgate's CPU is profiled from after the warm-up to the end of the rows
 * (steady-profile.mjs) and the heaviest functions and packages are printed (profile kept in ./profiles/).
 * `TOLLGATE_MAIN=<path>` runs another build's main.js against the same setup (as writes.mjs does).
 * Build first (`npm run build`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { integerOption, readRowsNamed } from './cli.mjs'
import { summarizeCpuProfile } from './cpu-profile.mjs'
import { speedProbeText } from './host-speed.mjs'
import { hammer, median, pairedRatio } from './load.mjs'
import { cpuMs, freePort, startServer, stopAll, stopServer } from './proc.mjs'
import { READ_ROWS, readRowTargets, warmUp } from './rows.mjs'
import { beginProfile, endProfile, newProfileFile, steadyProfileArgs } from './steady-profile.mjs'
import { prepareBenchStore, scratchPostgres, seedCustomers, startBuild } from './store.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const argv = process.argv.slice(2)
const requests = integerOption(argv, '--requests', 20_000, 'cpu')
const repeats = integerOption(argv, '--repeats', 3, 'cpu')
const profile = argv.includes('--cpu-prof')
const postgres = argv.includes('--postgres')
const selected = readRowsNamed(argv, READ_ROWS, {
  tool: 'cpu',
  flags: ['--cpu-prof', '--postgres'],
  options: ['--requests', '--repeats'],
})

async function perRequest(pid, target) {
  const before = cpuMs(pid)
  const { rps } = await hammer(target, { connections: 32, amount: requests })
  return { us: ((cpuMs(pid) - before) * 1000) / requests, rps }
}

const dir = mkdtempSync(join(tmpdir(), 'tollgate-cpu-'))
const scratch = postgres ? await scratchPostgres('cpu') : undefined
try {
  const databaseUrl = scratch?.url ?? join(dir, 'cpu.db')
  const { store } = await prepareBenchStore(dir, databaseUrl)
  // Enough signed-in customers that none meets the API's 120 a minute.
  const cookies = await seedCustomers(databaseUrl, { hot: 4000, filler: 6000, tag: 'c' })
  const baselinePort = await freePort()
  const baseline = await startServer({
    name: 'baseline',
    args: [join(ROOT, 'scripts/bench/baseline.mjs')],
    env: { PORT: String(baselinePort) },
    readyUrl: `http://127.0.0.1:${baselinePort}/healthz`,
  })
  const profileFile = profile ? newProfileFile('cpu') : ''
  const proc = await startBuild(store, profile ? steadyProfileArgs(profileFile) : [])
  const baseUrl = `http://127.0.0.1:${baselinePort}`
  const load = `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`
  console.log(
    `${postgres ? 'postgres' : 'sqlite'}; ${requests} requests per sample, median of ${repeats}; ${load} at start; ${speedProbeText()}`,
  )
  // The benchmark's own warm-up: past the first event recovery (its writes empty the read cache),
  // then each signed-in customer read once, so the samples see the steady state.
  await warmUp({ tollgate: store }, cookies)
  if (profile) await beginProfile(proc, profileFile)
  for (const name of selected) {
    const row = READ_ROWS[name]
    const { tollgate: t, baseline: b } = readRowTargets(row, {
      tollgateUrl: store.url,
      baselineUrl: baseUrl,
      cookies,
    })
    // Warm-up: JIT, statement cache, rendered parts.
    await hammer(t, { connections: 32, amount: 2000 })
    await hammer(b, { connections: 32, amount: 2000 })
    const ts = []
    const bs = []
    for (let i = 0; i < repeats; i++) {
      ts.push(await perRequest(proc.pid, t))
      bs.push(await perRequest(baseline.pid, b))
    }
    const tu = median(ts.map((s) => s.us))
    const bu = median(bs.map((s) => s.us))
    // Each repeat measures both back to back: compared pair by pair, as the benchmark's rows are.
    const ratio = pairedRatio(
      bs.map((s) => s.us),
      ts.map((s) => s.us),
    )
    const tr = median(ts.map((s) => s.rps))
    const br = median(bs.map((s) => s.rps))
    console.log(
      `${name.padEnd(16)} ${row.path.padEnd(22)} tollgate ${tu.toFixed(0).padStart(5)} µs/req (${tr.toFixed(0)} req/s)` +
        `  baseline ${row.baseline} ${bu.toFixed(0).padStart(4)} µs/req (${br.toFixed(0)} req/s)  cpu ratio ${ratio.toFixed(2)}×`,
    )
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end; ${speedProbeText()}`,
  )
  if (profile) await endProfile(proc, profileFile)
  await stopServer(proc)
  await stopServer(baseline)
  if (profile) summarizeCpuProfile(profileFile)
} finally {
  await stopAll()
  await scratch?.drop()
  rmSync(dir, { recursive: true, force: true })
}
process.exit()
