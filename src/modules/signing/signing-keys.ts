/**
 * The Ed25519 key pairs that sign access tokens and licence keys, kept in the database (table `signing_keys`) so
 * every process and restart signs with the same key. The private half is sealed at rest under a
 * key derived from SESSION_SECRET (a database dump alone cannot mint tokens). A key exists from
 * boot (`ensureSigningKey`), so the JWKS is never empty. Rotation adds a key: the newest signs, and
 * a replaced key stays published until every token it signed has expired, and for as long as a
 * live licence key it signed needs it (the caller names those kids).
 * @module
 */
import type { JWK } from 'jose'
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { newId } from '../../lib/ids.js'
import { isSealed, seal, unseal } from '../../lib/seal.js'
import { findNewestSigningKey, insertSigningKey, listSigningKeys, updateSigningKeyPrivate } from './repo.js'
import type { SigningKeyRow } from './table.js'

export const TOKEN_ALGORITHM = 'EdDSA'
/** How long an access token lives; a replaced key is published at least this long after. */
export const ACCESS_TOKEN_SECONDS = 600
const SEAL_PURPOSE = 'signing-key'

export type SigningKey = { kid: string; privateKey: CryptoKey | Uint8Array }

/**
 * The key that signs now. Inside a transaction pass it as `db`: on SQLite a read through
 * `deps.db` would wait for the open transaction forever.
 */
export async function getSigningKey(deps: Deps, db: Executor = deps.db): Promise<SigningKey> {
  const row = (await findNewestSigningKey(db)) ?? (await rotateSigningKey(deps, db))
  const { importJWK } = await import('jose') // loaded on first use, not at start
  const privateKey = await importJWK(JSON.parse(openPrivate(deps, row)) as JWK, TOKEN_ALGORITHM)
  return { kid: row.kid, privateKey }
}

/** The newest key, created if there is none; a key stored in clear by an older version is sealed. */
export async function ensureSigningKey(deps: Deps): Promise<SigningKeyRow> {
  const row = (await findNewestSigningKey(deps.db)) ?? (await rotateSigningKey(deps))
  await sealClearKeys(deps)
  return row
}

/** Adds a new key, which signs from now on; returns it. */
export async function rotateSigningKey(deps: Deps, db: Executor = deps.db): Promise<SigningKeyRow> {
  const { exportJWK, generateKeyPair } = await import('jose')
  const { publicKey, privateKey } = await generateKeyPair('Ed25519', { extractable: true })
  const now = deps.clock.now()
  const row = {
    kid: newId('kid', now.getTime()),
    algorithm: TOKEN_ALGORITHM,
    public_jwk: JSON.stringify(await exportJWK(publicKey)),
    private_jwk: seal(deps.config.sessionSecret, SEAL_PURPOSE, JSON.stringify(await exportJWK(privateKey))),
    created_at: now.toISOString(),
  }
  await insertSigningKey(db, row)
  // Two first requests at once may both create a key; the newest one signs, both verify.
  return (await findNewestSigningKey(db)) ?? row
}

/**
 * The public keys that may still verify a live token, as a JWK Set (never empty); `keepKids` are
 * published whatever their age (the keys that signed live licence keys).
 */
export async function publicJwks(
  deps: Deps,
  keepKids: ReadonlySet<string> = new Set(),
): Promise<{ keys: JWK[] }> {
  await ensureSigningKey(deps)
  const nowMs = deps.clock.now().getTime()
  const rows = await listSigningKeys(deps.db) // newest first
  const live = rows.filter((row, i) => {
    const successor = rows[i - 1] // replaced when the next key was created
    if (keepKids.has(row.kid)) return true
    return !successor || Date.parse(successor.created_at) + ACCESS_TOKEN_SECONDS * 1000 > nowMs
  })
  const keys = live.map((r) => {
    const { crv, kty, x } = JSON.parse(r.public_jwk) as JWK
    return { kty, crv, x, kid: r.kid, alg: TOKEN_ALGORITHM, use: 'sig' } as JWK
  })
  return { keys }
}

function openPrivate(deps: Deps, row: SigningKeyRow): string {
  if (!isSealed(row.private_jwk)) return row.private_jwk
  const opened = unseal(deps.config.sessionSecret, SEAL_PURPOSE, row.private_jwk)
  if (opened === undefined)
    throw new Error(`signing key ${row.kid} cannot be opened: was SESSION_SECRET changed?`)
  return opened
}

async function sealClearKeys(deps: Deps): Promise<void> {
  for (const row of await listSigningKeys(deps.db)) {
    if (isSealed(row.private_jwk)) continue
    const sealed = seal(deps.config.sessionSecret, SEAL_PURPOSE, row.private_jwk)
    await updateSigningKeyPrivate(deps.db, row.kid, row.private_jwk, sealed)
  }
}
