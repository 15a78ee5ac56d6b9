/**
 * Reads a V8 CPU profile (`.cpuprofile`, as steady-profile.mjs writes it) and prints the heaviest packages and functions by self time, as
 * shares of the busy samples (idle left out: a run that waits, for its warm-up or the database,
 * would otherwise dilute every share). Used by profile.mjs, writes.mjs and cpu.mjs.
 */
import { readFileSync } from 'node:fs'

export function summarizeCpuProfile(file) {
  const { nodes, samples } = JSON.parse(readFileSync(file, 'utf8'))
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const counts = new Map()
  for (const id of samples) counts.set(id, (counts.get(id) ?? 0) + 1)
  const idle = [...counts].filter(([id]) => byId.get(id).callFrame.functionName === '(idle)')
  const busy = samples.length - idle.reduce((s, [, n]) => s + n, 0)
  const byFn = new Map()
  const byPkg = new Map()
  for (const [id, n] of counts) {
    const { functionName, url, lineNumber } = byId.get(id).callFrame
    if (functionName === '(idle)') continue
    const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')
    const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`
    byFn.set(fn, (byFn.get(fn) ?? 0) + n)
    const pkg =
      /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
      (url.includes('/dist/') ? 'tollgate' : url.startsWith('node:') ? 'node' : functionName || '(native)')
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + n)
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((100 * v) / busy).toFixed(1).padStart(5)}%  ${k}`)
  console.log(
    `\n${file} (shares of busy samples)\nby package:\n${top(byPkg, 15).join('\n')}\n\nby function:\n${top(byFn, 40).join('\n')}`,
  )
}
