/**
 * The one place the app touches the Stripe emulator package: test mode starts it in-process here
 * (the server, the CLI and the test harness), and `tollgate emulator` hands its arguments to the
 * package's own CLI. Everything else reaches the emulator only over HTTP, through the official
 * `stripe` SDK, exactly as it would reach Stripe. Loaded lazily: a live deployment never carries it.
 * @module
 */
import type { Emulator, EmulatorOptions } from '@tollgate/stripe-emulator'

export type { Emulator, EmulatorOptions } from '@tollgate/stripe-emulator'

/** Starts an emulator in this process; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions): Promise<{ emulator: Emulator; url: string }> {
  const { createEmulator } = await import('@tollgate/stripe-emulator')
  const emulator = createEmulator(options)
  const { url } = await emulator.start()
  return { emulator, url }
}

/**
 * `tollgate emulator …`: the package's standalone CLI (serve, advance, reset). `target` says where
 * this store's emulator listens, asked when `advance` or `reset` names none (`--url`, `--port`).
 * Resolves with the reason when it refuses its arguments (a bad flag or value, an unknown
 * command), which the command reports as a usage error; any other failure rejects.
 */
export async function runEmulatorCommand(
  args: string[],
  target: () => Promise<string>,
): Promise<string | undefined> {
  const { runEmulatorCli, EmulatorUsageError } = await import('@tollgate/stripe-emulator/cli')
  try {
    await runEmulatorCli(args, { target })
    return undefined
  } catch (err) {
    if (err instanceof EmulatorUsageError) return err.message
    throw err
  }
}
