/**
 * Flags of the benchmark's scripts: `--name N` as a positive integer, taken out of `argv` so that
 * what is left is the script's other flags and names. A bad value exits 2, naming the flag.
 */
export function integerOption(argv, name, fallback, tool) {
  const i = argv.indexOf(name)
  if (i < 0) return fallback
  const n = Number(argv[i + 1])
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`${tool}: ${name} needs a positive integer`)
    process.exit(2)
  }
  argv.splice(i, 2)
  return n
}

/**
 * The rows named in `argv` (what is left once the integer options are taken); when none is named,
 * `defaults` (every row unless given). Anything else that is not one of `flags` exits 2, naming it.
 */
export function readRowsNamed(argv, rows, { tool, flags, options, defaults = Object.keys(rows) }) {
  const names = argv.filter((a) => !flags.includes(a))
  for (const name of names) {
    if (!(name in rows)) {
      console.error(
        `${tool}: unknown row ${name} (known: ${[...Object.keys(rows), ...options, ...flags].join(', ')})`,
      )
      process.exit(2)
    }
  }
  return names.length > 0 ? names : defaults
}
