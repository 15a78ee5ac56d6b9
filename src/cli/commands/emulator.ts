/**
 * `npx tollgate emulator [options]` runs the emulator on its own; `emulator advance <duration>` and
 * `emulator reset` act on this store's emulator: the one named by `--url` or `--port`, else
 * STRIPE_API_URL, else the one the running store wrote to `<DATA_DIR>/emulator.url`, else
 * STRIPE_EMULATOR_PORT. With none of those there is nothing to move (exit 1), rather than a guess
 * at 127.0.0.1:12111, which may be another store's.
 * @module
 */
import { join } from 'node:path'
import { runEmulatorCommand } from '../../test-mode/emulator.js'
import { type CliIO, type Command, UsageError } from '../command.js'
import { cliConfig, runningEmulatorUrl } from '../context.js'

/** This store has no emulator to act on: said plainly, exit 1. */
class NoEmulatorError extends Error {
  override name = 'NoEmulatorError'
}

export const emulatorCommand: Command = {
  name: 'emulator',
  usage: 'emulator [options] | advance <duration> [--url URL | --port N] | reset [--url URL | --port N]',
  summary:
    "Run the Stripe emulator on its own; advance or reset this store's (see `tollgate emulator --help`)",
  ownHelp: true,
  async run(args, io) {
    try {
      const refused = await runEmulatorCommand(args, () => storeEmulatorUrl(io))
      if (refused !== undefined) throw new UsageError(refused)
      return 0
    } catch (err) {
      if (!(err instanceof NoEmulatorError)) throw err
      io.err(err.message)
      return 1
    }
  },
}

/** Where this store's emulator listens, by the order in the header. */
async function storeEmulatorUrl(io: CliIO): Promise<string> {
  const config = cliConfig(io)
  if (config.stripeApiUrl) return config.stripeApiUrl
  if (!config.testMode)
    throw new NoEmulatorError('This store uses Stripe itself (STRIPE_SECRET_KEY is set): it has no emulator.')
  const running = await runningEmulatorUrl(config.dataDir)
  if (running) return running
  if (config.emulatorPort) return `http://127.0.0.1:${config.emulatorPort}`
  throw new NoEmulatorError(
    `No emulator is running for this store (none answers at the URL in ${join(config.dataDir, 'emulator.url')}). ` +
      'Start the store with `npx tollgate start`, or name an emulator with --url.',
  )
}
