/**
 * Schemas of the integrator reads and grant writes: orders, customers (a Stripe-style list with
 * `starting_after` / `limit` / `has_more`), entitlements (the same answer and reasons the pages
 * use) and grants.
 * @module
 */
import { z } from '@hono/zod-openapi'

export const IdParam = (prefix: string, example: string) =>
  z.object({
    id: z
      .string()
      .regex(new RegExp(`^${prefix}_\\w+$`))
      .openapi({ param: { name: 'id', in: 'path' }, example }),
  })

const Address = z
  .object({
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    city: z.string().nullable(),
    postal_code: z.string().nullable(),
    state: z.string().nullable(),
    country: z.string().nullable(),
  })
  .openapi('Address')

export const OrderSchema = z
  .object({
    id: z.string().openapi({ example: 'ord_01jd…' }),
    object: z.literal('order'),
    customer_id: z.string(),
    status: z.enum(['paid', 'partially_refunded', 'refunded', 'disputed']),
    product_id: z.string().nullable(),
    price: z.string().nullable().openapi({ description: 'Catalog lookup key; null for an ad-hoc line.' }),
    product_name: z.string().nullable(),
    quantity: z.number().int(),
    amount: z.number().int().openapi({ description: 'Total paid, in minor units.' }),
    amount_refunded: z.number().int(),
    currency: z.string(),
    billing_address: Address.nullable(),
    metadata: z.record(z.string(), z.string()),
    checkout_session_id: z.string(),
    created_at: z.iso.datetime(),
    refunded_at: z.iso.datetime().nullable(),
  })
  .openapi('Order')

export const CustomerSchema = z
  .object({
    id: z.string().openapi({ example: 'cu_01jd…' }),
    object: z.literal('customer'),
    email: z.email(),
    created_at: z.iso.datetime(),
  })
  .openapi('Customer')

const LIMIT_RULE = 'must be a whole number from 1 to 100'

export const CustomerListQuery = z.strictObject({
  email: z.email().max(320).optional(),
  // Decimal digits only: a number coerced from `1e1`, `0x10` or ` 10` is not what the caller wrote.
  limit: z
    .string()
    .regex(/^\d{1,3}$/, LIMIT_RULE)
    .transform(Number)
    .pipe(z.number().int().min(1, LIMIT_RULE).max(100, LIMIT_RULE))
    .default(10)
    .openapi({ type: 'integer', minimum: 1, maximum: 100, default: 10 }),
  starting_after: z
    .string()
    .regex(/^cu_\w+$/)
    .optional()
    .openapi({ description: 'The last id of the previous page: a customer that exists (else 400).' }),
})

export const CustomerList = z
  .object({
    object: z.literal('list'),
    data: z.array(CustomerSchema),
    has_more: z.boolean(),
  })
  .openapi('CustomerList')

export const EntitlementSchema = z
  .object({
    feature: z.string(),
    allowed: z.boolean(),
    via: z.enum(['order', 'subscription', 'trial', 'manual']).optional(),
    source_id: z.string().optional(),
    until: z.iso.datetime().nullable().optional().openapi({ description: 'null = forever' }),
  })
  .openapi('Entitlement')

export const EntitlementList = z
  .object({
    object: z.literal('list'),
    customer: z.object({ id: z.string(), email: z.email() }),
    data: z.array(EntitlementSchema),
    has_more: z.literal(false),
  })
  .openapi('EntitlementList')

export const GrantCreate = z
  .strictObject({
    customer_id: z
      .string()
      .regex(/^cu_\w+$/)
      .optional(),
    customer_email: z.email().max(320).optional(),
    feature: z.string().min(1).max(100),
    until: z.iso
      .datetime({ offset: true, error: 'a date-time with Z or an offset (2030-01-01T00:00:00Z)' })
      .optional()
      .openapi({ description: 'When access ends (RFC 3339; answered in UTC); omitted = forever.' }),
    reason: z.string().trim().min(1).max(200),
  })
  .superRefine((b, ctx) => {
    if ((b.customer_id === undefined) === (b.customer_email === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['customer_id'],
        message: 'give exactly one of customer_id, customer_email',
      })
    }
  })
  .openapi('GrantCreate')

export const GrantSchema = z
  .object({
    id: z.string().openapi({ example: 'grt_01jd…' }),
    object: z.literal('grant'),
    customer_id: z.string(),
    feature: z.string(),
    source: z.enum(['order', 'subscription', 'manual']),
    starts_at: z.iso.datetime(),
    ends_at: z.iso.datetime().nullable(),
    revoked_at: z.iso.datetime().nullable(),
  })
  .openapi('Grant')
