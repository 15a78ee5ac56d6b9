/**
 * Verifies a `Stripe-Signature` header the way stripe-node 23's `constructEvent` does, with one HMAC from `node:crypto` and a constant-time
 * compare: `t=<unix seconds>,v1=<hex>[,v1=…][,v0=…]`, HMAC-SHA256 of `<t>.<raw body>` keyed with
 * the whole `whsec_…` string, accepted when any `v1` matches and `now − t` is at most the tolerance
 * (300 s; a timestamp in the future passes). The SDK's verifier went through its async crypto
 * provider, a header parser and a JSON parse of its own on every delivery; here the route parses
 * the body once, after this says yes.
 * @module
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { systemClock } from '../../lib/clock.js'

let lastSecret = ''
let lastKey = Buffer.alloc(0)

/**
 * The secret's UTF-8 bytes, kept for the last secret used: `createHmac` given the string converts it
 * on every call, and given the bytes it skipped about a fifth of the HMAC's cost for a webhook of a
 * few hundred bytes. (Rotating the secret changes the string, so the bytes follow it.)
 */
function keyBytes(secret: string): Buffer {
  if (secret !== lastSecret) {
    lastKey = Buffer.from(secret, 'utf8')
    lastSecret = secret
  }
  return lastKey
}

/** Stripe's default, which Tollgate keeps. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

/**
 * Why the signature is refused, or undefined when it is good. `nowSeconds` defaults to the wall
 * clock, not the app clock: Stripe (and the emulator) sign with their own wall time, and in test
 * mode the app clock follows the emulator's, which may have been moved days ahead.
 */
export function checkStripeSignature(
  payload: string,
  header: string,
  secret: string,
  nowSeconds = Math.floor(systemClock.now().getTime() / 1000),
): string | undefined {
  if (payload === '') return 'empty body'
  if (header === '') return 'no Stripe-Signature header'
  let timestamp: string | undefined
  const signatures: string[] = []
  for (const item of header.split(',')) {
    const eq = item.indexOf('=')
    if (eq < 0) continue
    const key = item.slice(0, eq)
    // Up to a second `=`, as stripe-node reads each `key=value` (it splits on every `=`).
    const value = item.slice(eq + 1).split('=')[0] as string
    if (key === 't') timestamp = value
    else if (key === 'v1') signatures.push(value)
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return 'no timestamp in the header'
  if (signatures.length === 0) return 'no v1 signature in the header'
  const expected = createHmac('sha256', keyBytes(secret)).update(`${timestamp}.${payload}`, 'utf8').digest()
  const matches = signatures.some((hex) => {
    if (!/^[0-9a-f]{64}$/.test(hex)) return false
    return timingSafeEqual(Buffer.from(hex, 'hex'), expected)
  })
  if (!matches) return 'no signature matches the payload'
  if (nowSeconds - Number(timestamp) > SIGNATURE_TOLERANCE_SECONDS) return 'timestamp outside the tolerance'
  return undefined
}
