import type { Insertable, Selectable, Updateable } from 'kysely'

/** One row per person, keyed by lower-cased email whatever the path in (purchase, register, link). */
export interface CustomerTable {
  id: string
  email: string
  stripe_customer_id: string | null
  /** Set by the accounts module when a customer chooses a password. */
  password_hash: string | null
  created_at: string
}

/** A signed-in browser: only the SHA-256 of the cookie's token is stored. */
export interface SessionTable {
  id: string
  customer_id: string
  token_hash: string
  created_at: string
  expires_at: string
  /**
   * How the browser signed in: `password` or `link` prove the email (a password is only set once a
   * link has proven it); `token` (an access token from a purchase) does not. Null on sessions
   * made before this was kept.
   */
  proof: SessionProof | null
}

/** How a session's person showed who they are; `checkout` is a guest back from paying (email typed, not proven). */
export type SessionProof = 'password' | 'link' | 'token' | 'checkout'

/** Long-lived access tokens shown once after a purchase (email + token signs in). */
export interface AccessTokenTable {
  id: string
  customer_id: string
  token_hash: string
  order_id: string | null
  created_at: string
  revoked_at: string | null
}

/** Single-use, 15-minute sign-in links sent by email. */
export interface SignInLinkTable {
  id: string
  customer_id: string
  token_hash: string
  created_at: string
  expires_at: string
  used_at: string | null
}

export type CustomerRow = Selectable<CustomerTable>
export type NewCustomerRow = Insertable<CustomerTable>
export type CustomerUpdate = Updateable<CustomerTable>
export type SessionRow = Selectable<SessionTable>
export type AccessTokenRow = Selectable<AccessTokenTable>
