/**
 * A CPU profile of Tollgate's steady state only, for profile.mjs, writes.mjs and cpu.mjs: name it
 * with `newProfileFile`, start Tollgate with `steadyProfileArgs(file)` among its node flags, then
 * `beginProfile` after the warm-up and `endProfile` after the load. The profile (Chrome DevTools'
 * `.cpuprofile`) lands in `file`.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const HOOK = new URL('./profile-hook.mjs', import.meta.url)

/** A new file in ./profiles/ (made if missing), named after the tool and the time. */
export function newProfileFile(tool) {
  const out = resolve('profiles')
  mkdirSync(out, { recursive: true })
  return join(out, `${tool}-${new Date().toISOString().replace(/[:.]/g, '')}.cpuprofile`)
}

export function steadyProfileArgs(file) {
  // A copy of the hook's file URL, not one rebuilt from its pathname (already percent-encoded: a
  // checkout under a path with a space would be encoded twice and not found).
  const url = new URL(HOOK)
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
