/**
 * Node entry (`npm start`): start Tollgate from the environment and stop cleanly on SIGINT/SIGTERM.
 * @module
 */
import { ConfigError, loadConfig, readEnvironment } from './config.js'
import { DatabaseUnreachableError } from './db/wait.js'
import { CatalogError } from './modules/catalog/index.js'
import { startTollgate } from './start.js'
import { StartupError } from './start-errors.js'

export async function main(): Promise<void> {
  let running: Awaited<ReturnType<typeof startTollgate>>
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig(readEnvironment())
    running = await startTollgate(config)
  } catch (err) {
    // Operator mistakes get a clear list, not a stack trace.
    if (
      err instanceof ConfigError ||
      err instanceof CatalogError ||
      err instanceof DatabaseUnreachableError ||
      err instanceof StartupError
    ) {
      console.error(err.message)
      process.exit(1)
    }
    throw err
  }
  if (config.testMode) {
    console.log(
      `\n  Tollgate (test mode) is running at ${config.publicUrl}\n  Stripe emulator: ${running.emulatorUrl}\n`,
    )
  }
  let stopping = false
  const shutdown = (signal: string): void => {
    if (stopping) return
    stopping = true
    running.deps.log.info({ signal }, 'shutting down')
    running.stop().then(
      () => process.exit(0),
      (err) => {
        running.deps.log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

await main()
