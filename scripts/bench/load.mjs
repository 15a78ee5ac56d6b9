/**
 * Load generation with autocannon, and the side-by-side discipline: each pair of targets runs
 * `repeats` times in alternating order (A B, B A, A B…); each pair's own ratio is taken, and the
 * median of those is compared with the goal.
 */
import autocannon from 'autocannon'

/**
 * One autocannon run; resolves to requests/s and bytes/s of 2xx answers only (any other status
 * is counted and reported, so a rate limit or an error never passes as speed).
 */
export async function hammer(
  target,
  { connections = 32, duration = 5, amount, timeout = 10, pipelining = 1 } = {},
) {
  const started = performance.now()
  const run = autocannon({
    url: target.url,
    method: target.method ?? 'GET',
    headers: target.headers ?? {},
    ...(target.body !== undefined ? { body: target.body } : {}),
    ...(target.requests ? { requests: target.requests } : {}),
    connections,
    timeout,
    ...(amount ? { amount } : { duration }),
    pipelining,
  })
  // A run of a fixed `amount` ends at autocannon's next one-second tick, not at its last answer, and
  // its duration says so: a download of 1.05 s counted as 2 s (MB/s landed on one of two values).
  // Such runs are timed here, to the last answer.
  let lastAnswer = started
  if (amount) run.on('response', () => (lastAnswer = performance.now()))
  const result = await run
  const ok = result['2xx']
  const bad = result.non2xx + result.errors + result.timeouts
  if (ok === 0 || bad > ok * 0.01) {
    // Which statuses, so a rate limit (429) or a sign-in redirect (303) is told from a failure.
    const statuses = Object.entries(result.statusCodeStats ?? {})
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${code}×${count}`)
      .join(', ')
    throw new Error(
      `${target.url}: ${ok} ok, ${result.non2xx} non-2xx${statuses ? ` (${statuses})` : ''}, ${result.errors} errors, ${result.timeouts} timeouts`,
    )
  }
  const seconds = amount && lastAnswer > started ? (lastAnswer - started) / 1000 : result.duration
  return {
    rps: ok / seconds,
    bytesPerSecond: result.throughput.total / seconds,
    latencyP50: result.latency.p50,
  }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Runs `measureA` and `measureB` `repeats` times each, alternating which goes first, and returns
 * both medians and `ratio`, the median of each pair's own A ÷ B. A pair runs back to back, so its
 * two sides share the machine's state of the moment; the ratio of the two medians did not, when
 * the machine's speed drifted during a row (a bare baseline measured 28.6 k req/s, then 14.4 k
 * half a minute later in one run), and could set one round's A against another round's B.
 */
export async function sideBySide(measureA, measureB, repeats) {
  const a = []
  const b = []
  for (let i = 0; i < repeats; i++) {
    if (i % 2 === 0) {
      a.push(await measureA())
      b.push(await measureB())
    } else {
      b.push(await measureB())
      a.push(await measureA())
    }
  }
  return { a: median(a), b: median(b), ratio: pairedRatio(a, b), samplesA: a, samplesB: b }
}

/** The median of `a[i] ÷ b[i]`: samples taken in back-to-back pairs, compared pair by pair. */
export function pairedRatio(a, b) {
  return median(a.map((value, i) => value / b[i]))
}
