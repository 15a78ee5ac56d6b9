#!/usr/bin/env node
// `npx stripe-emulator [--port 12111] …`: the TypeScript sources run through tsx's loader, so the
// package needs no build step.
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

// The package's own tsconfig, wherever the command runs from (tsx would look in the working directory).
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) })
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
