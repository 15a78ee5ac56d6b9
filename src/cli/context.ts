/**
 * Dependencies for one-shot CLI commands. In test mode the CLI attaches to the emulator of a
 * running `npm start` (its URL is in `<dataDir>/emulator.url`); if none is running it starts one
 * in-process on the same state file, does the work, and saves the state on the way out.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Config, loadConfig } from '../config.js'
import { createDeps, type Deps } from '../deps.js'
import { startEmulator } from '../test-mode/emulator.js'
import type { CliIO } from './command.js'

export type CliDeps = { deps: Deps; close(): Promise<void> }

export function cliConfig(io: CliIO): Config {
  const env = { LOG_LEVEL: 'warn', ...io.env }
  return loadConfig(env)
}

export async function openCliDeps(config: Config): Promise<CliDeps> {
  if (!config.testMode || config.stripeApiUrl) return plain(config)
  const running = await runningEmulatorUrl(config.dataDir)
  if (running) return plain(Object.freeze({ ...config, stripeApiUrl: running }))
  const { emulator, url } = await startEmulator({ port: 0, statePath: join(config.dataDir, 'emulator.json') })
  const opened = plain(Object.freeze({ ...config, stripeApiUrl: url }))
  return {
    deps: opened.deps,
    async close() {
      await opened.close()
      await emulator.stop()
    },
  }
}

function plain(config: Config): CliDeps {
  const deps = createDeps(config)
  return { deps, close: () => deps.db.destroy() }
}

async function runningEmulatorUrl(dataDir: string): Promise<string | undefined> {
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
