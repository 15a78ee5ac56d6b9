#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --no-postgres] [-- --no-soak] [-- --console-only] [-- --reads-only]`:
 * Tollgate side by side with a
 * bare Hono app on the same Node, in one run. Builds (`npm run build`), starts the Stripe emulator,
 * the baseline, a file server (nginx when installed) and Tollgate from dist/ on SQLite (and on
 * PostgreSQL when BENCH_DATABASE_URL / TEST_DATABASE_URL answers), then prints one row per
 * measure: Tollgate, baseline, ratio, goal, met. Full mode exits 1 when a goal is missed; --quick
 * is a smoke run (short, small data, no goal enforced) for CI. --reads-only measures cold start,
 * idle memory and the three read paths (gated page, entitlements API, store page) on SQLite only.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { writeBenchCatalog } from './catalog.mjs'
import { consoleRow } from './console.mjs'
import { startFileServer } from './file-server.mjs'
import { HOST_SPEED_NOTE, speedLog } from './host-speed.mjs'
import { freePort, run, startServer, stopAll, stopServer } from './proc.mjs'
import { downloadRow, purchaseRows, scaleRow, startRows, throughputRow, warmUp, webhookRow } from './rows.mjs'
import { soakRow } from './soak.mjs'
import { grantProbe, prepareTollgate, seedCustomers, startEmulator } from './store.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const known = ['--quick', '--no-postgres', '--no-soak', '--console-only', '--reads-only']
const consoleOnly = argv.includes('--console-only')
const readsOnly = argv.includes('--reads-only')
const unknown = argv.filter((a) => !known.includes(a))
if (unknown.length > 0) {
  console.error(`bench: unknown option ${unknown[0]} (known: ${known.join(', ')})`)
  process.exit(2)
}

const MODE = quick
  ? {
      load: { connections: 16, duration: 1 },
      downloadsEach: 2,
      repeats: 1,
      startRepeats: 1,
      purchases: 4,
      archiveMb: 20,
      // As many as the full run: the 20-s soak on an idle machine sends ~6 k entitlement reads a
      // second, which 300 customers turned into 429s (120 a minute each).
      hot: 10_000,
      bigCount: 50_000,
      soakSeconds: 20,
      console: { customers: 5_000, orders: 10_000, subscriptions: 1_000 },
    }
  : {
      load: { connections: 32, duration: 5 },
      downloadsEach: 5,
      repeats: 5,
      startRepeats: 5,
      purchases: 24,
      archiveMb: 100,
      // Signed-in customers the read rows rotate through. The entitlements API allows each
      // customer 120 requests a minute (API_LIMITS, a product decision), and a row (three 5-s runs
      // of each side, well under a minute) must not meet it: 10,000 customers × 120 = 1.2 M
      // requests, room for 80 k req/s over the row's 15 s, near the bare baseline's own pace.
      hot: 10_000,
      bigCount: 1_000_000,
      soakSeconds: 600,
      console: { customers: 100_000, orders: 200_000, subscriptions: 20_000 },
    }

const results = []
const speed = speedLog()
const log = (line) => console.error(`bench ${new Date().toISOString().slice(11, 19)}: ${line}`)

async function measure(name, fn) {
  log(`${name} (${speed.probe()})`)
  try {
    const out = await fn()
    for (const r of [out].flat()) {
      results.push(r)
      log(
        `  ${r.row}: ${r.tollgate} vs ${r.baseline || '-'} = ${r.value}, goal ${r.goal} (${r.met ? 'met' : 'NOT met'})`,
      )
    }
  } catch (err) {
    results.push({
      row: name,
      tollgate: '',
      baseline: '',
      value: `error: ${err.message.split('\n')[0]}`,
      goal: '',
      met: false,
    })
    log(`  ${name} failed: ${err.stack}`)
  }
}

