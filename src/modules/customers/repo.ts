import type { Selectable } from 'kysely'
import type { Database, Executor } from '../../db/database.js'
import { insertIfAbsent } from '../../db/portable.js'
import { prepared } from '../../db/prepared.js'
import type { AccessTokenRow, CustomerRow, NewCustomerRow, SessionRow } from './table.js'

export async function findCustomerById(db: Executor, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findCustomerByEmail(db: Executor, email: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('email', '=', email).executeTakeFirst()
}

export async function findCustomerByStripeId(
  db: Executor,
  stripeCustomerId: string,
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom('customers')
    .selectAll()
    .where('stripe_customer_id', '=', stripeCustomerId)
    .executeTakeFirst()
}

/** Inserts unless the email exists; concurrent callers both end up with the one row. */
/** Stores a customer unless one has the email; true when this call stored it. */
export async function insertCustomerIfAbsent(db: Executor, row: NewCustomerRow): Promise<boolean> {
  return insertIfAbsent(db, db.insertInto('customers').values(row), 'email')
}

/** Sets the Stripe id only if none was set yet; returns the id that is now stored. */
export async function setStripeCustomerIdIfAbsent(
  db: Executor,
  id: string,
  stripeCustomerId: string,
): Promise<string | null> {
  await db
    .updateTable('customers')
    .set({ stripe_customer_id: stripeCustomerId })
    .where('id', '=', id)
    .where('stripe_customer_id', 'is', null)
    .execute()
  const row = await findCustomerById(db, id)
  return row?.stripe_customer_id ?? null
}

export async function insertSession(db: Executor, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute()
}

/** A grant row as the entitlements module reads it (its table, through the shared schema). */
type GrantRow = Selectable<Database['entitlement_grants']>

/**
 * Behind every signed-in request that misses the read cache, compiled once (db/prepared.ts): the
 * live session behind a token hash with its customer's email and every grant of that
 * customer (ordered by id, as `listGrantsOfCustomer` reads them), in one statement: on PostgreSQL
 * a signed-in request that misses the read cache then waits for one round trip, not two. One row
 * per grant (one row with null grant columns when the customer holds none); none when the session
 * is unknown or expired. Only this customer's grants: the join is on the session's own customer.
 */
const liveSessionWithGrants = prepared((db, tokenHash: string, nowIso: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('customers', 'customers.id', 'sessions.customer_id')
    .leftJoin('entitlement_grants as g', 'g.customer_id', 'sessions.customer_id')
    .selectAll('sessions')
    .select([
      'customers.email',
      'g.id as g_id',
      'g.feature as g_feature',
      'g.source_type as g_source_type',
      'g.source_id as g_source_id',
      'g.starts_at as g_starts_at',
      'g.ends_at as g_ends_at',
      'g.revoked_at as g_revoked_at',
      'g.reason as g_reason',
      'g.created_at as g_created_at',
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .where('sessions.expires_at', '>', nowIso)
    .orderBy('g.id'),
)

export async function findLiveSessionWithGrants(
  db: Executor,
  tokenHash: string,
  nowIso: string,
): Promise<{ session: SessionRow & { email: string }; grants: GrantRow[] } | undefined> {
  const rows = await liveSessionWithGrants(db, tokenHash, nowIso)
  const first = rows[0]
  if (!first) return undefined
  const { id, customer_id, token_hash, created_at, expires_at, proof, email } = first
  const grants: GrantRow[] = []
  for (const r of rows) {
    if (r.g_id === null) continue
    grants.push({
      id: r.g_id,
      customer_id,
      feature: r.g_feature as string,
      source_type: r.g_source_type as GrantRow['source_type'],
      source_id: r.g_source_id as string,
      starts_at: r.g_starts_at as string,
      ends_at: r.g_ends_at,
      revoked_at: r.g_revoked_at,
      reason: r.g_reason,
      created_at: r.g_created_at as string,
    })
  }
  return { session: { id, customer_id, token_hash, created_at, expires_at, proof, email }, grants }
}

export async function extendSession(db: Executor, id: string, expiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ expires_at: expiresAt }).where('id', '=', id).execute()
}

export async function deleteSessionByHash(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute()
}

export async function insertAccessToken(db: Executor, row: AccessTokenRow): Promise<void> {
  await db.insertInto('access_tokens').values(row).execute()
}

export async function listLiveAccessTokenHashes(db: Executor, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('access_tokens')
    .select('token_hash')
    .where('customer_id', '=', customerId)
    .where('revoked_at', 'is', null)
    .execute()
  return rows.map((r) => r.token_hash)
}

export async function insertSignInLink(
  db: Executor,
  row: { id: string; customer_id: string; token_hash: string; created_at: string; expires_at: string },
): Promise<void> {
  await db
    .insertInto('sign_in_links')
    .values({ ...row, used_at: null })
    .execute()
}

/**
 * Consumes a sign-in link: reads the unused, unexpired link, then marks it used only if it still is
 * unused. Of concurrent callers only the one whose update matched gets the customer id back (the
 * others' updates wait on its row lock and then match nothing), so a link works exactly once.
 */
export async function consumeSignInLink(
  db: Executor,
  tokenHash: string,
  nowIso: string,
): Promise<string | undefined> {
  const link = await db
    .selectFrom('sign_in_links')
    .select(['id', 'customer_id'])
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst()
  if (!link) return undefined
  const result = await db
    .updateTable('sign_in_links')
    .set({ used_at: nowIso })
    .where('id', '=', link.id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1 ? link.customer_id : undefined
}

/** Deletes expired sessions and used or expired sign-in links; housekeeping for the prune job. */
export async function pruneExpiredAuth(db: Executor, nowIso: string): Promise<number> {
  const sessions = await db.deleteFrom('sessions').where('expires_at', '<=', nowIso).executeTakeFirst()
  const links = await db
    .deleteFrom('sign_in_links')
    .where((eb) => eb.or([eb('expires_at', '<=', nowIso), eb('used_at', 'is not', null)]))
    .executeTakeFirst()
  return Number(sessions.numDeletedRows) + Number(links.numDeletedRows)
}

export async function findPasswordHash(db: Executor, customerId: string): Promise<string | null> {
  const row = await db
    .selectFrom('customers')
    .select('password_hash')
    .where('id', '=', customerId)
    .executeTakeFirst()
  return row?.password_hash ?? null
}

export async function setPasswordHash(db: Executor, customerId: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('customers')
    .set({ password_hash: passwordHash })
    .where('id', '=', customerId)
    .execute()
}

/** Signs the customer out everywhere (after a password change). */
export async function deleteSessionsOfCustomer(db: Executor, customerId: string): Promise<void> {
  await db.deleteFrom('sessions').where('customer_id', '=', customerId).execute()
}

/** Customers in id order (ids sort by creation), after a cursor, optionally for one email. */
export async function listCustomerRows(
  db: Executor,
  input: { email?: string; startingAfter?: string; limit: number },
): Promise<CustomerRow[]> {
  let query = db.selectFrom('customers').selectAll().orderBy('id', 'asc').limit(input.limit)
  if (input.email !== undefined) query = query.where('email', '=', input.email)
  if (input.startingAfter !== undefined) query = query.where('id', '>', input.startingAfter)
  return query.execute()
}

/** Customers whose email contains `query` (all when empty), newest first: the owner's search. */
export async function searchCustomers(
  db: Executor,
  options: { query: string; limit: number; offset: number },
): Promise<CustomerRow[]> {
  let q = db.selectFrom('customers').selectAll()
  const needle = options.query.trim().toLowerCase()
  if (needle !== '') q = q.where('email', 'like', `%${needle}%`)
  return q.orderBy('id', 'desc').limit(options.limit).offset(options.offset).execute()
}

/** A customer's live sessions (no token hashes leave this module). */
export async function listSessionsOfCustomer(
  db: Executor,
  customerId: string,
  nowIso: string,
): Promise<{ id: string; created_at: string; expires_at: string; proof: string | null }[]> {
  return db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'expires_at', 'proof'])
    .where('customer_id', '=', customerId)
    .where('expires_at', '>', nowIso)
    .orderBy('created_at', 'desc')
    .execute()
}

export async function countCustomersSince(db: Executor, sinceIso: string): Promise<number> {
  const row = await db
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('created_at', '>=', sinceIso)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
