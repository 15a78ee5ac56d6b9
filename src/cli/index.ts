/**
 * `npx tollgate <command> [args]`: looks the command up in the registry and runs it. Config comes
 * from the environment plus `.env`, exactly as for `npm start`.
 * @module
 */
import { ConfigError, readEnvironment } from '../config.js'
import { DatabaseUnreachableError } from '../db/wait.js'
import { CatalogError } from '../modules/catalog/index.js'
import { type CliIO, UsageError } from './command.js'
import { COMMANDS } from './registry.js'

export async function runCli(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage())
    return name === undefined ? 1 : 0
  }
  const command = COMMANDS.find((c) => c.name === name)
  if (!command) {
    io.err(`Unknown command "${name}".\n\n${usage()}`)
    return 1
  }
  if (!command.ownHelp && (args.includes('--help') || args.includes('-h'))) {
    io.out(`Usage: tollgate ${command.usage}\n\n${command.summary}`)
    return 0
  }
  try {
    return await command.run(args, io)
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`tollgate ${name}: ${err.message}\nUsage: tollgate ${command.usage}`)
      return 2
    }
    if (
      err instanceof ConfigError ||
      err instanceof CatalogError ||
      err instanceof DatabaseUnreachableError
    ) {
      io.err(err.message)
      return 1
    }
    // One readable line for operators; the stack only when asked for.
    io.err(`tollgate ${name} failed: ${err instanceof Error ? err.message : String(err)}`)
    if (io.env.LOG_LEVEL === 'debug' && err instanceof Error && err.stack) io.err(err.stack)
    return 1
  }
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.usage.length))
  const lines = COMMANDS.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`)
  return ['Usage: tollgate <command>', '', ...lines].join('\n')
}

function defaultIO(): CliIO {
  return {
    env: readEnvironment(),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }
}

// Run directly (`tsx src/cli/index.ts …`, the `npm run tollgate` script).
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  process.exitCode = await runCli(process.argv.slice(2))
}
