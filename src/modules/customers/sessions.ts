/**
 * Browser sessions: a random token in an HttpOnly, SameSite=Lax cookie (Secure behind https);
 * the database keeps only its SHA-256. Sessions last 30 days and roll forward when used, bumped
 * at most once a day so a busy page does not write on every request.
 * @module
 */
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import type { Executor } from '../../db/database.js'
import { cachedReadWith, cachedValue, grantsKey, sessionKey } from '../../db/read-cache.js'
import type { AppEnv, SessionCustomer } from '../../http/env.js'
import { servedOverHttps } from '../../http/security-headers.js'
import { readSessionCookie, SESSION_COOKIE, type SessionLookup } from '../../http/session.js'
import { dbTimeOf } from '../../lib/clock.js'
import { newId } from '../../lib/ids.js'
import { generateToken, hashToken } from '../../lib/tokens.js'
import {
  deleteSessionByHash,
  extendSession,
  findCustomerById,
  findLiveSessionWithGrants,
  insertSession,
} from './repo.js'
import type { SessionProof, SessionRow } from './table.js'

const SESSION_DAYS = 30
const DAY_MS = 86_400_000

/**
 * Starts a session for the customer in the caller's transaction and sets the cookie. `proof` says
 * how the person showed who they are (see SessionProof); the owner console trusts only proven emails.
 */
export async function signIn(
  c: Context<AppEnv>,
  trx: Executor,
  customerId: string,
  proof: SessionProof,
): Promise<void> {
  const deps = c.get('deps')
  const now = deps.clock.now()
  // A new session on every sign-in (and the old one gone) rules out session fixation.
  const previous = readSessionCookie(c)
  if (previous) await deleteSessionByHash(trx, hashToken(previous))
  const token = generateToken()
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS)
  const sessionId = newId('ses', now.getTime())
  await insertSession(trx, {
    id: sessionId,
    customer_id: customerId,
    token_hash: hashToken(token),
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    proof,
  })
  writeSessionCookie(c, token, expiresAt)
  // The page rendered by this same request already shows the customer as signed in.
  const customer = await findCustomerById(trx, customerId)
  if (customer)
    c.set(
      'customer',
      sessionCustomer(customer.email, {
        id: sessionId,
        customer_id: customerId,
        created_at: now.toISOString(),
        proof,
      }),
    )
}

export async function signOut(c: Context<AppEnv>): Promise<void> {
  const token = readSessionCookie(c)
  if (token) await deleteSessionByHash(c.get('deps').db, hashToken(token))
  if (isSecure(c)) deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, prefix: 'host' })
  if (getCookie(c, SESSION_COOKIE) !== undefined) deleteCookie(c, SESSION_COOKIE, { path: '/' })
}

/**
 * The lookup `loadSession` uses: cookie token → signed-in customer, rolling the expiry forward.
 * Synchronous when the session is in the read cache (every request of a signed-in customer but
 * the first in a while): no promise, no closure for the read.
 */
export const findSessionCustomer: SessionLookup = (c, token) => {
  const deps = c.get('deps')
  const now = deps.clock.now()
  const hash = hashToken(token)
  const key = sessionKey(hash)
  const kept = cachedValue<LiveSession>(deps.db, key)
  if (kept !== undefined) return customerOfSession(c, token, kept, now)
  const nowIso = dbTimeOf(now)
  // Cached for at most a second (db/read-cache.ts), so expiry is checked again in
  // customerOfSession. A miss reads the customer's grants in the same statement and caches them
  // too (what the gated page or the API asks next), so it costs one round trip to the database,
  // not two.
  return cachedReadWith(deps.db, key, async () => {
    const found = await findLiveSessionWithGrants(deps.db, hash, nowIso)
    if (!found) return { value: undefined, also: [] }
    return { value: found.session, also: [[grantsKey(found.session.customer_id), found.grants]] }
  }).then((session) => session && customerOfSession(c, token, session, now))
}

/** A live session row as the lookup reads it, with its customer's email. */
type LiveSession = SessionRow & { email: string }

/**
 * Each live session's expiry as a time value, worked out once per session read: the read cache
 * hands back the same (frozen) row until it drops it, and parsing its ISO text on every request of
 * a signed-in customer took about 2,800 instructions (callgrind, `instructions.mjs --top`), 1.5% of
 * a /premium view. Kept beside the row, not in it: a row with an added field made its property
 * reads megamorphic there (7,500 instructions more).
 */
const expiries = new WeakMap<LiveSession, number>()

function expiryOf(session: LiveSession): number {
  let ms = expiries.get(session)
  if (ms === undefined) {
    ms = new Date(session.expires_at).getTime()
    expiries.set(session, ms)
  }
  return ms
}

/** The customer of a live session, its expiry rolled forward (a write, so a promise) once a day. */
function customerOfSession(
  c: Context<AppEnv>,
  token: string,
  session: LiveSession,
  now: Date,
): SessionCustomer | undefined | Promise<SessionCustomer> {
  const remaining = expiryOf(session) - now.getTime()
  if (remaining <= 0) return undefined
  if (remaining >= (SESSION_DAYS - 1) * DAY_MS) return sessionCustomer(session.email, session)
  const expiresAt = new Date(now.getTime() + SESSION_DAYS * DAY_MS)
  return extendSession(c.get('deps').db, session.id, expiresAt.toISOString()).then(() => {
    writeSessionCookie(c, token, expiresAt)
    return sessionCustomer(session.email, session)
  })
}

function sessionCustomer(
  email: string,
  session: Pick<SessionRow, 'id' | 'customer_id' | 'created_at' | 'proof'>,
): SessionCustomer {
  return {
    id: session.customer_id,
    email,
    sessionId: session.id,
    signedInAt: session.created_at,
    emailProven: session.proof === 'password' || session.proof === 'link',
  }
}

/** Under https the cookie is `__Host-` prefixed and Secure: sent only to this host, never over http. */
function writeSessionCookie(c: Context<AppEnv>, token: string, expiresAt: Date): void {
  const options = { path: '/', httpOnly: true, sameSite: 'Lax', expires: expiresAt } as const
  if (isSecure(c)) setCookie(c, SESSION_COOKIE, token, { ...options, secure: true, prefix: 'host' })
  else setCookie(c, SESSION_COOKIE, token, options)
}

function isSecure(c: Context<AppEnv>): boolean {
  return servedOverHttps(c)
}
