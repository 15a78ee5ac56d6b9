#!/usr/bin/env node
/**
 * `node scripts/bench/profile.mjs [path…]`: runs Tollgate (dist, SQLite, the benchmark's store)
 * under `--cpu-prof` while autocannon requests each path for 10 s as rotating signed-in
 * customers, then prints the heaviest functions and packages by self time. The profile is kept in
 * ./profiles/ for Chrome DevTools. Build first (`npm run build`).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { hammer } from './load.mjs'
import { stopAll, stopServer } from './proc.mjs'
import { warmUp } from './rows.mjs'
import { prepareBenchStore, seedCustomers } from './store.mjs'

const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['/premium']
const out = resolve('profiles')
mkdirSync(out, { recursive: true })
const dir = mkdtempSync(join(tmpdir(), 'tollgate-profile-'))
try {
  const databaseUrl = join(dir, 'profile.db')
  const { store } = await prepareBenchStore(dir, databaseUrl)
  // Enough signed-in customers that none meets the API's 120 a minute at 15k requests a second.
  const cookies = await seedCustomers(databaseUrl, { hot: 4000, filler: 6000, tag: 'x' })
  const before = new Set(readdirSync(out))
  const proc = await store.start(['--cpu-prof', `--cpu-prof-dir=${out}`])
  // The benchmark's own warm-up, so that the profile is mostly the steady state the rows measure.
  await warmUp({ tollgate: store }, cookies)
  for (const path of paths) {
    let i = 0
    const r = await hammer(
      {
        url: store.url + path,
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              headers: { ...req.headers, cookie: cookies[i++ % cookies.length] },
            }),
          },
        ],
      },
      { connections: 32, duration: 10 },
    )
    console.log(`${path}: ${Math.round(r.rps)} req/s`)
  }
  await stopServer(proc)
  const file = readdirSync(out).find((f) => !before.has(f) && f.endsWith('.cpuprofile'))
  summarize(join(out, file))
} finally {
  await stopAll()
  rmSync(dir, { recursive: true, force: true })
}
process.exit()

function summarize(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map()
  const counts = new Map()
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)
  const total = profile.samples.length
  const byFn = new Map()
  const byPkg = new Map()
  for (const [id, n] of counts) {
    const node = byId.get(id)
    const { functionName, url, lineNumber } = node.callFrame
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}`
    byFn.set(fn, (byFn.get(fn) ?? 0) + n)
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.includes('/dist/') ? 'tollgate' : url.startsWith('node:') ? 'node' : functionName || '(native)')
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + n)
  }
  self.clear()
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
  console.log(
    `\n${file}\nby package (self time):\n${top(byPkg, 15).join('\n')}\n\nby function (self time):\n${top(byFn, 40).join('\n')}`,
  )
}
