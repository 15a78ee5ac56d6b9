/** One line of a health report or of `tollgate doctor`'s checklist. */
export type CheckStatus = 'pass' | 'warn' | 'fail'

export type CheckResult = {
  /** Short, stable name: `database`, `stripe-keys`, `webhook-endpoint`… */
  name: string
  status: CheckStatus
  /** What was found, in one sentence. */
  detail: string
  /** What to do about it (failures and warnings). */
  fix?: string
}

export function pass(name: string, detail: string): CheckResult {
  return { name, status: 'pass', detail }
}

export function warn(name: string, detail: string, fix: string): CheckResult {
  return { name, status: 'warn', detail, fix }
}

export function fail(name: string, detail: string, fix: string): CheckResult {
  return { name, status: 'fail', detail, fix }
}

/** The worst status of a report: any failure fails it; a warning only warns. */
export function overallStatus(results: readonly CheckResult[]): CheckStatus {
  if (results.some((r) => r.status === 'fail')) return 'fail'
  return results.some((r) => r.status === 'warn') ? 'warn' : 'pass'
}

/** Runs `probe`; a throw becomes a failure with its message. */
export async function guarded(
  name: string,
  fix: string,
  probe: () => Promise<CheckResult>,
): Promise<CheckResult> {
  try {
    return await probe()
  } catch (err) {
    return fail(name, err instanceof Error ? err.message : String(err), fix)
  }
}

/** Rejects after `ms` with a message naming what timed out. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
