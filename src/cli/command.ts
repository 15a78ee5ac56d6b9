/**
 * What every `npx tollgate <command>` is: a name, a usage line, a summary and a run function, plus
 * strict argument parsing (Node's `util.parseArgs`): an unknown flag, a flag without its value or
 * a wrong number of arguments is a `UsageError`, which the CLI prints with the usage line and
 * exits 2. A bad flag value is a `UsageError` naming the flag, whether its text is wrong
 * (`flagValue`) or the app's own check refuses it (`checkFlags`).
 * @module
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { isAppError } from '../lib/errors.js'

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

/**
 * Runs one of the app's own input checks, for a rule a flag's text alone cannot settle (it needs
 * another flag, or the clock), and makes its refusal a UsageError like any other bad value: an
 * INVALID_REQUEST naming a field (`details.field`, or `details.fieldErrors`) is reported under that
 * field's flag in `flags` (`{ percentOff: '--percent' }`). Call it before anything is changed.
 */
export function checkFlags<T>(flags: Record<string, string>, check: () => T): T {
  try {
    return check()
  } catch (err) {
    if (!isAppError(err) || err.code !== 'INVALID_REQUEST') throw err
    const details = err.details as { field?: string; fieldErrors?: Record<string, string[]> } | undefined
    const field = details?.field ?? Object.keys(details?.fieldErrors ?? {})[0]
    const flag = field === undefined ? undefined : flags[field]
    if (flag === undefined || field === undefined) throw err
    throw new UsageError(`${flag}: ${details?.fieldErrors?.[field]?.[0] ?? err.message}`)
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/

/** An `<email>` argument that is not one is a UsageError. */
export function checkEmail(email: string): void {
  if (!EMAIL.test(email)) throw new UsageError(`"${email}" is not an email address`)
}

/** Prints `data` as one JSON document (for `--json`). */
export function printJSON(io: CliIO, data: unknown): void {
  io.out(JSON.stringify(data, null, 2))
}
