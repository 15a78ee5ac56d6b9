#!/usr/bin/env node
/**
 * `node scripts/bench/profile.mjs [path…]`: runs Tollgate (dist, SQLite, the benchmark's store)
 * under `--cpu-prof` while autocannon requests each path for 10 s as rotating signed-in
 * customers, after the benchmark's warm-up, then prints the heaviest functions and packages by
 * self time, as shares of the busy samples. The profile is kept in ./profiles/ for Chrome
 * DevTools. Build first (`npm run build`).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { summarizeCpuProfile } from './cpu-profile.mjs'
import { hammer } from './load.mjs'
import { stopAll, stopServer } from './proc.mjs'
import { rotatingCookies, warmUp } from './rows.mjs'
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
    const r = await hammer(
      { url: store.url + path, requests: rotatingCookies(cookies) },
      { connections: 32, duration: 10 },
    )
    console.log(`${path}: ${Math.round(r.rps)} req/s`)
  }
  await stopServer(proc)
  const file = readdirSync(out).find((f) => !before.has(f) && f.endsWith('.cpuprofile'))
  summarizeCpuProfile(join(out, file))
} finally {
  await stopAll()
  rmSync(dir, { recursive: true, force: true })
}
process.exit()
