// Loaded with `node --expose-gc --import ./heap-probe.mjs dist/main.js` for the soak row only:
// every BENCH_HEAP_EVERY_MS it collects garbage and appends the live heap (MB) to BENCH_HEAP_FILE,
// so the benchmark sees what the process keeps, not what it has not yet collected.
import { appendFileSync } from 'node:fs'

const file = process.env.BENCH_HEAP_FILE
const every = Number(process.env.BENCH_HEAP_EVERY_MS ?? 1000)
if (file && typeof globalThis.gc === 'function') {
  setInterval(() => {
    globalThis.gc()
    appendFileSync(file, `${(process.memoryUsage().heapUsed / 1048576).toFixed(2)}\n`)
  }, every).unref()
}
