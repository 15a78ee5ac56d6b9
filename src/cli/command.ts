/** What every `npx tollgate <command>` is: a name, a one-line summary, and a run function. */

export type CliIO = {
  env: Record<string, string | undefined>
  out(line: string): void
  err(line: string): void
}

export type Command = {
  name: string
  usage: string
  summary: string
  /** Returns the process exit code. Long-running commands (start, emulator) resolve when stopped. */
  run(args: string[], io: CliIO): Promise<number>
}

/** `--flag` present? Flags are removed from the positional list by `positional()`. */
export function hasFlag(args: string[], flag: string): boolean {
  return args.includes(flag)
}

/** `--name value` or `--name=value`. */
export function flagValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === name) return args[i + 1]
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
  }
  return undefined
}

export function positional(args: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (!arg.startsWith('--')) out.push(arg)
    else if (
      !arg.includes('=') &&
      args[i + 1] !== undefined &&
      !(args[i + 1] as string).startsWith('--') &&
      VALUE_FLAGS.has(arg)
    )
      i++
  }
  return out
}

/** Flags that take a value (so their value is not mistaken for a positional argument). */
export const VALUE_FLAGS = new Set(['--until', '--reason', '--port', '--name'])
