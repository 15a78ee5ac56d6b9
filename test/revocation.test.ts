/**
 * The promise about caches and revocation (README, "Caches and revocation"): sessions and grants
 * are cached per instance for at most READ_CACHE_TTL_MS (one second), keyed by session and
 * customer, so one customer's data is never served to another; a revoked grant or ended session
 * stops working at once on the instance that revoked it and within one second on every other.
 * Two instances here are two apps with their own database connections to one database.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { connectDatabase } from '../src/db/connect.js'
import type { Database } from '../src/db/database.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { READ_CACHE_TTL_MS } from '../src/db/read-cache.js'
import type { Deps } from '../src/deps.js'
import { generateToken, hashToken } from '../src/lib/tokens.js'
import { findOrCreateCustomerByEmail } from '../src/modules/customers/customers.js'
import { deleteSessionByHash, insertSession } from '../src/modules/customers/repo.js'
import { grantManually, revokeManually } from '../src/modules/members/manual-grants.js'
import { createTestDatabase, DIALECTS, type TestDatabase } from './dialects.js'
import { createTestDeps, type TestDeps } from './harness.js'

const FAR = '2999-01-01T00:00:00.000Z'

describe.each(DIALECTS)('caches and revocation across two instances on %s', (dialect) => {
  let t: TestDeps
  let database: TestDatabase | undefined
  let sqliteDir: string | undefined
  const connections: Kysely<Database>[] = []
  let a: ReturnType<typeof createApp>
  let b: ReturnType<typeof createApp>
  let deps: Deps
  const cookies: Record<string, string> = {}

  beforeAll(async () => {
    // A second connection to the same database: a file for SQLite (memory is one connection's own).
    let first: Kysely<Database>
    let second: Kysely<Database>
    if (dialect === 'sqlite') {
      sqliteDir = mkdtempSync(join(tmpdir(), 'tollgate-revocation-'))
      first = connectDatabase(join(sqliteDir, 'shared.db'))
      second = connectDatabase(join(sqliteDir, 'shared.db'))
    } else {
      database = await createTestDatabase(dialect)
      first = database.db
      second = connectDatabase(database.databaseUrl, database.schema ? { schema: database.schema } : {})
    }
    connections.push(first, second)
    await migrateToLatest(first)
    t = await createTestDeps('sqlite')
    deps = { ...t.deps, db: first }
    a = createApp(deps)
    b = createApp({ ...t.deps, db: second })
    for (const email of ['ann@example.com', 'bob@example.com']) {
      const customer = await findOrCreateCustomerByEmail(first, email, deps.clock.now())
      const token = generateToken()
      await insertSession(first, {
        id: `ses_${email.slice(0, 3)}`,
        customer_id: customer.id,
        token_hash: hashToken(token),
        created_at: deps.clock.now().toISOString(),
        expires_at: FAR,
        proof: null,
      })
      cookies[email] = `tollgate_session=${token}`
    }
    await first
      .transaction()
      .execute((trx) =>
        grantManually(deps, trx, { email: 'ann@example.com', feature: 'premium', reason: 'test' }),
      )
  })
  afterAll(async () => {
    await connections[1]?.destroy()
    if (database) await database.close()
    else await connections[0]?.destroy()
    if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true })
    await t.close()
  })

  const get = (app: ReturnType<typeof createApp>, path: string, email: string) =>
    app.request(`http://localhost${path}`, {
      headers: { cookie: cookies[email] as string, accept: 'text/html' },
    })
  const features = async (app: ReturnType<typeof createApp>, email: string) => {
    const res = await get(app, '/api/me/entitlements', email)
    if (res.status !== 200) return res.status
    const body = (await res.json()) as {
      customer: { email: string }
      entitlements: { feature: string; allowed: boolean }[]
    }
    return {
      email: body.customer.email,
      live: body.entitlements.filter((e) => e.allowed).map((e) => e.feature),
    }
  }

  it("never answers one customer's request with another's data, however the requests interleave", async () => {
    for (let round = 0; round < 3; round++) {
      for (const app of [a, b]) {
        expect(await features(app, 'ann@example.com')).toEqual({
          email: 'ann@example.com',
          live: ['premium'],
        })
        expect(await features(app, 'bob@example.com')).toEqual({ email: 'bob@example.com', live: [] })
        expect((await get(app, '/premium', 'bob@example.com')).status).toBe(403)
        expect((await get(app, '/premium', 'ann@example.com')).status).toBe(200)
      }
    }
  })

  /** Past the written bound: whatever another instance cached before the change has gone. */
  const pastTheBound = () => new Promise((resolve) => setTimeout(resolve, READ_CACHE_TTL_MS + 50))

  it('a new grant works at once on the instance that granted it', async () => {
    // Both instances have just read (and cached) Bob's "no access".
    expect((await get(a, '/premium', 'bob@example.com')).status).toBe(403)
    expect((await get(b, '/premium', 'bob@example.com')).status).toBe(403)
    await connections[0]
      ?.transaction()
      .execute((trx) =>
        grantManually(deps, trx, { email: 'bob@example.com', feature: 'premium', reason: 'test' }),
      )
    expect((await get(a, '/premium', 'bob@example.com')).status).toBe(200)
    await pastTheBound()
    expect((await get(b, '/premium', 'bob@example.com')).status).toBe(200)
  })

  it('a revoked grant stops working at once on the revoking instance, within a second on the other', async () => {
    // Both instances have Ann's access cached.
    expect((await get(a, '/premium', 'ann@example.com')).status).toBe(200)
    expect((await get(b, '/premium', 'ann@example.com')).status).toBe(200)
    await connections[0]
      ?.transaction()
      .execute((trx) =>
        revokeManually(deps, trx, { email: 'ann@example.com', feature: 'premium', reason: 'test' }),
      )
    expect((await get(a, '/premium', 'ann@example.com')).status).toBe(403)
    expect(await features(a, 'ann@example.com')).toEqual({ email: 'ann@example.com', live: [] })
    await pastTheBound()
    expect((await get(b, '/premium', 'ann@example.com')).status).toBe(403)
    expect(await features(b, 'ann@example.com')).toEqual({ email: 'ann@example.com', live: [] })
  })

  it('an ended session stops working at once on its instance, within a second on the other', async () => {
    expect(await features(a, 'bob@example.com')).toEqual({ email: 'bob@example.com', live: ['premium'] })
    expect(await features(b, 'bob@example.com')).toEqual({ email: 'bob@example.com', live: ['premium'] })
    const token = (cookies['bob@example.com'] as string).split('=')[1] as string
    await deleteSessionByHash(connections[0] as Kysely<Database>, hashToken(token))
    expect(await features(a, 'bob@example.com')).toBe(401)
    await pastTheBound()
    expect(await features(b, 'bob@example.com')).toBe(401)
  })

  it("keeps each customer's cached answers apart: Ann's session never answers as Bob", async () => {
    // Bob is signed out now and Ann has no grants; asked in turns, each still gets only their own.
    for (let round = 0; round < 3; round++) {
      for (const app of [a, b]) {
        expect(await features(app, 'ann@example.com')).toEqual({ email: 'ann@example.com', live: [] })
        expect(await features(app, 'bob@example.com')).toBe(401)
      }
    }
  })
})
