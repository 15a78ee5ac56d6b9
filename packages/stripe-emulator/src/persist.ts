/**
 * Optional persistence of the whole state to one JSON file, so a dev store keeps its Stripe data
 * across restarts. Writes are debounced and atomic (temp file + rename).
 * @module
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { emptyState, type State } from './state.js'

export function loadState(path: string | undefined, clockOffset: number): State {
  if (!path || !existsSync(path)) return emptyState(clockOffset)
  let parsed: Partial<State>
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<State>
  } catch (err) {
    // Refuse rather than start empty: the next save would overwrite the user's data.
    const reason = err instanceof Error ? err.message : String(err)
    throw new Error(
      `The emulator state file ${path} is not valid JSON (${reason}); move it away to start fresh.`,
    )
  }
  return { ...emptyState(clockOffset), ...parsed }
}

export function saveState(path: string, state: State): void {
  mkdirSync(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, JSON.stringify(state))
  renameSync(tmp, path)
}

export type Saver = { schedule(): void; flush(): void }

export function createSaver(path: string | undefined, state: () => State, delayMs = 200): Saver {
  let timer: NodeJS.Timeout | undefined
  return {
    schedule() {
      if (!path || timer) return
      timer = setTimeout(() => {
        timer = undefined
        saveState(path, state())
      }, delayMs)
      timer.unref()
    },
    flush() {
      if (timer) clearTimeout(timer)
      timer = undefined
      if (path) saveState(path, state())
    },
  }
}
