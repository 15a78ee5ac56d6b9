/**
 * The Ed25519 key pair that signs access tokens. Generated on first use and kept in the database
 * (table `signing_keys`), so every process and restart signs with the same key and the public
 * half can be published at `/.well-known/jwks.json`. Several rows may exist (rotation): the newest
 * signs, all are published.
 * @module
 */
import type { JWK } from 'jose'
import type { Deps } from '../../deps.js'
import { newId } from '../../lib/ids.js'
import { findNewestSigningKey, insertSigningKey, listSigningKeys } from './repo.js'

export const TOKEN_ALGORITHM = 'EdDSA'

export type SigningKey = { kid: string; privateKey: CryptoKey | Uint8Array }

export async function getSigningKey(deps: Deps): Promise<SigningKey> {
  const row = (await findNewestSigningKey(deps.db)) ?? (await createSigningKey(deps))
  // jose is loaded on first use, not at start.
  const { importJWK } = await import('jose')
  const privateKey = await importJWK(JSON.parse(row.private_jwk) as JWK, TOKEN_ALGORITHM)
  return { kid: row.kid, privateKey }
}

async function createSigningKey(deps: Deps): Promise<{ kid: string; private_jwk: string }> {
  const { exportJWK, generateKeyPair } = await import('jose')
  const { publicKey, privateKey } = await generateKeyPair('Ed25519', { extractable: true })
  const row = {
    kid: newId('kid', deps.clock.now().getTime()),
    algorithm: TOKEN_ALGORITHM,
    public_jwk: JSON.stringify(await exportJWK(publicKey)),
    private_jwk: JSON.stringify(await exportJWK(privateKey)),
    created_at: deps.clock.now().toISOString(),
  }
  await insertSigningKey(deps.db, row)
  // Two first requests at once may both create a key; the newest one signs, both verify.
  return (await findNewestSigningKey(deps.db)) ?? row
}

/** The public keys as a JWK Set (private parts never leave the database). */
export async function publicJwks(deps: Deps): Promise<{ keys: JWK[] }> {
  const rows = await listSigningKeys(deps.db)
  const keys = rows.map((r) => {
    const { crv, kty, x } = JSON.parse(r.public_jwk) as JWK
    return { kty, crv, x, kid: r.kid, alg: TOKEN_ALGORITHM, use: 'sig' } as JWK
  })
  return { keys }
}
