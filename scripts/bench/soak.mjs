/**
 * The memory soak: Tollgate under a steady mix of gated pages, entitlement reads and store pages
 * for `seconds`, its live heap sampled after a forced GC every second (heap-probe.mjs). Flat means
 * the last fifth's median is within 10% (or 5 MB) of the median of the fifth after warm-up.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { hammer, median } from './load.mjs'
import { stopServer } from './proc.mjs'

const PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url))

export async function soakRow(ctx, store, seconds) {
  const heapFile = join(ctx.dir, 'heap.txt')
  const proc = await store.start(['--expose-gc', '--import', PROBE], {
    BENCH_HEAP_FILE: heapFile,
    BENCH_HEAP_EVERY_MS: String(Math.max(250, Math.floor((seconds * 1000) / 100))),
  })
  let warmSamples = 0
  try {
    const paths = ['/premium', '/api/me/entitlements', '/']
    let i = 0
    const target = {
      url: store.url,
      requests: [
        {
          // Each customer in turn makes one visit of all three paths. Indexing path and cookie
          // by the same counter made customer k always take path k % 3 whenever the number of
          // customers divides by three (300 in --quick): a third of them then only called
          // /api/me/entitlements, ~127 times in 20 s, and met its per-customer limit (120/min).
          setupRequest(req) {
            const visit = Math.floor(i / paths.length)
            const path = paths[i % paths.length]
            i++
            return {
              ...req,
              path,
              headers: { ...req.headers, cookie: ctx.cookies[visit % ctx.cookies.length] },
            }
          },
        },
      ],
    }
    // One visit by every customer first: the read cache then holds each of them (two entries a
    // customer, kept while nothing changes), as it does after a store's first minutes. Without
    // it the 20-s --quick soak measured the cache filling (+12 to +15 MB), not a leak.
    await hammer(target, { connections: 16, amount: ctx.cookies.length * paths.length })
    warmSamples = heapSamples(heapFile).length
    await hammer(target, { connections: 16, duration: seconds })
  } finally {
    await stopServer(proc)
  }
  const samples = heapSamples(heapFile).slice(warmSamples)
  const fifth = Math.max(1, Math.floor(samples.length / 5))
  const early = median(samples.slice(fifth, 2 * fifth))
  const late = median(samples.slice(-fifth))
  const growth = late - early
  return {
    row: `Memory soak, ${seconds} s of mixed load (live heap after GC, ${samples.length} samples)`,
    tollgate: `${early.toFixed(1)} → ${late.toFixed(1)} MB`,
    baseline: '',
    value: `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`,
    goal: 'flat (≤ +10% or +5 MB)',
    met: growth <= Math.max(5, early * 0.1),
  }
}

/** The live-heap samples (MB) heap-probe.mjs has written so far; none before its first. */
function heapSamples(file) {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}
