/**
 * The body of `POST /api/v1/checkout-sessions`, strict (an unknown field is refused by name), with
 * Stripe's own limits checked here so nothing Stripe would refuse is sent: the currency must be one
 * we know Stripe's minimum for, the amount at least that minimum and at most eight digits, the
 * interval at most three years. The same schema feeds the OpenAPI document.
 * @module
 */
import { z } from '@hono/zod-openapi'
import {
  BILLING_INTERVALS,
  CHARGE_CURRENCIES,
  MAX_INTERVAL_COUNT,
  MAXIMUM_CHARGE,
  minimumCharge,
} from '../../lib/stripe-currencies.js'

const FEATURE_KEY = /^[a-z0-9][a-z0-9:_.-]{0,99}$/
const METADATA_KEY = /^(?!tollgate_)[A-Za-z0-9_.-]{1,40}$/
const METADATA_KEY_RULE =
  'keys are 1 to 40 letters, digits, _ . or -, not starting with tollgate_ (and not __proto__)'

/**
 * Zod leaves a `__proto__` key out of a record without a word (it cannot be an own key of the
 * object it builds), so the caller's metadata would lose it: refuse it by name instead.
 */
function refuseProtoKey(input: unknown, ctx: z.RefinementCtx): unknown {
  if (typeof input === 'object' && input !== null && Object.hasOwn(input, '__proto__')) {
    ctx.addIssue({ code: 'custom', path: ['__proto__'], message: METADATA_KEY_RULE, input })
  }
  return input
}

const Recurring = z
  .strictObject({
    interval: z.enum(BILLING_INTERVALS),
    interval_count: z.number().int().min(1).default(1),
  })
  .openapi('Recurring', { description: 'Bill every `interval_count` `interval`s; at most three years.' })

const Grant = z
  .strictObject({
    feature: z.string().regex(FEATURE_KEY).openapi({ example: 'premium' }),
    duration_days: z.number().int().min(1).max(36_500).nullable().default(null).openapi({
      description: 'Days of access from payment; null (the default) = forever.',
    }),
  })
  .openapi('GrantSpec')

export const CheckoutSessionBody = z
  .strictObject({
    price: z.string().min(1).max(200).optional().openapi({
      description:
        "A catalog price lookup key. A plan sells on the catalog's terms (trial, promotion codes), one per family per customer.",
    }),
    skip_trial: z.boolean().default(false).openapi({
      description:
        'With a catalog plan: start without its free trial, paying from today (a customer who had a trial is refused without it, 409 TRIAL_ALREADY_USED).',
    }),
    amount: z.number().int().min(1).max(MAXIMUM_CHARGE).optional().openapi({
      description: "Ad-hoc line: unit amount in the currency's minor units (cents; yen for JPY).",
      example: 1999,
    }),
    currency: z
      .string()
      .regex(/^[a-z]{3}$/, 'three lower-case letters (ISO 4217)')
      .optional()
      .openapi({ enum: [...CHARGE_CURRENCIES], example: 'usd' }),
    product_name: z.string().trim().min(1).max(250).optional().openapi({ example: 'Team plan, 5 seats' }),
    recurring: Recurring.optional(),
    quantity: z.number().int().min(1).max(100).default(1),
    customer_email: z.email().max(320).optional(),
    customer_id: z
      .string()
      .regex(/^cu_\w+$/)
      .optional()
      .openapi({ description: 'A Tollgate customer id.' }),
    billing_address_collection: z.enum(['auto', 'required']).default('auto'),
    success_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    cancel_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional(),
    metadata: z
      .preprocess(
        refuseProtoKey,
        z.record(z.string().regex(METADATA_KEY, METADATA_KEY_RULE), z.string().max(500)),
      )
      .optional()
      .openapi({
        description: `Yours, kept on the order (and a subscription): at most 40 keys; ${METADATA_KEY_RULE}; values up to 500 characters.`,
      }),
    grants: z.array(Grant).max(10).default([]).openapi({
      description: 'Catalog features to grant once paid, each feature at most once.',
    }),
  })
  .superRefine(checkLine)
  .openapi('CheckoutSessionCreate')

export type CheckoutSessionBody = z.infer<typeof CheckoutSessionBody>

type Issue = { path: string; message: string }

function checkLine(body: z.infer<z.ZodObject>, ctx: z.RefinementCtx): void {
  const b = body as Partial<CheckoutSessionBody>
  const add = (i: Issue): void => ctx.addIssue({ code: 'custom', path: [i.path], message: i.message })
  const adhoc = b.amount !== undefined || b.currency !== undefined || b.product_name !== undefined
  if (b.price !== undefined && (adhoc || b.recurring)) {
    add({
      path: 'price',
      message: 'give either price or an ad-hoc line (amount, currency, product_name), not both',
    })
  } else if (b.price === undefined) {
    for (const field of ['amount', 'currency', 'product_name'] as const) {
      if (b[field] === undefined) add({ path: field, message: 'required for an ad-hoc line (or give price)' })
    }
  }
  if (b.skip_trial && b.price === undefined) {
    add({ path: 'skip_trial', message: 'only with a catalog price (an ad-hoc line has no trial)' })
  }
  if (b.currency !== undefined) {
    const minimum = minimumCharge(b.currency)
    if (minimum === undefined)
      add({ path: 'currency', message: `not accepted; one of ${CHARGE_CURRENCIES.join(', ')}` })
    else if (b.amount !== undefined && b.amount < minimum) {
      add({ path: 'amount', message: `at least ${minimum} (Stripe's minimum charge in ${b.currency})` })
    }
  }
  if (b.recurring && b.recurring.interval_count > MAX_INTERVAL_COUNT[b.recurring.interval]) {
    add({
      path: 'recurring',
      message: `interval_count at most ${MAX_INTERVAL_COUNT[b.recurring.interval]} for ${b.recurring.interval}`,
    })
  }
  if (b.customer_email !== undefined && b.customer_id !== undefined) {
    add({ path: 'customer_id', message: 'give customer_email or customer_id, not both' })
  }
  if (b.metadata && Object.keys(b.metadata).length > 40) add({ path: 'metadata', message: 'at most 40 keys' })
  const repeated = b.grants?.find((g, i) => b.grants?.findIndex((o) => o.feature === g.feature) !== i)
  if (repeated) {
    add({ path: 'grants', message: `"${repeated.feature}" appears more than once; give each feature once` })
  }
  if (b.grants && JSON.stringify(b.grants.map((g) => [g.feature, g.duration_days])).length > 500) {
    add({ path: 'grants', message: 'too long for Stripe metadata (500 characters encoded)' })
  }
}

export const CheckoutSessionCreated = z
  .object({
    id: z.string().openapi({ example: 'cs_test_a1b2c3' }),
    url: z.url(),
    expires_at: z.iso.datetime(),
    mode: z.enum(['payment', 'subscription']),
  })
  .openapi('CheckoutSession')
