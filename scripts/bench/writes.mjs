#!/usr/bin/env node
/**
 * `node scripts/bench/writes.mjs [--repeats N] [--seconds S] [--purchases N] [--webhook-only]
 * [--purchases-only] [--cpu N] [--cpu-prof] [--postgres]`: the benchmark's write-path rows alone (verified webhook intake
 * against a bare JSON POST, and the full purchase, sequential and with 8 concurrent buyers), on
 * SQLite (with `--postgres`: on a fresh PostgreSQL database under BENCH_DATABASE_URL /
 * TEST_DATABASE_URL's server, dropped afterwards), with the same store, load and side-by-side
 * discipline as `npm run bench`. `TOLLGATE_MAIN=<path>` runs another build's main.js (a copy of an
 * older dist/ beside this one) against the same setup, to compare builds turn about. With
 * `--cpu-prof` Tollgate's CPU is profiled from after its start-up to the end of the rows
 * (steady-profile.mjs) and the heaviest functions and packages by self time are printed (the
 * profile is kept in ./profiles/). `--cpu N` adds Tollgate's CPU time per
 * signed webhook (intake and inbox) over N events, the measure to compare on a loaded machine, and
 * with `--postgres` the database server's CPU time per webhook over the same events.
 * Build first (`npm run build`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { integerOption } from './cli.mjs'
import { summarizeCpuProfile } from './cpu-profile.mjs'
import { speedProbeText } from './host-speed.mjs'
import { cpuMs, freePort, startServer, stopAll, stopServer } from './proc.mjs'
import { purchaseRows, webhookCpuRow, webhookRow } from './rows.mjs'
import { beginProfile, endProfile, newProfileFile, steadyProfileArgs } from './steady-profile.mjs'
import { grantProbe, inboxProbe, prepareBenchStore, scratchPostgres, startBuild } from './store.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const argv = process.argv.slice(2)
const flag = (name) => argv.includes(name)
const value = (name, fallback) => integerOption(argv, name, fallback, 'writes')
const known = [
  '--repeats',
  '--seconds',
  '--purchases',
  '--webhook-only',
  '--purchases-only',
  '--cpu',
  '--cpu-prof',
  '--postgres',
]
const unknown = argv.filter((a, i) => a.startsWith('--') && !known.includes(a) && !/^\d+$/.test(argv[i]))
if (unknown.length > 0) {
  console.error(`writes: unknown option ${unknown[0]} (known: ${known.join(', ')})`)
  process.exit(2)
}
const repeats = value('--repeats', 3)
const seconds = value('--seconds', 3)
const purchases = value('--purchases', 12)
const profile = flag('--cpu-prof')
const cpuEvents = flag('--cpu') ? value('--cpu', 2000) : 0
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`

const dir = mkdtempSync(join(tmpdir(), 'tollgate-writes-'))
const scratch = flag('--postgres') ? await scratchPostgres('writes') : undefined
try {
  const databaseUrl = scratch?.url ?? join(dir, 'writes.db')
  console.log(`${scratch ? 'postgres' : 'sqlite'}; ${load()} at start; ${speedProbeText()}`)
  const { store, emulator } = await prepareBenchStore(dir, databaseUrl)
  const baselinePort = await freePort()
  const baselineProc = await startServer({
    name: 'baseline',
    args: [join(ROOT, 'scripts/bench/baseline.mjs')],
    env: { PORT: String(baselinePort) },
    readyUrl: `http://127.0.0.1:${baselinePort}/healthz`,
  })
  const profileFile = profile ? newProfileFile('writes') : ''
  const proc = await startBuild(store, profile ? steadyProfileArgs(profileFile) : [])
  if (profile) await beginProfile(proc, profileFile)
  const ctx = {
    load: { connections: 32, duration: seconds },
    repeats,
    purchases,
    baseline: { url: `http://127.0.0.1:${baselinePort}` },
    webhookSecret: store.webhookSecret,
    tollgate: store,
    tollgateProc: proc,
    baselineProc,
    emulatorProc: emulator.proc,
  }
  const rows = []
  if (cpuEvents > 0) {
    ctx.inbox = await inboxProbe(databaseUrl)
    await webhookCpuRow({ ...ctx, repeats: 1 }, cpuEvents) // warm-up (the JIT, the statement cache)
    const serverBefore = scratch ? await postgresCpu() : undefined
    rows.push(await webhookCpuRow(ctx, cpuEvents))
    if (serverBefore) {
      // The other side of each delivery's cost on the same two cores: the inserts and commits.
      const ms = await postgresCpuSince(serverBefore)
      rows.push(
        serverCpuRow(
          `PostgreSQL server CPU per signed webhook (${cpuEvents * repeats} events)`,
          (ms * 1000) / (cpuEvents * repeats),
          'µs',
        ),
      )
    }
    await ctx.inbox.close()
  }
  if (!flag('--purchases-only')) rows.push(await webhookRow(ctx))
  if (!flag('--webhook-only')) {
    ctx.probe = await grantProbe(databaseUrl)
    const serverBefore = scratch ? await postgresCpu() : undefined
    rows.push(...(await purchaseRows(ctx)))
    if (serverBefore) {
      const ms = await postgresCpuSince(serverBefore)
      // The rows' purchases and their warm-up one.
      const count = 1 + purchases + Math.max(1, Math.floor(purchases / 4)) * 8
      rows.push(serverCpuRow(`PostgreSQL server CPU per purchase (${count} purchases)`, ms / count, 'ms'))
    }
    await ctx.probe.close()
  }
  if (profile) await endProfile(proc, profileFile)
  await stopServer(proc)
  await stopServer(baselineProc)
  for (const r of rows)
    console.log(`${r.row}: ${r.tollgate} vs ${r.baseline || '-'} = ${r.value} (goal ${r.goal})`)
  console.log(`${load()} at the end; ${speedProbeText()}`)
  if (profile) summarizeCpuProfile(profileFile)
} finally {
  await stopAll()
  await scratch?.drop()
  rmSync(dir, { recursive: true, force: true })
}
process.exit()

/**
 * CPU time (ms) the benchmark database's backends used since `before` (postgresCpu's reading): one
 * that exited in between is not counted, and the probes' own queries are.
 */
async function postgresCpuSince(before) {
  const after = await postgresCpu()
  let ms = 0
  for (const [pid, end] of after) ms += end - (before.get(pid) ?? 0)
  return ms
}

function serverCpuRow(row, perUnit, unit) {
  const value = `${perUnit.toFixed(1)} ${unit}`
  return { row, tollgate: value, baseline: '', value, goal: '-' }
}

/** CPU time (ms) of each PostgreSQL backend serving the benchmark's database, from /proc. */
async function postgresCpu() {
  const { rows } = await scratch.client.query('select pid from pg_stat_activity where datname = $1', [
    scratch.name,
  ])
  const cpu = new Map()
  for (const { pid } of rows) {
    try {
      cpu.set(pid, cpuMs(pid))
    } catch {
      // Exited meanwhile.
    }
  }
  return cpu
}
