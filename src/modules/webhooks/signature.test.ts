import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import Stripe from 'stripe'
import { describe, expect, it } from 'vitest'
import { checkStripeSignature, SIGNATURE_TOLERANCE_SECONDS } from './signature.js'

const SECRET = 'whsec_signature_test'
const OTHER = 'whsec_rolled_out'
const sdk = new Stripe('sk_test_tollgate_local')
const NOW = 1_790_000_000

const v1 = (payload: string, secret: string, t: number): string =>
  createHmac('sha256', secret).update(`${t}.${payload}`, 'utf8').digest('hex')

/** What stripe-node 23 says of the same delivery: the verifier this one replaces. */
function sdkAccepts(payload: string, header: string, now = NOW): boolean {
  const verifier = sdk.webhooks.signature
  if (!verifier) throw new Error('stripe-node has no webhooks.signature')
  try {
    verifier.verifyHeader(payload, header, SECRET, SIGNATURE_TOLERANCE_SECONDS, undefined, now * 1000)
    return true
  } catch {
    return false
  }
}

describe('checkStripeSignature', () => {
  const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'coupon.created' })

  it('accepts what the SDK signs, and refuses what the SDK refuses', () => {
    const good = sdk.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: NOW })
    const cases: [string, string, number][] = [
      [payload, good, NOW],
      [payload, good, NOW + SIGNATURE_TOLERANCE_SECONDS],
      [payload, good, NOW + SIGNATURE_TOLERANCE_SECONDS + 1], // stale
      [payload, good, NOW - 3600], // signed in the future: passes, as in the SDK
      [`${payload} `, good, NOW], // tampered body
      [payload, `t=${NOW},v1=${'0'.repeat(64)},v1=${v1(payload, SECRET, NOW)},v0=ignored`, NOW], // a roll
      [payload, `t=${NOW},v1=${v1(payload, OTHER, NOW)}`, NOW], // another secret
      [payload, `t=${NOW},v0=${v1(payload, SECRET, NOW)}`, NOW], // only v0
      [payload, `v1=${v1(payload, SECRET, NOW)}`, NOW], // no timestamp
      [payload, `t=${NOW + 1},v1=${v1(payload, SECRET, NOW)}`, NOW], // timestamp not the one signed
      [payload, `t=${NOW},v1=${v1(payload, SECRET, NOW).toUpperCase()}`, NOW],
      [payload, `t=${NOW},v1=${v1(payload, SECRET, NOW).slice(0, 63)}`, NOW],
      [payload, '', NOW],
      [payload, 't=1,v1=deadbeef', NOW],
    ]
    for (const [body, header, now] of cases) {
      expect(checkStripeSignature(body, header, SECRET, now) === undefined, header).toBe(
        sdkAccepts(body, header, now),
      )
    }
    expect(checkStripeSignature(payload, good, SECRET, NOW)).toBeUndefined()
    expect(checkStripeSignature(payload, `t=${NOW},v1=${v1(payload, OTHER, NOW)}`, SECRET, NOW)).toBe(
      'no signature matches the payload',
    )
  })

  it('follows a changed secret from one call to the next (the key bytes it keeps)', () => {
    const signedBy = (secret: string) => `t=${NOW},v1=${v1(payload, secret, NOW)}`
    // Alternating secrets, one of them beyond ASCII: each call must use its own secret's bytes.
    const rotated = 'whsec_rotated_é€'
    for (const [secret, other] of [
      [SECRET, OTHER],
      [OTHER, SECRET],
      [rotated, SECRET],
      [SECRET, rotated],
    ] as const) {
      expect(checkStripeSignature(payload, signedBy(secret), secret, NOW)).toBeUndefined()
      expect(checkStripeSignature(payload, signedBy(other), secret, NOW)).toBe(
        'no signature matches the payload',
      )
    }
  })

  it('agrees with the SDK on arbitrary headers and bodies (property)', () => {
    // A header is a mix of good and bad parts, so both answers come up. One deliberate difference
    // is left out: the SDK throws on an empty `v1=` even when another v1 matches; we accept.
    const part = fc.oneof(
      fc.constant('t'),
      fc.constant('good'),
      fc.integer({ min: 0, max: 2 * NOW }).map((t) => `t=${t}`),
      fc.string({ minLength: 1, maxLength: 70 }).map((v) => `v1=${v}`),
      fc.string({ maxLength: 10 }),
    )
    fc.assert(
      fc.property(fc.string(), fc.array(part, { maxLength: 5 }), (body, parts) => {
        const header = parts
          .map((p) => (p === 't' ? `t=${NOW}` : p === 'good' ? `v1=${v1(body, SECRET, NOW)}` : p))
          .join(',')
        // Empty as the SDK reads it: `v1=` then a comma, the end, or another `=` (found by this property).
        fc.pre(!/(^|,)v1=(=|,|$)/.test(header))
        expect(
          checkStripeSignature(body, header, SECRET, NOW) === undefined,
          `${JSON.stringify(body)} ${header}`,
        ).toBe(sdkAccepts(body, header))
      }),
      {
        numRuns: 500,
        examples: [
          [' ', ['t', 'good', 'v1=good=x']],
          [' ', ['t=1790000000=5', 'good']],
        ],
      },
    )
  })
})
