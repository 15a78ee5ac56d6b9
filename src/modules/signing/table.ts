import type { Selectable } from 'kysely'

/** The Ed25519 key pair that signs access tokens and licence keys (JWK JSON), generated on first use. */
export interface SigningKeyTable {
  kid: string
  algorithm: string
  public_jwk: string
  private_jwk: string
  created_at: string
}

export type SigningKeyRow = Selectable<SigningKeyTable>
