#!/usr/bin/env node
// `npx tollgate <command>`: the TypeScript sources run through tsx's loader, so a fresh clone
// needs only `npm install`.
import { register } from 'tsx/esm/api'

register()
const { runCli } = await import('../src/cli/index.ts')
process.exitCode = await runCli(process.argv.slice(2))
