#!/usr/bin/env node
// `npx stripe-emulator [--port 12111] …`: the TypeScript sources run through tsx's loader, so the
// package needs no build step.
import { register } from 'tsx/esm/api'

register()
const { runEmulatorCli } = await import('../src/cli.ts')
try {
  await runEmulatorCli(process.argv.slice(2))
} catch (err) {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
}
