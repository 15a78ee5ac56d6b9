#!/usr/bin/env node
// `npx tollgate <command>` (and `npm start`). Under NODE_ENV=production it runs the compiled CLI in
// dist/ with plain node: no TypeScript loader, no child process. Otherwise it runs the TypeScript
// sources through tsx's loader, so a fresh clone needs only `npm install`.
import { existsSync } from 'node:fs'
import { register } from 'node:module'
import { fileURLToPath } from 'node:url'

const compiled = new URL('../dist/cli/index.js', import.meta.url)
let cli
if (process.env.NODE_ENV === 'production') {
  if (!existsSync(compiled)) {
    console.error('NODE_ENV=production runs the compiled build, and dist/ is missing: run `npm run build` first.')
    process.exit(1)
  }
  cli = await import(compiled.href)
} else {
  const { register: registerTypeScript } = await import('tsx/esm/api')
  // Tollgate's own tsconfig (JSX through hono/jsx), not one tsx would look for in the directory the
  // command runs from: from a store's own folder every page failed with "React is not defined".
  // This one extends the root's and includes the emulator's sources too: tsx applies a tsconfig
  // only to the files it includes, and compiled the emulator's pages for React.
  registerTypeScript({ tsconfig: fileURLToPath(new URL('./tsconfig.source.json', import.meta.url)) })
  // Workspace packages (the Stripe emulator) resolve to their sources too.
  register('./source-condition.js', import.meta.url)
  cli = await import('../src/cli/index.ts')
}
process.exitCode = await cli.runCli(process.argv.slice(2))
