#!/usr/bin/env node
/**
 * `node scripts/bench/profile.mjs [path…]`: runs Tollgate (dist, SQLite, the benchmark's store)
 * and profiles its CPU while autocannon requests each path for 10 s as rotating signed-in
 * customers, from after the benchmark's warm-up (steady-profile.mjs: start-up and warm-up are
 * left out), then prints the heaviest functions and packages by self time, as shares of the busy
 * samples. The profile is kept in ./profiles/ for Chrome DevTools. Build first (`npm run build`).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { summarizeCpuProfile } from './cpu-profile.mjs'
import { hammer } from './load.mjs'
import { stopAll, stopServer } from './proc.mjs'
import { rotatingCookies, warmUp } from './rows.mjs'
import { beginProfile, endProfile, newProfileFile, steadyProfileArgs } from './steady-profile.mjs'
import { prepareBenchStore, seedCustomers } from './store.mjs'

const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['/premium']
const dir = mkdtempSync(join(tmpdir(), 'tollgate-profile-'))
try {
  const databaseUrl = join(dir, 'profile.db')
  const { store } = await prepareBenchStore(dir, databaseUrl)
  // Enough signed-in customers that none meets the API's 120 a minute at 15k requests a second.
  const cookies = await seedCustomers(databaseUrl, { hot: 4000, filler: 6000, tag: 'x' })
  const file = newProfileFile('profile')
  const proc = await store.start(steadyProfileArgs(file))
  // The benchmark's own warm-up, left out of the profile: it holds the steady state the rows measure.
  await warmUp({ tollgate: store }, cookies)
  await beginProfile(proc, file)
  for (const path of paths) {
    const r = await hammer(
      { url: store.url + path, requests: rotatingCookies(cookies) },
      { connections: 32, duration: 10 },
    )
    console.log(`${path}: ${Math.round(r.rps)} req/s`)
  }
  await endProfile(proc, file)
  await stopServer(proc)
  summarizeCpuProfile(file)
} finally {
  await stopAll()
  rmSync(dir, { recursive: true, force: true })
}
process.exit()