async function postgresUrl() {
  if (argv.includes('--no-postgres') || quick || consoleOnly || readsOnly) return undefined
  const admin =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/test'
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
  } catch {
    log(`PostgreSQL not reachable at ${admin}: SQLite only`)
    return undefined
  }
  return {
    async create(name) {
      await client.query(`drop database if exists ${name}`)
      await client.query(`create database ${name}`)
      const url = new URL(admin)
      url.pathname = `/${name}`
      return url.href
    },
    async dropAll(names) {
      for (const name of names) await client.query(`drop database if exists ${name} with (force)`)
      await client.end()
    },
  }
}

async function main() {
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at start`
  log(`${machine}; ${speed.probe()}`)
  await run(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--quiet'])
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'))
  const pgDatabases = []
  const postgres = await postgresUrl()
  try {
    const catalog = writeBenchCatalog(dir, MODE.archiveMb)
    if (!readsOnly)
      await measure('owner console at scale', () =>
        consoleRow({ dir, catalogPath: catalog.path, repeats: MODE.repeats }, MODE.console),
      )
    if (consoleOnly) return
    const baselinePort = await freePort()
    const startBaseline = () =>
      startServer({
        name: 'baseline',
        args: [join(ROOT, 'scripts/bench/baseline.mjs')],
        env: { PORT: String(baselinePort) },
        readyUrl: `http://127.0.0.1:${baselinePort}/healthz`,
      })
    const baseline = { url: `http://127.0.0.1:${baselinePort}` }

    const targets = [{ dialect: 'sqlite', url: (name) => join(dir, `${name}.db`) }]
    if (postgres)
      targets.push({
        dialect: 'postgres',
        url: async (name) => {
          pgDatabases.push(name)
          return postgres.create(name)
        },
      })

    for (const target of targets) {
      const tag = target.dialect === 'sqlite' ? 's' : 'p'
      // Each store gets an emulator of its own (its own Stripe account). A new store reads back the
      // account's recent events (webhooks/recover.ts), so on a shared one the PostgreSQL store took
      // in the SQLite store's purchases while its read rows ran, and the 1M store took in both.
      const emulator = await startEmulator()
      const databaseUrl = await target.url(`tollgate_bench_${process.pid}_${tag}`)
      const store = await prepareTollgate({
        name: `tollgate-${target.dialect}`,
        dir,
        databaseUrl,
        catalogPath: catalog.path,
        emulator,
      })
      const filler = Math.max(0, 10_000 - MODE.hot)
      log(`seeding ${target.dialect}: ${MODE.hot} signed-in customers, ${filler} more`)
      const cookies = await seedCustomers(databaseUrl, { hot: MODE.hot, filler, tag })
      const ctx = {
        dir,
        dialect: target.dialect,
        load: MODE.load,
        repeats: MODE.repeats,
        startRepeats: MODE.startRepeats,
        purchases: MODE.purchases,
        archiveMb: MODE.archiveMb,
        downloadsEach: MODE.downloadsEach,
        baseline,
        cookies,
        webhookSecret: store.webhookSecret,
        tollgate: store,
        startTollgate: () => store.start(),
        startBaseline,
        emulatorProc: emulator.proc,
      }
      if (target.dialect === 'sqlite') await measure('cold start and idle memory', () => startRows(ctx))
      const baselineProc = await startBaseline()
      ctx.tollgateProc = await store.start()
      await warmUp(ctx, cookies)
      const on = `(${target.dialect})`
      await measure(`gated page ${on}`, () =>
        throughputRow(ctx, {
          row: `Gated page /premium vs bare Hono HTML ${on}`,
          tollgatePath: '/premium',
          baselinePath: '/page',
          cookies,
        }),
      )
      await measure(`entitlements API ${on}`, () =>
        throughputRow(ctx, {
          row: `GET /api/me/entitlements vs bare Hono JSON ${on}`,
          tollgatePath: '/api/me/entitlements',
          baselinePath: '/json',
          cookies,
        }),
      )
      await measure(`store page ${on}`, () =>
        throughputRow(ctx, {
          row: `Store page vs bare Hono HTML ${on}`,
          tollgatePath: '/',
          baselinePath: '/page',
        }),
      )
      if (readsOnly) {
        await stopServer(baselineProc)
        await stopServer(ctx.tollgateProc)
        continue
      }
      await measure(`webhook intake ${on}`, () =>
        webhookRow({ ...ctx, tollgate: store, baselineProc }).then((r) => ({ ...r, row: `${r.row} ${on}` })),
      )
      if (target.dialect === 'sqlite') {
        ctx.fileServer = await startFileServer(dir, catalog.archive)
        await measure('download, 1 parallel', () => downloadRow(ctx, 1))
        await measure('download, 10 parallel', () => downloadRow(ctx, 10))
        await stopServer(ctx.fileServer.proc)
      }
      ctx.probe = await grantProbe(databaseUrl)
      await measure(`purchases ${on}`, () =>
        purchaseRows(ctx).then((rows) => rows.map((r) => ({ ...r, row: `${r.row} ${on}` }))),
      )
      await ctx.probe.close()
      await stopServer(baselineProc)

      await measure(`entitlement check at scale ${on}`, async () => {
        const bigUrl = await target.url(`tollgate_bench_${process.pid}_${tag}big`)
        const bigEmulator = await startEmulator()
        const big = await prepareTollgate({
          name: `tollgate-${target.dialect}-big`,
          dir,
          databaseUrl: bigUrl,
          catalogPath: catalog.path,
          emulator: bigEmulator,
        })
        log(`seeding ${MODE.bigCount} customers`)
        const bigCookies = await seedCustomers(bigUrl, {
          hot: MODE.hot,
          filler: MODE.bigCount - MODE.hot,
          tag: `${tag}b`,
        })
        let bigProc = await big.start()
        try {
          return await scaleRow(ctx, {
            small: {
              url: store.url,
              cookies,
              restart: async () => {
                await stopServer(ctx.tollgateProc)
                ctx.tollgateProc = await store.start()
              },
            },
            big: {
              url: big.url,
              cookies: bigCookies,
              restart: async () => {
                await stopServer(bigProc)
                bigProc = await big.start()
              },
            },
            bigCount: MODE.bigCount,
          })
        } finally {
          await stopServer(bigProc)
          await stopServer(bigEmulator.proc)
        }
      })
      await stopServer(ctx.tollgateProc)
      if (target.dialect === 'sqlite' && !argv.includes('--no-soak')) {
        await measure('memory soak', () => soakRow(ctx, store, MODE.soakSeconds))
      }
      await stopServer(emulator.proc)
    }
  } finally {
    await stopAll()
    if (postgres) await postgres.dropAll(pgDatabases)
    rmSync(dir, { recursive: true, force: true })
  }
  print(machine)
}

function print(machine) {
  const lines = [
    `Tollgate benchmark (${quick ? 'quick smoke run: goals not enforced' : 'full run'}), ${new Date().toISOString()}`,
    `Machine: ${machine}; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} at the end`,
    `Host speed (${HOST_SPEED_NOTE}): ${speed.summary()}`,
    '',
    '| Path | Tollgate | Baseline | Tollgate ÷ baseline | Goal | Met |',
    '|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.row} | ${r.tollgate} | ${r.baseline} | ${r.value} | ${r.goal} | ${r.met ? 'yes' : '**no**'} |`,
    ),
  ]
  console.log(lines.join('\n'))
  const failed = results.filter((r) => !r.met)
  if (quick) {
    // A smoke run fails only when a measure could not be taken at all.
    if (results.some((r) => r.value.startsWith('error'))) process.exitCode = 1
  } else if (failed.length > 0) {
    process.exitCode = 1
  }
}

process.once('SIGINT', () => stopAll().then(() => process.exit(130)))
await main()
// Keep-alive sockets of the HTTP clients would hold the process open.
process.exit()
