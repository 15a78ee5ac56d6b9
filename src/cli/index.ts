/**
 * `npx tollgate <command> [args]`: looks the command up in the registry and runs it. Config comes
 * from the environment plus `.env`, exactly as for `npm start`.
 * @module
 */
import { readFileSync } from 'node:fs'
import { ConfigError, readEnvironment } from '../config.js'
import { DatabaseUnreachableError } from '../db/wait.js'
import { CatalogError } from '../modules/catalog/index.js'
import { StartupError } from '../start-errors.js'
import { type CliIO, UsageError } from './command.js'
import { COMMANDS } from './registry.js'

export async function runCli(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...args] = argv
  if (name === '--version' || name === '-v') {
    io.out(`tollgate ${version()}`)
    return 0
  }
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    // `tollgate help grant`: that command's usage, as `tollgate grant --help` prints it.
    if (args.length > 1) {
      io.err(`tollgate help: unexpected argument "${args[1]}"\nUsage: tollgate help [<command>]`)
      return 2
    }
    if (args[0] !== undefined) return runCli([args[0], '--help'], io)
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
      err instanceof DatabaseUnreachableError ||
      err instanceof StartupError
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

/** The help's widest line: a terminal's 100 columns, or fewer. */
const HELP_WIDTH = 100

/**
 * Each command's usage, then its summary indented under it, both wrapped to HELP_WIDTH. (A column
 * as wide as the longest usage, the coupons command's 180 characters, pushed every summary off an
 * ordinary terminal's right edge.)
 */
function usage(): string {
  const lines = [
    'Usage: tollgate <command> [arguments]   (tollgate help <command> for one; tollgate --version)',
    '',
  ]
  for (const c of COMMANDS)
    lines.push(
      ...wrap(bracketGroups(c.usage), '  ', '    '),
      ...wrap(c.summary.split(' '), '      ', '      '),
    )
  return lines.join('\n')
}

/** A usage's words, with each bracketed group (`[--endpoint <id>]`, `(--percent P | …)`) kept whole. */
function bracketGroups(text: string): string[] {
  const groups: string[] = []
  let group: string[] = []
  let depth = 0
  for (const word of text.split(' ')) {
    group.push(word)
    for (const ch of word) depth += ch === '[' || ch === '(' ? 1 : ch === ']' || ch === ')' ? -1 : 0
    if (depth <= 0) {
      groups.push(group.join(' '))
      group = []
      depth = 0
    }
  }
  if (group.length > 0) groups.push(group.join(' '))
  return groups
}

/** `units` joined by spaces in lines of at most HELP_WIDTH (a longer unit keeps a line of its own). */
function wrap(units: string[], firstIndent: string, nextIndent: string): string[] {
  const lines: string[] = []
  let line = firstIndent
  let fresh = true
  for (const unit of units) {
    if (!fresh && line.length + 1 + unit.length > HELP_WIDTH) {
      lines.push(line)
      line = nextIndent
      fresh = true
    }
    line += fresh ? unit : ` ${unit}`
    fresh = false
  }
  lines.push(line)
  return lines
}

/** Tollgate's version, from its package.json (two folders up, from src/cli/ and dist/cli/ alike). */
function version(): string {
  const manifest = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
  return (JSON.parse(manifest) as { version: string }).version
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
