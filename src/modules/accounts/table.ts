import type { Selectable } from 'kysely'

/** Password reset and account-claim links: single use, short-lived, stored as SHA-256 only. */
export interface PasswordLinkTable {
  id: string
  customer_id: string
  purpose: 'reset' | 'claim'
  /** The password chosen at registration, applied when the email is proven. */
  pending_password_hash: string | null
  token_hash: string
  created_at: string
  expires_at: string
  used_at: string | null
}

export type PasswordLinkRow = Selectable<PasswordLinkTable>
