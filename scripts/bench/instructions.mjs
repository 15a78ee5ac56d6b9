#!/usr/bin/env node
/**
 * `node scripts/bench/instructions.mjs [--warm-up N] [--requests N] [--top N] [--postgres] [name…]`: machine
 * instructions per request of the read paths, Tollgate (dist, SQLite; with `--postgres` a fresh
 * PostgreSQL database, dropped afterwards) and the bare Hono baseline, each run under valgrind's
 * callgrind. Instrumentation is off during start-up and each row's warm-up (`--warm-up`, 10,000
 * requests by default, so the JIT has settled), on for exactly `--requests` (default 5,000), then
 * the process's instruction count is read from callgrind's dump: every thread of the process, in
 * user space (the kernel's share of a request is not counted).
 *
 * Why: CPU time on this 2-core VM moves by a third between minutes with nothing to show for it
 * (docs/performance.md, "The eleventh pass"), so a change worth a few percent cannot be told from the noise by
 * throughput or CPU seconds. An instruction count does not depend on what else the machine is
 * doing. It is a guide for comparing builds (`TOLLGATE_MAIN=<path>` runs another build's main.js,
 * as cpu.mjs does), not a replacement for the benchmark's rows. What to keep in mind:
 * - Runs of one build still differ by the JIT's choices: Tollgate's main thread took 198–209 k
 *   instructions a request across seven runs of one build (docs/performance.md, "The twelfth pass"), and once
 *   241 k. Compare builds over several runs each, turn about.
 * - Under callgrind a request takes tens of times longer, so whatever Tollgate does once per unit
 *   of time (the ISO text kept for the current millisecond, Node's Date header kept for the
 *   second, the read cache's change probe) falls on fewer requests and weighs more than at speed.
 * - Instructions are not equal in cost (cache misses, the kernel's share of a request: neither is
 *   counted), so the ratio here is not the benchmark's: 0.68× here where CPU time gives 0.44×.
 * The main thread is printed apart from the process's other threads (V8's compiler and GC helpers).
 *
 * Rows: premium, entitlements, store, store-signed-in (the read rows, all by default), and intake:
 * signed, never-seen events to the webhook route against the bare JSON POST (the same events), on
 * request only, as it writes. Under callgrind the intake's batches are smaller than at speed (fewer
 * deliveries arrive together), so its count leans towards one insert per event. Needs valgrind (Debian's
 * `valgrind` package; `.ci/run` does not run this script). Build first (`npm run build`).
 *
 * `--top N` also prints, for each row, the N heaviest functions of Tollgate's main thread by
 * instructions per request, inclusive and self, with V8's compiled functions named (callgrind-top.mjs:
 * Tollgate then runs under `--perf-basic-prof`, whose map names them).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { perfMapPath, printTopFunctions } from './callgrind-top.mjs'
import { integerOption, readRowsNamed } from './cli.mjs'
import { hammer } from './load.mjs'
import { freePort, startServer, stopAll, stopServer } from './proc.mjs'
import { READ_ROWS, readRowTargets, signedEventsTarget, warmUp } from './rows.mjs'
import { prepareBenchStore, scratchPostgres, seedCustomers } from './store.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const argv = process.argv.slice(2)
const warmUpRequests = integerOption(argv, '--warm-up', 10_000, 'instructions')
const requests = integerOption(argv, '--requests', 5000, 'instructions')
const top = integerOption(argv, '--top', 0, 'instructions')
const postgres = argv.includes('--postgres')
/** The intake, a write row, is measured only when named. */
const INTAKE = { intake: { path: '/webhooks/stripe', baseline: '/json' } }
const selected = readRowsNamed(
  argv,
  { ...READ_ROWS, ...INTAKE },
  {
    tool: 'instructions',
    flags: ['--postgres'],
    options: ['--warm-up', '--requests', '--top'],
    defaults: Object.keys(READ_ROWS),
  },
)
try {
  execFileSync('valgrind', ['--version'], { stdio: 'ignore' })
} catch {
  console.error('instructions: valgrind is not installed (apt-get install -y valgrind)')
  process.exit(2)
}

const dir = mkdtempSync(join(tmpdir(), 'tollgate-instructions-'))
/** Set once Tollgate runs with `--perf-basic-prof` (`--top`), so its map is removed at the end. */
let tollgatePid
const scratch = postgres ? await scratchPostgres('instr') : undefined

/** `node args` under callgrind, instrumentation off until `counted` turns it on. */
function underCallgrind(name, args) {
  return [
    '--tool=callgrind',
    '--instr-atstart=no',
    // V8 writes machine code into its heap and rewrites it: valgrind must notice that.
    '--smc-check=all-non-file',
    // A dump per thread: the main thread's count apart from V8's compiler and GC helpers.
    '--separate-threads=yes',
    `--callgrind-out-file=${join(dir, `${name}.%p.out`)}`,
    process.execPath,
    ...args,
  ]
}

