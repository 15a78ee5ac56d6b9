/**
 * Customers: one row per lower-cased email, whichever path created it (a guest purchase, a
 * registration, a subscription). The Stripe customer is created lazily and linked once.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { newId } from '../../lib/ids.js'
import {
  findCustomerByEmail,
  findCustomerById,
  findCustomerByStripeId,
  insertCustomerIfAbsent,
  listCustomerRows,
  setStripeCustomerIdIfAbsent,
} from './repo.js'
import type { CustomerRow } from './table.js'

export type Customer = {
  id: string
  email: string
  stripeCustomerId: string | null
  hasPassword: boolean
  createdAt: Date
}

export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    email: row.email,
    stripeCustomerId: row.stripe_customer_id,
    hasPassword: row.password_hash !== null,
    createdAt: new Date(row.created_at),
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Finds the customer for an email or creates it; safe under concurrency (unique email). */
export async function findOrCreateCustomerByEmail(
  trx: Executor,
  email: string,
  now: Date,
): Promise<Customer> {
  const normalized = normalizeEmail(email)
  const existing = await findCustomerByEmail(trx, normalized)
  if (existing) return toCustomer(existing)
  const inserted = {
    id: newId('cu', now.getTime()),
    email: normalized,
    stripe_customer_id: null,
    password_hash: null,
    created_at: now.toISOString(),
  }
  // Stored by this call: the row is what was inserted (no read back, one round trip less in a
  // purchase's transaction). Otherwise a concurrent caller stored it first: read theirs.
  if (await insertCustomerIfAbsent(trx, inserted)) return toCustomer(inserted)
  const row = await findCustomerByEmail(trx, normalized)
  if (!row) throw new Error(`Customer ${normalized} vanished after insert`)
  return toCustomer(row)
}

export async function findCustomer(db: Executor, id: string): Promise<Customer | undefined> {
  const row = await findCustomerById(db, id)
  return row ? toCustomer(row) : undefined
}

export async function findCustomerForStripeId(
  db: Executor,
  stripeCustomerId: string,
): Promise<Customer | undefined> {
  const row = await findCustomerByStripeId(db, stripeCustomerId)
  return row ? toCustomer(row) : undefined
}

/** Links our customer to a Stripe customer unless already linked; returns the id that is stored. */
export function linkStripeCustomer(
  db: Executor,
  customerId: string,
  stripeCustomerId: string,
): Promise<string | null> {
  return setStripeCustomerIdIfAbsent(db, customerId, stripeCustomerId)
}

export async function findCustomerForEmail(db: Executor, email: string): Promise<Customer | undefined> {
  const row = await findCustomerByEmail(db, normalizeEmail(email))
  return row ? toCustomer(row) : undefined
}

/**
 * Returns the customer's Stripe id, creating the Stripe customer first when there is none. Call it
 * outside a transaction (it talks to Stripe). The idempotency key is derived from our id, so two
 * concurrent calls create one Stripe customer; the first stored id wins.
 */
export async function ensureStripeCustomer(
  deps: Deps,
  customer: Pick<Customer, 'id' | 'email' | 'stripeCustomerId'>,
): Promise<string> {
  if (customer.stripeCustomerId) return customer.stripeCustomerId
  const created = await deps.stripe.customers.create(
    { email: customer.email, metadata: { tollgate_customer_id: customer.id } },
    { idempotencyKey: `tollgate-customer-${customer.id}` },
  )
  const stored = await setStripeCustomerIdIfAbsent(deps.db, customer.id, created.id)
  return stored ?? created.id
}

/**
 * A page of customers in creation order, Stripe-style: `limit` of them after `startingAfter` and
 * whether more follow. `email` is normalised as everywhere, so it finds the one customer for it.
 */
export async function listCustomers(
  db: Executor,
  input: { email?: string; startingAfter?: string; limit: number },
): Promise<{ data: Customer[]; hasMore: boolean }> {
  const rows = await listCustomerRows(db, {
    ...input,
    ...(input.email !== undefined ? { email: normalizeEmail(input.email) } : {}),
    limit: input.limit + 1,
  })
  return { data: rows.slice(0, input.limit).map(toCustomer), hasMore: rows.length > input.limit }
}
