/** @see issue 9: the signing key was stored in clear, and the JWKS was empty until the first token. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { createManualClock } from '../../lib/clock.js'
import { isSealed } from '../../lib/seal.js'
import {
  ACCESS_TOKEN_SECONDS,
  ensureSigningKey,
  getSigningKey,
  publicJwks,
  rotateSigningKey,
} from './signing-keys.js'

describe.each(DIALECTS)('access-token signing keys on %s', (dialect) => {
  let t: TestDeps
  const clock = createManualClock(new Date('2026-12-01T10:00:00.000Z'))
  beforeAll(async () => {
    t = await createTestDeps(dialect, { clock })
  })
  afterAll(() => t.close())

  it('publishes a key before any token was issued, and keeps its private half sealed', async () => {
    const jwks = await createApp(t.deps).request(
      new URL('/.well-known/jwks.json', t.deps.config.publicUrl).href,
    )
    const { keys } = (await jwks.json()) as { keys: { kid: string; d?: string }[] }
    expect(keys).toHaveLength(1)
    expect(keys[0]?.d).toBeUndefined()
    const rows = await t.deps.db.selectFrom('signing_keys').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(isSealed(rows[0]?.private_jwk ?? '')).toBe(true)
    expect(rows[0]?.private_jwk).not.toContain('"d"')
    expect((await getSigningKey(t.deps)).kid).toBe(keys[0]?.kid)
  })

  it('seals a key an older version stored in clear', async () => {
    const row = await ensureSigningKey(t.deps)
    const { importJWK, exportJWK, generateKeyPair } = await import('jose')
    const pair = await generateKeyPair('Ed25519', { extractable: true })
    const clear = JSON.stringify(await exportJWK(pair.privateKey))
    await t.deps.db
      .updateTable('signing_keys')
      .set({ private_jwk: clear })
      .where('kid', '=', row.kid)
      .execute()
    await ensureSigningKey(t.deps)
    const stored = await t.deps.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('kid', '=', row.kid)
      .executeTakeFirst()
    expect(isSealed(stored?.private_jwk ?? '')).toBe(true)
    expect(await importJWK(JSON.parse(clear), 'EdDSA')).toBeDefined()
  })

  it('rotates: the new key signs, the old one stays published until its tokens have expired', async () => {
    const old = await ensureSigningKey(t.deps)
    clock.advance(1000)
    const fresh = await rotateSigningKey(t.deps)
    expect((await getSigningKey(t.deps)).kid).toBe(fresh.kid)
    const kids = async () => (await publicJwks(t.deps)).keys.map((k) => k.kid)
    expect(await kids()).toEqual([fresh.kid, old.kid])
    clock.advance(ACCESS_TOKEN_SECONDS * 1000 + 1000)
    expect(await kids()).toEqual([fresh.kid])
  })
})
