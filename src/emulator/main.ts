/** Standalone entry: `tsx src/emulator/main.ts [--port 12111] [--state file]`. */
import { runEmulatorCli } from './cli.js'

runEmulatorCli(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
