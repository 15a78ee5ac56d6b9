/**
 * Loaded into Tollgate with `--import` by steady-profile.mjs (never by the app itself): SIGUSR2
 * starts V8's CPU profiler in the process, the next SIGUSR2 stops it and writes the profile where
 * this module's URL says (`?out=<path>`). Unlike `--cpu-prof`, which samples from start to exit,
 * this leaves out start-up and the warm-up before the steady state a row measures.
 */
import { renameSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector'

const out = new URL(import.meta.url).searchParams.get('out')
if (!out) throw new Error('profile-hook: no ?out=<path> in the --import URL')
const session = new Session()
session.connect()
let running = false

function post(method, params) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))),
  )
}

process.on('SIGUSR2', async () => {
  if (!running) {
    running = true
    await post('Profiler.enable')
    await post('Profiler.start')
    writeFileSync(`${out}.started`, '')
    return
  }
  running = false
  const { profile } = await post('Profiler.stop')
  writeFileSync(`${out}.part`, JSON.stringify(profile))
  // Renamed when whole, so the caller never reads half a profile.
  renameSync(`${out}.part`, out)
})
