/**
 * The store the security suite attacks: a customer who owns a paid subscription, another customer,
 * an admin, API keys with and without each scope, and a row count of every table so a probe can
 * prove it stored nothing. Rate limits never refuse here: they have their own tests
 * (login.test.ts, accounts.test.ts), and with hundreds of probes from one address they would turn
 * a route's own answer into a 429 and hide it.
 */
import { sql } from 'kysely'
import type { RateLimiter } from '../../src/lib/rate-limiter.js'
import { API_SCOPES, createApiKey } from '../../src/modules/api-access/index.js'
import type { DialectName } from '../dialects.js'
import { type Agent, createTestApp, type TestApp } from '../harness.js'
import { createMember, settle, subscribe } from '../lifecycle.js'
import { buyAndPay } from '../purchase.js'
import type { FixtureId } from './route-table.js'

export const ADMIN_EMAIL = 'security-admin@example.com'
export const CRON_SECRET = 'security-suite-cron-secret-0123456789'

export type SecurityFixture = {
  t: TestApp
  owner: Agent
  other: Agent
  admin: Agent
  anonymous: Agent
  /** A key holding every scope, and keys each holding all scopes but one. */
  fullKey: string
  keyWithout(scope: string): string
  ids: Record<FixtureId, string>
  /** Row counts of every table, keyed by table name. */
  counts(): Promise<Record<string, number>>
  close(): Promise<void>
}

const NEVER_LIMITED: RateLimiter = {
  hit: async () => ({ allowed: true, count: 0, retryAfterSeconds: 0 }),
  backOffSeconds: async () => 0,
  recordFailure: async () => {},
  forgetFailures: async () => {},
  ready: async () => {},
  store: () => ({ kind: 'memory' }),
  close: async () => {},
}

export async function createSecurityFixture(dialect: DialectName): Promise<SecurityFixture> {
  const t = await createTestApp({
    dialect,
    workers: 'manual',
    rateLimits: NEVER_LIMITED,
    config: { adminEmails: [ADMIN_EMAIL], cronSecret: CRON_SECRET },
  })
  const ownerMember = await createMember(t, 'security-owner@example.com')
  await subscribe(ownerMember, 'membership-monthly')
  await buyAndPay(await ownerMember.agent(), { price: 'field-guide', email: ownerMember.email })
  await settle(t)
  const db = t.deps.db
  const subscription = await db
    .selectFrom('subscriptions')
    .select('stripe_subscription_id')
    .where('customer_id', '=', ownerMember.id)
    .executeTakeFirstOrThrow()
  const order = await db.selectFrom('orders').select('id').executeTakeFirstOrThrow()
  const invoice = await db
    .selectFrom('invoices')
    .select('id')
    .where('customer_id', '=', ownerMember.id)
    .executeTakeFirstOrThrow()
  const event = await db.selectFrom('stripe_events').select('stripe_event_id').executeTakeFirstOrThrow()
  const grant = await db.selectFrom('entitlement_grants').select('id').executeTakeFirstOrThrow()
  const fileId = t.deps.catalog.products.flatMap((p) => p.files)[0]?.id ?? 'no-file'
  const { key: fullKey } = await createApiKey(db, {
    name: 'all scopes',
    now: t.deps.clock.now(),
    scopes: [...API_SCOPES],
  })
  const keysWithout = new Map<string, string>()
  for (const scope of API_SCOPES) {
    const without = API_SCOPES.filter((s) => s !== scope)
    const made = await createApiKey(db, {
      name: `without ${scope}`,
      now: t.deps.clock.now(),
      scopes: without,
    })
    keysWithout.set(scope, made.key)
  }
  const tables = (await db.introspection.getTables()).map((table) => table.name).sort()
  return {
    t,
    owner: await ownerMember.agent(),
    other: await (await createMember(t, 'security-other@example.com')).agent(),
    admin: await (await createMember(t, ADMIN_EMAIL)).agent(),
    anonymous: t.agent(),
    fullKey,
    keyWithout: (scope) => {
      const key = keysWithout.get(scope)
      if (!key) throw new Error(`No scope ${scope} in API_SCOPES (route-table.ts names it)`)
      return key
    },
    ids: {
      order: order.id,
      invoice: invoice.id,
      customer: ownerMember.id,
      'customer-email': ownerMember.email,
      subscription: subscription.stripe_subscription_id,
      event: event.stripe_event_id,
      file: fileId,
      grant: grant.id,
    },
    counts: async () => {
      const union = sql.join(
        tables.map((name) => sql`select ${name} as t, count(*) as n from ${sql.table(name)}`),
        sql` union all `,
      )
      const { rows } = await sql<{ t: string; n: number | string }>`${union}`.execute(db)
      return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]))
    },
    close: () => t.close(),
  }
}
