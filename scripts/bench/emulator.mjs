#!/usr/bin/env node
// The Stripe emulator from its compiled build (`npm run build`), for the benchmark: the same
// `stripe-emulator` command line, without the TypeScript loader.
import { runEmulatorCli } from '../../packages/stripe-emulator/dist/cli.js'

await runEmulatorCli(process.argv.slice(2))
