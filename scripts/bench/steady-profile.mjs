/**
 * A CPU profile of Tollgate's steady state only, for profile.mjs and writes.mjs: start Tollgate
 * with `steadyProfileArgs(file)` among its node flags, then `beginProfile` after the warm-up and
 * `endProfile` after the load. The profile (Chrome DevTools' `.cpuprofile`) lands in `file`.
 */
import { existsSync, rmSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const HOOK = new URL('./profile-hook.mjs', import.meta.url)

export function steadyProfileArgs(file) {
  const url = pathToFileURL(HOOK.pathname)
  url.searchParams.set('out', file)
  return [`--import=${url.href}`]
}

export async function beginProfile(proc, file) {
  rmSync(`${file}.started`, { force: true })
  proc.child.kill('SIGUSR2')
  await waitFor(`${file}.started`, 'the profiler to start')
  rmSync(`${file}.started`, { force: true })
}

export async function endProfile(proc, file) {
  proc.child.kill('SIGUSR2')
  await waitFor(file, 'the profile to be written')
}

async function waitFor(path, what) {
  const deadline = Date.now() + 30_000
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${path})`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
