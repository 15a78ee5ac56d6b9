/**
 * The subscription ledger's SQL (`subscription_history`): appending a row, and the reads metrics
 * make. A report over a range reads the state at its start summed up in SQL (`summarizeLedgerAt`),
 * the rows that change something within it (`listLedgerChanges`), and the history of only the
 * customers it must follow one by one (`listLedgerOfCustomers`), instead of the whole ledger.
 * @module
 */
import type { ExpressionBuilder } from 'kysely'
import type { Database, Executor } from '../../db/database.js'
import type { SubscriptionHistoryRow } from './table.js'

export async function findLatestHistoryEntry(
  db: Executor,
  stripeSubscriptionId: string,
): Promise<SubscriptionHistoryRow | undefined> {
  return db
    .selectFrom('subscription_history')
    .selectAll()
    .where('stripe_subscription_id', '=', stripeSubscriptionId)
    .orderBy('effective_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

export async function insertHistoryEntry(db: Executor, row: SubscriptionHistoryRow): Promise<void> {
  await db.insertInto('subscription_history').values(row).execute()
}

export async function countHistoryOfSubscription(
  db: Executor,
  stripeSubscriptionId: string,
): Promise<number> {
  const row = await db
    .selectFrom('subscription_history')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('stripe_subscription_id', '=', stripeSubscriptionId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The ledger columns metrics replay (not the row's id or bookkeeping: a big ledger reads faster). */
const LEDGER_COLUMNS = [
  'stripe_subscription_id',
  'customer_id',
  'effective_at',
  'status',
  'currency',
  'amount',
  'interval',
  'interval_count',
  'discount_percent_bp',
  'discount_amount_off',
  'discount_ends_at',
] as const

export type LedgerEntry = Pick<SubscriptionHistoryRow, (typeof LEDGER_COLUMNS)[number]>

/** The ledger up to a time, oldest first. */
export async function listHistoryUntil(db: Executor, untilIso: string): Promise<LedgerEntry[]> {
  return db
    .selectFrom('subscription_history')
    .select(LEDGER_COLUMNS)
    .where('effective_at', '<=', untilIso)
    .orderBy('effective_at')
    .orderBy('id')
    .execute()
}

/** Statuses that leave a subscription counted at a moment: earning MRR, or in a trial. */
const LIVE_STATUSES = ['active', 'past_due', 'trialing']

/** The price a live subscription pays (the row's figures) and whether its discount still runs. */
export type LedgerSignature = Pick<
  LedgerEntry,
  | 'status'
  | 'currency'
  | 'amount'
  | 'interval'
  | 'interval_count'
  | 'discount_percent_bp'
  | 'discount_amount_off'
> & { discountLive: boolean }

/**
 * The ledger at `atIso`, summed up: each subscription's latest row up to then (ties by id, as the
 * ledger is ordered), of live statuses only. Customers with exactly one such row are counted per
 * signature; those with more are only named (`multi`), for the caller to read one by one.
 */
export async function summarizeLedgerAt(
  db: Executor,
  atIso: string,
): Promise<{ groups: (LedgerSignature & { customers: number })[]; multi: string[] }> {
  type History = Database & { h: Database['subscription_history'] }
  const live = (eb: ExpressionBuilder<History, 'h'>) =>
    eb
      .case()
      .when(eb.or([eb('h.discount_ends_at', 'is', null), eb('h.discount_ends_at', '>', atIso)]))
      .then(1)
      .else(0)
      .end()
  const perCustomer = db
    .selectFrom('subscription_history as h')
    .where('h.effective_at', '<=', atIso)
    .where('h.status', 'in', LIVE_STATUSES)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('subscription_history as n')
            .select('n.id')
            .whereRef('n.stripe_subscription_id', '=', 'h.stripe_subscription_id')
            .where('n.effective_at', '<=', atIso)
            .where((eb) =>
              eb.or([
                eb('n.effective_at', '>', eb.ref('h.effective_at')),
                eb.and([
                  eb('n.effective_at', '=', eb.ref('h.effective_at')),
                  eb('n.id', '>', eb.ref('h.id')),
                ]),
              ]),
            ),
        ),
      ),
    )
    .groupBy('h.customer_id')
    // With one row per customer, min() is that row's value; with more, the customer is named.
    .select((eb) => [
      eb.case().when(eb.fn.countAll(), '>', 1).then(eb.ref('h.customer_id')).else(null).end().as('multi'),
      eb.fn.min('h.status').as('status'),
      eb.fn.min('h.currency').as('currency'),
      eb.fn.min('h.amount').as('amount'),
      eb.fn.min('h.interval').as('interval'),
      eb.fn.min('h.interval_count').as('interval_count'),
      eb.fn.min('h.discount_percent_bp').as('discount_percent_bp'),
      eb.fn.min('h.discount_amount_off').as('discount_amount_off'),
      eb.fn.min(live(eb)).as('discount_live'),
    ])
  const SIGNATURE = [
    'c.multi',
    'c.status',
    'c.currency',
    'c.amount',
    'c.interval',
    'c.interval_count',
    'c.discount_percent_bp',
    'c.discount_amount_off',
    'c.discount_live',
  ] as const
  const rows = await db
    .selectFrom(perCustomer.as('c'))
    .select([...SIGNATURE, (eb) => eb.fn.countAll<number | string>().as('customers')])
    .groupBy([...SIGNATURE])
    .execute()
  const groups: (LedgerSignature & { customers: number })[] = []
  const multi: string[] = []
  for (const r of rows) {
    if (r.multi !== null) {
      multi.push(String(r.multi))
      continue
    }
    groups.push({
      status: r.status,
      currency: r.currency,
      amount: Number(r.amount),
      interval: r.interval,
      interval_count: Number(r.interval_count),
      discount_percent_bp: r.discount_percent_bp === null ? null : Number(r.discount_percent_bp),
      discount_amount_off: r.discount_amount_off === null ? null : Number(r.discount_amount_off),
      discountLive: Number(r.discount_live) === 1,
      customers: Number(r.customers),
    })
  }
  return { groups, multi }
}

/** Rows in (afterIso, untilIso], and earlier rows whose repeating discount ends there. */
function changesIn(
  eb: ExpressionBuilder<Database, 'subscription_history'>,
  afterIso: string,
  untilIso: string,
) {
  return eb.or([
    eb.and([eb('effective_at', '>', afterIso), eb('effective_at', '<=', untilIso)]),
    eb.and([
      eb('effective_at', '<=', afterIso),
      eb('discount_ends_at', '>', afterIso),
      eb('discount_ends_at', '<=', untilIso),
      eb('discount_ends_at', '>', eb.ref('effective_at')),
    ]),
  ])
}

/** What changes MRR in (afterIso, untilIso] (`changesIn`), in ledger order. */
export async function listLedgerChanges(
  db: Executor,
  afterIso: string,
  untilIso: string,
): Promise<LedgerEntry[]> {
  const inLedgerOrder = db
    .selectFrom('subscription_history')
    .select(LEDGER_COLUMNS)
    .orderBy('effective_at')
    .orderBy('id')
  // Two reads, each along its own index or filter: every row of the first comes before the second's.
  const [discountEnds, rows] = await Promise.all([
    inLedgerOrder
      .where('effective_at', '<=', afterIso)
      .where('discount_ends_at', '>', afterIso)
      .where('discount_ends_at', '<=', untilIso)
      .where((eb) => eb('discount_ends_at', '>', eb.ref('effective_at')))
      .execute(),
    inLedgerOrder.where('effective_at', '>', afterIso).where('effective_at', '<=', untilIso).execute(),
  ])
  return [...discountEnds, ...rows]
}

/**
 * Every ledger row up to `afterIso` of the customers with a change in (afterIso, untilIso], and of
 * the `others`, in ledger order per customer.
 */
export async function listLedgerOfChangedCustomers(
  db: Executor,
  range: { afterIso: string; untilIso: string },
  others: readonly string[],
): Promise<LedgerEntry[]> {
  const { afterIso, untilIso } = range
  const history = db
    .selectFrom('subscription_history')
    .select(LEDGER_COLUMNS)
    .where('effective_at', '<=', afterIso)
    .orderBy('effective_at')
    .orderBy('id')
  const changed = db
    .selectFrom('subscription_history')
    .select('customer_id')
    .where((eb) => changesIn(eb, afterIso, untilIso))
  const out = await history.where('customer_id', 'in', changed).execute()
  const seen = new Set(out.map((r) => r.customer_id))
  const rest = others.filter((id) => !seen.has(id))
  // Bounded IN lists: every dialect has a limit on bound parameters.
  for (let i = 0; i < rest.length; i += 500) {
    out.push(
      ...(await history
        .where('customer_id', 'in', rest.slice(i, i + 500))
        .where('customer_id', 'not in', changed)
        .execute()),
    )
  }
  return out
}
