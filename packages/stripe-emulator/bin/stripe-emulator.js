#!/usr/bin/env node
// `npx stripe-emulator [--port 12111] …`: the TypeScript sources run through tsx's loader, so the
// package needs no build step.
import { register } from 'tsx/esm/api'

register()
const { runEmulatorCli, EmulatorUsageError, HELP } = await import('../src/cli.ts')
try {
  await runEmulatorCli(process.argv.slice(2))
} catch (err) {
  // A refused flag or command exits 2 with the usage; anything else (an emulator that answered an
  // error, a port in use) exits 1.
  if (err instanceof EmulatorUsageError) {
    console.error(`${err.message}\n\n${HELP}`)
    process.exit(2)
  }
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
}
