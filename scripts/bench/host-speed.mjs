/**
 * How fast the machine is right now: the CPU time a fresh Node process takes for a fixed piece of
 * work (JSON out and back, a SHA-256, string building: the kind of work a request does), the
 * quickest of five rounds after a warm-up. The same build's CPU per purchase was 5.0 ms in one full
 * run and 9.3 ms in the next, with nothing in the load average or the steal time to say why. Two
 * things move this figure: the host (a shared VM runs slower when its neighbours are busy) and
 * other work on this machine (its two vCPUs share a core's caches: a loop allocating arrays on the
 * other vCPU took the figure from 26 to 34–48 ms, a bare spin loop left it at 26). A row's ratio
 * compares two sides measured moments apart, so it suffers least; its absolute figures, and any
 * comparison of two runs, need this figure beside them. Lower is faster. The work runs in a child
 * process of its own, away from the benchmark's garbage collector.
 *
 * `node scripts/bench/host-speed.mjs` prints one reading.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'

const ROUNDS = 5
/** Rounds run first and not counted: the engine compiles the loop's code during them. */
const WARM_UP = 10
const ITEMS = 10_000
const SELF = fileURLToPath(import.meta.url)

/** The work itself, in this process: milliseconds of CPU of the quickest of ROUNDS. */
function measureHere() {
  const samples = []
  let sink = 0
  for (let round = 0; round < WARM_UP + ROUNDS; round++) {
    const start = process.cpuUsage()
    for (let i = 0; i < ITEMS; i++) {
      const text = JSON.stringify({
        customer: { id: `cus_${i}`, email: `c${i}@example.com` },
        entitlements: [{ feature: 'premium', allowed: true, via: 'order', until: null }],
      })
      const parsed = JSON.parse(text)
      sink += createHash('sha256').update(text).digest('hex').length + parsed.customer.id.length
    }
    const used = process.cpuUsage(start)
    if (round >= WARM_UP) samples.push((used.user + used.system) / 1000)
  }
  // Keeps the loop's work observable, so no engine can drop it.
  if (sink === 0) throw new Error('speed probe did no work')
  // The least disturbed round: a burst of other work slows some rounds, never speeds one up.
  return Math.min(...samples)
}

/** One reading, taken in a child process (about half a second). */
export function speedProbeMs() {
  const ms = Number(execFileSync(process.execPath, [SELF], { encoding: 'utf8' }).trim())
  if (!Number.isFinite(ms)) throw new Error('speed probe gave no reading')
  return ms
}

const probeText = (ms) => `speed probe ${ms.toFixed(0)} ms`
/** `speed probe 41 ms`, for a log line. */
export const speedProbeText = () => probeText(speedProbeMs())

/** What the figures mean, for the report's host speed line. */
export const HOST_SPEED_NOTE = 'CPU time of a fixed piece of work in a process of its own; lower is faster'

/** Takes readings through a run (`probe()` for a log line) and sums them up at its end. */
export function speedLog() {
  const readings = []
  return {
    probe() {
      const ms = speedProbeMs()
      readings.push(ms)
      return probeText(ms)
    },
    summary() {
      const last = speedProbeMs()
      if (readings.length === 0) return `${last.toFixed(0)} ms at the end`
      const low = Math.min(...readings).toFixed(0)
      const high = Math.max(...readings).toFixed(0)
      return `${readings[0].toFixed(0)} ms at the start, ${low}–${high} ms through the run, ${last.toFixed(0)} ms at the end`
    },
  }
}

if (process.argv[1] === SELF) console.log(measureHere().toFixed(2))
