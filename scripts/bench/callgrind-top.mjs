/**
 * Where the instructions of a callgrind dump went, function by function, with V8's generated code
 * named. `callgrind_annotate` prints every JIT-compiled function as `???:0x…`, which says nothing;
 * node started with `--perf-basic-prof` writes `/tmp/perf-<pid>.map` (start, size and name of each
 * piece of code it generates), and that names them: `*securityHeadersMiddleware main.js:37813`
 * (`*` optimized, `^` baseline code, as V8 marks them).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { fileURLToPath } from 'node:url'

const ROOT_URL = new URL('../..', import.meta.url).href
const ROOT = fileURLToPath(ROOT_URL)

/** Where node under `--perf-basic-prof` writes its map of generated code. */
export const perfMapPath = (pid) => `/tmp/perf-${pid}.map`

function readPerfMap(path) {
  if (!existsSync(path)) return []
  const entries = []
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const [start, size, ...name] = line.split(' ')
    if (name.length === 0) continue
    entries.push({
      start: Number.parseInt(start, 16),
      end: Number.parseInt(start, 16) + Number.parseInt(size, 16),
      name: name.join(' '),
    })
  }
  return entries
}

/** Names an address; the map's later entries win (V8 reuses the space of code it dropped). */
function namer(entries) {
  const known = new Map()
  return (address) => {
    let name = known.get(address)
    if (name === undefined) {
      name = `0x${address.toString(16)}`
      for (const entry of entries) if (address >= entry.start && address < entry.end) name = entry.name
      known.set(address, name)
    }
    return name
  }
}

const sourceMaps = new Map()

/**
 * Where a place in the build comes from (`dist/main.js:37810:44` → `src/http/security-headers.ts:79`),
 * through the build's source map; the place as it is when there is none.
 */
function sourceOf(url, line, column, fallback) {
  if (!sourceMaps.has(url)) {
    const path = `${fileURLToPath(url)}.map`
    sourceMaps.set(url, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined)
  }
  const entry = sourceMaps.get(url)?.findEntry(line - 1, column - 1)
  if (!entry?.originalSource) return fallback
  const source = entry.originalSource.replace(/^(\.\.\/)+/, '')
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`
}

/** `callgrind_annotate`'s function column, made short: JIT code named, paths relative, no object file. */
function shortName(text, name) {
  return (
    text
      .replace(
        /\?\?\?:0x([0-9a-f]+)('\d+)? \[\?\?\?\]/,
        (_, hex, recursion = '') => `${name(Number.parseInt(hex, 16))}${recursion}`,
      )
      .replace(/(file:\/\/\/[^ ]+\.js):(\d+):(\d+)/, (whole, url, line, column) =>
        sourceOf(url, Number(line), Number(column), whole),
      )
      .replace(/ \[[^\]]*\]$/, '')
      .replace(/^\?\?\?:/, '')
      // A native function's source file (`…/deps/uv/src/unix/core.c:uv_run`): its name is enough.
      .replace(/^[^ (]*\.(c|cc|h|S):/, '')
      .replaceAll(ROOT_URL, '')
      .replaceAll(ROOT, '')
      .replace(/:(\d+):\d+\]?/g, ':$1')
  )
}

function annotated(dump, inclusive) {
  const out = execFileSync(
    'callgrind_annotate',
    [`--inclusive=${inclusive ? 'yes' : 'no'}`, '--threshold=100', dump],
    {
      maxBuffer: 512 * 1024 * 1024,
    },
  ).toString()
  const rows = []
  for (const line of out.split('\n')) {
    const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.+)$/.exec(line)
    if (m) rows.push({ ir: Number(m[1].replaceAll(',', '')), fn: m[2] })
  }
  return rows
}

/**
 * Prints the `count` heaviest functions of `dump` (a thread's dump from a process `pid` run under
 * `--perf-basic-prof`), each divided by `per` (requests): JavaScript functions by inclusive
 * instructions (a function with all it calls: which step of the request is heavy; the native
 * frames between them are the same few trampolines and loops for every request), then every
 * function, native ones included, by self instructions (where the work is actually done).
 */
export function printTopFunctions(dump, { pid, per, count, title }) {
  const name = namer(readPerfMap(perfMapPath(pid)))
  const k = (ir) => `${(ir / per / 1000).toFixed(1)}k`.padStart(7)
  const views = [
    { inclusive: true, heading: 'JavaScript functions, inclusive', keep: (fn) => fn.startsWith('JS:') },
    { inclusive: false, heading: 'all functions, self', keep: (fn) => fn !== 'PROGRAM TOTALS' },
  ]
  for (const { inclusive, heading, keep } of views) {
    const rows = annotated(dump, inclusive)
      .map((row) => ({ ir: row.ir, fn: shortName(row.fn, name) }))
      .filter((row) => keep(row.fn))
      .slice(0, count)
    console.log(`  ${title}, instructions per request, ${heading}:`)
    for (const row of rows) console.log(`  ${k(row.ir)}  ${row.fn}`)
  }
}