/** Instructions the process `pid` executed while `work` ran. */
async function counted(pid, work) {
  const before = new Set(readdirSync(dir))
  execFileSync('callgrind_control', ['--instr=on', String(pid)], { stdio: 'ignore' })
  await work()
  execFileSync('callgrind_control', ['--dump', String(pid)], { stdio: 'ignore' })
  execFileSync('callgrind_control', ['--instr=off', String(pid)], { stdio: 'ignore' })
  const dumps = readdirSync(dir).filter((f) => !before.has(f) && f.includes(`.${pid}.out.`))
  if (dumps.length === 0) throw new Error(`no callgrind dump for ${pid}`)
  let main = 0
  let all = 0
  const mainDumps = []
  for (const dump of dumps) {
    const totals = /^totals: (\d+)/m.exec(readFileSync(join(dir, dump), 'utf8'))
    if (!totals) throw new Error(`no totals in ${dump}`)
    all += Number(totals[1])
    if (dump.endsWith('-01')) {
      main += Number(totals[1])
      mainDumps.push(join(dir, dump))
    }
  }
  return { main, all, mainDumps }
}

try {
  const databaseUrl = scratch?.url ?? join(dir, 'instructions.db')
  const { store } = await prepareBenchStore(dir, databaseUrl)
  // Enough signed-in customers that none meets the API's 120 a minute.
  const cookies = await seedCustomers(databaseUrl, { hot: 4000, filler: 6000, tag: 'i' })
  const baselinePort = await freePort()
  const main = resolve(process.env.TOLLGATE_MAIN ?? join(ROOT, 'dist/main.js'))
  const slow = { command: 'valgrind', timeoutMs: 300_000 }
  const baseline = await startServer({
    ...slow,
    name: 'baseline',
    args: underCallgrind('baseline', [join(ROOT, 'scripts/bench/baseline.mjs')]),
    env: { PORT: String(baselinePort) },
    readyUrl: `http://127.0.0.1:${baselinePort}/healthz`,
  })
  const tollgate = await startServer({
    ...slow,
    name: 'tollgate',
    // With --top, node names its generated code in a map for callgrind-top.mjs.
    args: underCallgrind('tollgate', top > 0 ? ['--perf-basic-prof', main] : [main]),
    env: store.env,
    readyUrl: `${store.url}/healthz`,
  })
  if (top > 0) tollgatePid = tollgate.pid
  console.log(
    `${postgres ? 'postgres' : 'sqlite'}; ${main}; ${warmUpRequests} requests of warm-up, ${requests} counted, per side and row`,
  )
  await warmUp({ tollgate: store }, cookies)
  const baseUrl = `http://127.0.0.1:${baselinePort}`
  const load = (amount) => ({ connections: 32, amount, timeout: 60 })
  for (const name of selected) {
    const row = READ_ROWS[name] ?? INTAKE[name]
    const { tollgate: t, baseline: b } =
      name in INTAKE
        ? {
            tollgate: signedEventsTarget(store.url + row.path, store.webhookSecret),
            baseline: signedEventsTarget(baseUrl + row.baseline, store.webhookSecret),
          }
        : readRowTargets(row, { tollgateUrl: store.url, baselineUrl: baseUrl, cookies })
    const per = {}
    for (const [side, proc, target] of [
      ['tollgate', tollgate, t],
      ['baseline', baseline, b],
    ]) {
      await hammer(target, load(warmUpRequests))
      const { main, all, mainDumps } = await counted(proc.pid, () => hammer(target, load(requests)))
      per[side] = { main: main / requests, all: all / requests, mainDumps }
    }
    const k = (n) => `${Math.round(n / 1000)}k`
    const side = (s) => `${k(s.all).padStart(5)} (main thread ${k(s.main)})`
    console.log(
      `${name.padEnd(16)} ${row.path.padEnd(22)} tollgate ${side(per.tollgate)} instructions/req` +
        `  baseline ${row.baseline} ${side(per.baseline)}` +
        `  ratio ${(per.baseline.all / per.tollgate.all).toFixed(2)}× (main thread ${(per.baseline.main / per.tollgate.main).toFixed(2)}×)`,
    )
    if (top > 0)
      for (const dump of per.tollgate.mainDumps)
        printTopFunctions(dump, {
          pid: tollgate.pid,
          per: requests,
          count: top,
          title: `Tollgate's main thread, ${name}`,
        })
  }
  await stopServer(tollgate)
  await stopServer(baseline)
} finally {
  await stopAll()
  await scratch?.drop()
  rmSync(dir, { recursive: true, force: true })
  if (tollgatePid !== undefined) rmSync(perfMapPath(tollgatePid), { force: true })
}
process.exit()
