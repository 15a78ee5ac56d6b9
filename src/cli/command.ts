/**
 * What every `npx tollgate <command>` is: a name, a usage line, a summary and a run function, plus
 * strict argument parsing (Node's `util.parseArgs`): an unknown flag, a flag without its value or
 * a wrong number of arguments is a `UsageError`, which the CLI prints with the usage line and
 * exits 2. A bad flag value is a `UsageError` naming the flag.
 * @module
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'

type FlagOptions = NonNullable<ParseArgsConfig['options']>

export type CliIO = {
  env: Record<string, string | undefined>
  out(line: string): void
  err(line: string): void
}

export type Command = {
  name: string
  usage: string
  summary: string
  /** The command prints its own `--help` (the emulator's CLI does). */
  ownHelp?: boolean
  /** Returns the process exit code. Long-running commands (start, emulator) resolve when stopped. */
  run(args: string[], io: CliIO): Promise<number>
}

/** Something wrong with how a command was called: exit 2, with the usage line. */
export class UsageError extends Error {
  override name = 'UsageError'
}

type Parsed<O extends FlagOptions> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true; strict: true; args: string[] }>
>

/**
 * Parses `args` strictly against `options`; `positionals` bounds how many plain arguments may come.
 * `--json` is a flag of its own on commands that print data; add it to `options` there.
 */
export function parseCommandArgs<const O extends FlagOptions>(
  args: string[],
  options: O,
  positionals: { min: number; max: number; names?: string[] },
): { values: Parsed<O>['values']; positionals: string[] } {
  let parsed: Parsed<O>
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as Parsed<O>
  } catch (err) {
    throw new UsageError(describeParseError(err))
  }
  const count = parsed.positionals.length
  if (count < positionals.min) {
    const missing = positionals.names?.slice(count, positionals.min).join(', ')
    throw new UsageError(missing ? `missing ${missing}` : 'missing arguments')
  }
  if (count > positionals.max) {
    throw new UsageError(`unexpected argument "${parsed.positionals[positionals.max]}"`)
  }
  return { values: parsed.values, positionals: parsed.positionals }
}

function describeParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  // Node's messages name the flag ("Unknown option '--days'"); drop its advice about '--'.
  return message.split('. To specify a positional argument')[0] ?? message
}

/** A flag's value checked by `parse`; a refusal becomes a UsageError naming the flag. */
export function flagValue<T>(
  flag: string,
  value: string | undefined,
  parse: (text: string) => T | undefined,
  expected: string,
): T | undefined {
  return checkedValue(`--${flag}`, value, parse, expected)
}

/** A value checked by `parse`; a refusal becomes a UsageError naming it as `label` (`--until`, `<url>`). */
export function checkedValue<T>(
  label: string,
  value: string | undefined,
  parse: (text: string) => T | undefined,
  expected: string,
): T | undefined {
  if (value === undefined) return undefined
  const parsed = parse(value)
  if (parsed === undefined) throw new UsageError(`${label}: expected ${expected}, got "${value}"`)
  return parsed
}

/** Prints `data` as one JSON document (for `--json`). */
export function printJSON(io: CliIO, data: unknown): void {
  io.out(JSON.stringify(data, null, 2))
}
