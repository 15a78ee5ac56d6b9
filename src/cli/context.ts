/**
 * Dependencies for one-shot CLI commands. In test mode the CLI attaches to the emulator of a
 * running `npm start` (its URL is in `<dataDir>/emulator.url`); if none is running it starts one
 * in-process on the same state file, does the work, and saves the state on the way out. Either
 * way the command's clock is the emulator's, as the server's is.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Config, loadConfig } from '../config.js'
import { migrateToLatest } from '../db/migrate.js'
import { createDeps, type Deps } from '../deps.js'
import { type AppError, isAppError } from '../lib/errors.js'
import { startEmulator } from '../test-mode/emulator.js'
import { readEmulatorClock } from '../test-mode/emulator-clock.js'
import type { CliIO } from './command.js'

export type CliDeps = { deps: Deps; close(): Promise<void> }

export function cliConfig(io: CliIO): Config {
  const env = { LOG_LEVEL: 'warn', ...io.env }
  return loadConfig(env)
}

export async function openCliDeps(config: Config): Promise<CliDeps> {
  if (!config.testMode) return plain(config)
  if (config.stripeApiUrl) return attached(config, config.stripeApiUrl)
  const running = await runningEmulatorUrl(config.dataDir)
  if (running) return attached(config, running)
  const { emulator, url } = await startEmulator({ port: 0, statePath: join(config.dataDir, 'emulator.json') })
  let opened: CliDeps
  try {
    opened = await attached(config, url)
  } catch (err) {
    // A catalog that does not load, say: the emulator's listening socket would otherwise keep the
    // process alive after the error is printed, and the command would never exit.
    await emulator.stop()
    throw err
  }
  return {
    deps: opened.deps,
    async close() {
      await opened.close()
      await emulator.stop()
    },
  }
}

/** Deps talking to the emulator at `url`, on its clock. */
async function attached(config: Config, url: string): Promise<CliDeps> {
  const clock = await readEmulatorClock(url)
  return plain(Object.freeze({ ...config, stripeApiUrl: url }), clock)
}

function plain(config: Config, clock?: Deps['clock']): CliDeps {
  const deps = createDeps(config, clock ? { clock } : {})
  return {
    deps,
    close: async () => {
      await deps.rateLimits.close()
      await deps.db.destroy()
    },
  }
}

/** The emulator of the store running on `dataDir` (`npm start` writes its URL), if it answers. */
export async function runningEmulatorUrl(dataDir: string): Promise<string | undefined> {
  const file = join(dataDir, 'emulator.url')
  if (!existsSync(file)) return undefined
  const url = readFileSync(file, 'utf8').trim()
  try {
    const res = await fetch(`${url}/_emulator/clock`, { signal: AbortSignal.timeout(1000) })
    return res.ok ? url : undefined
  } catch {
    return undefined
  }
}

/**
 * The edge of a one-shot command: opens the deps, migrates, runs `work` (which opens any
 * transaction it needs), closes. A request the app refuses (an AppError: unknown feature, no such
 * customer…) prints its message and exits 1.
 */
export async function withCliDeps(io: CliIO, work: (opened: CliDeps) => Promise<number>): Promise<number> {
  const opened = await openCliDeps(cliConfig(io))
  try {
    await migrateToLatest(opened.deps.db)
    return await work(opened)
  } catch (err) {
    if (!isAppError(err)) throw err
    io.err(refusalText(err))
    return 1
  } finally {
    await opened.close()
  }
}

/**
 * A refusal as the command line prints it: the app's message, then what each refused field was
 * told (the web answers carry the same in the envelope's details), so "The request is invalid."
 * never stands alone.
 */
function refusalText(err: AppError): string {
  const fields = (err.details as { fieldErrors?: unknown } | undefined)?.fieldErrors
  if (typeof fields !== 'object' || fields === null) return err.message
  const lines = Object.entries(fields).flatMap(([field, problems]) =>
    Array.isArray(problems) ? problems.map((problem) => `  ${field}: ${String(problem)}`) : [],
  )
  return [err.message, ...lines].join('\n')
}
