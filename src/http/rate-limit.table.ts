/** One counter per key and fixed window (see rate-limit.ts). */
export interface RateLimitTable {
  key: string
  window_start: string
  count: number
}
