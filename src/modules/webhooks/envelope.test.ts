/**
 * Properties of the event envelope check: an event-shaped value is accepted as it is, and breaking
 * any one of its fields gets it refused (the intake then answers 400 and stores nothing).
 * @see issue 9
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { parseEventEnvelope } from './envelope.js'

/** The Zod schema the hand-written check replaced (per delivery it cost ten times as much). */
const ZodEnvelope = z.object({
  id: z.string().regex(/^evt_\w{1,250}$/),
  type: z
    .string()
    .max(100)
    .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/),
  created: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 40),
  data: z.object({ object: z.looseObject({}) }),
})

const word = fc.stringMatching(/^[a-z0-9_]{1,12}$/)
const event = fc.record({
  id: fc.stringMatching(/^evt_\w{1,40}$/),
  type: fc.array(word, { minLength: 2, maxLength: 4 }).map((parts) => parts.join('.')),
  created: fc.integer({ min: 0, max: 2 ** 40 }),
  data: fc.record({ object: fc.dictionary(word, fc.jsonValue(), { maxKeys: 4 }) }),
  livemode: fc.boolean(),
})

const BREAKS = {
  id: fc.oneof(
    fc.constant(undefined),
    fc.integer(),
    fc.constant('evt_'),
    fc.string().filter((s) => !/^evt_\w+$/.test(s)),
  ),
  type: fc.oneof(fc.constant(undefined), fc.constant('invoice'), fc.constant('Invoice.Paid'), fc.integer()),
  created: fc.oneof(
    fc.constant(undefined),
    fc.integer({ max: -1 }),
    fc.double({ noInteger: true }),
    fc.constant('1790000000'),
    fc.constant(2 ** 41),
  ),
  data: fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.constant({}),
    fc.record({ object: fc.string() }),
  ),
} as const

describe('parseEventEnvelope (properties)', () => {
  it('accepts every event-shaped value, unchanged', () => {
    fc.assert(
      fc.property(event, (e) => {
        expect(parseEventEnvelope(e)).toBe(e)
      }),
    )
  })

  it('refuses an event with any one field broken or missing', () => {
    const broken = fc
      .constantFrom(...(Object.keys(BREAKS) as (keyof typeof BREAKS)[]))
      .chain((field) => fc.tuple(fc.constant(field), event, BREAKS[field] as fc.Arbitrary<unknown>))
    fc.assert(
      fc.property(broken, ([field, e, value]) => {
        const bad: Record<string, unknown> = { ...e, [field]: value }
        if (value === undefined) delete bad[field]
        expect(parseEventEnvelope(bad)).toBeUndefined()
      }),
    )
  })

  it('refuses any JSON that is not an object with those fields', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const accepted = parseEventEnvelope(value) !== undefined
        const looks =
          typeof value === 'object' &&
          value !== null &&
          !Array.isArray(value) &&
          'id' in value &&
          'type' in value
        if (accepted) expect(looks).toBe(true)
      }),
    )
  })

  it('agrees with the Zod schema it replaced, on events, broken events and any JSON', () => {
    const field = fc.constantFrom(...(Object.keys(BREAKS) as (keyof typeof BREAKS)[]))
    const broken = field.chain((f) =>
      fc.tuple(event, BREAKS[f] as fc.Arbitrary<unknown>).map(([e, value]) => {
        const bad: Record<string, unknown> = { ...e, [f]: value }
        if (value === undefined) delete bad[f]
        return bad
      }),
    )
    const anything = fc.oneof(event, broken, fc.jsonValue(), fc.anything())
    fc.assert(
      fc.property(anything, (value) => {
        expect(parseEventEnvelope(value) !== undefined).toBe(ZodEnvelope.safeParse(value).success)
      }),
      { numRuns: 2000 },
    )
  })
})
