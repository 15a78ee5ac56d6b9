import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase } from '../../db/connect.js'
import { hashToken } from '../../lib/tokens.js'
import { findCustomerByEmail } from '../../modules/customers/repo.js'
import { checkAccess } from '../../modules/entitlements/access.js'
import { type Emulator, startEmulator } from '../../test-mode/emulator.js'
import { runCli } from '../index.js'

function cli(env: Record<string, string>) {
  const lines: string[] = []
  const io = { env, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }
  return { run: (args: string[]) => runCli(args, io), lines }
}

describe('npx tollgate grant | revoke | api-key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-members-cli-'))
  let emulator: Emulator
  let env: Record<string, string>
  beforeAll(async () => {
    // Test mode: the commands read the emulator's clock, as the server does.
    const started = await startEmulator({ port: 0 })
    emulator = started.emulator
    env = {
      STRIPE_API_URL: started.url,
      SESSION_SECRET: 'cli-test-session-secret-0123456789',
      DATA_DIR: dir,
      DATABASE_URL: join(dir, 'cli.db'),
      CATALOG: resolve('catalog.yaml'),
      LOG_LEVEL: 'silent',
    }
  })
  afterAll(() => emulator.stop())

  it('grants until a date with a reason, revokes, and refuses unknown features', async () => {
    const c = cli(env)
    expect(
      await c.run(['grant', 'vip@example.com', 'premium', '--until', '2999-01-01', '--reason', 'press']),
    ).toBe(0)
    expect(c.lines.at(-1)).toMatch(/Granted premium to vip@example.com until 2999-01-01/)
    const db = connectDatabase(env.DATABASE_URL as string)
    try {
      const customer = await findCustomerByEmail(db, 'vip@example.com')
      // The CLI writes through its own connection; read in a transaction, which always asks the
      // database (a handle's own read cache may lag another's writes by up to a second).
      const accessNow = () =>
        db.transaction().execute((trx) => checkAccess(trx, customer?.id ?? '', 'premium', new Date()))
      const access = await accessNow()
      expect(access).toMatchObject({ allowed: true, source: { type: 'manual' } })
      expect(access.until?.toISOString()).toBe('2999-01-01T00:00:00.000Z')
      expect(await c.run(['revoke', 'vip@example.com', 'premium', '--reason', 'ended'])).toBe(0)
      expect(c.lines.at(-1)).toBe('Revoked premium from vip@example.com (1 grant)')
      expect((await accessNow()).allowed).toBe(false)
      expect(await c.run(['grant', 'vip@example.com', 'no-such-feature'])).toBe(1)
      expect(c.lines.at(-1)).toBe('Unknown feature "no-such-feature".')
    } finally {
      await db.destroy()
    }
  }, 60_000)

  it('refuses an unknown flag, a bad value or a missing argument with exit 2, naming it, and grants nothing', async () => {
    const c = cli(env)
    expect(await c.run(['grant', 'days@example.com', 'premium', '--days', '7'])).toBe(2)
    expect(c.lines.join('\n')).toMatch(/Unknown option '--days'/)
    expect(await c.run(['grant', 'days@example.com', 'premium', '--until', 'next week'])).toBe(2)
    expect(c.lines.at(-1)).toBe(
      'tollgate grant: --until: expected a date (YYYY-MM-DD or an ISO time), got "next week"\nUsage: tollgate grant <email> <feature> [--until YYYY-MM-DD] [--reason TEXT] [--json]',
    )
    // A day the calendar does not have is refused, not taken for March 2 (nor is a time on it).
    for (const until of ['2999-02-30', '2999-02-30T12:00:00Z']) {
      expect(await c.run(['grant', 'days@example.com', 'premium', '--until', until])).toBe(2)
      expect(c.lines.at(-1)).toMatch(
        new RegExp(`^tollgate grant: --until: expected a date .*, got "${until}"`),
      )
    }
    expect(await c.run(['grant', 'days@example.com'])).toBe(2)
    expect(c.lines.at(-1)).toMatch(/^tollgate grant: missing <feature>\n/)
    expect(await c.run(['grant', 'not-an-email', 'premium'])).toBe(2)
    expect(await c.run(['revoke', 'a@example.com', 'premium', 'extra'])).toBe(2)
    expect(await c.run(['api-key', 'create', '--nmae', 'typo'])).toBe(2)
    expect(await c.run(['api-key', 'revoke', 'tg_test_abc'])).toBe(2)
    expect(c.lines.at(-1)).toMatch(
      /^tollgate api-key: <key_id>: expected a key id \(key_…\), got "tg_test_abc"/,
    )
    expect(await c.run(['inbox', 'replay'])).toBe(2)
    const db = connectDatabase(env.DATABASE_URL as string)
    try {
      expect(await findCustomerByEmail(db, 'days@example.com')).toBeUndefined()
    } finally {
      await db.destroy()
    }
  }, 60_000)

  it("uses the emulator's clock in test mode: a date in the emulator's past is refused", async () => {
    const c = cli(env)
    const nextYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10)
    await emulator.clock.advance(2 * 365 * 86_400)
    expect(await c.run(['grant', 'later@example.com', 'premium', '--until', nextYear])).toBe(2)
    expect(c.lines.at(-1)).toMatch(/^tollgate grant: --until: .* is not in the future \(now is 20\d\d-/)
    const emulatorYear = new Date(emulator.clock.now() * 1000).getUTCFullYear()
    expect(c.lines.at(-1)).toContain(`now is ${emulatorYear}-`)
  }, 60_000)

  it('prints data as JSON with --json', async () => {
    const c = cli(env)
    expect(await c.run(['grant', 'json@example.com', 'premium', '--json'])).toBe(0)
    expect(JSON.parse(c.lines.join('\n'))).toMatchObject({
      email: 'json@example.com',
      feature: 'premium',
      until: null,
      grantId: expect.stringMatching(/^grt_/),
    })
  }, 60_000)

  it('creates an API key, prints it once and stores only its hash', async () => {
    const c = cli(env)
    expect(
      await c.run(['api-key', 'create', '--name', 'backend', '--scope', 'checkout:write,orders:read']),
    ).toBe(0)
    const key = c.lines.at(-1) ?? ''
    expect(key).toMatch(/^tg_test_[A-Za-z0-9_-]{40,}$/)
    const db = connectDatabase(env.DATABASE_URL as string)
    try {
      const row = await db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow()
      expect(row.name).toBe('backend')
      expect(row.key_hash).toBe(hashToken(key))
      expect(row.scopes).toBe('checkout:write,orders:read')
      expect(JSON.stringify(row)).not.toContain(key)
    } finally {
      await db.destroy()
    }
    const list = cli(env)
    expect(await list.run(['api-key', 'list', '--json'])).toBe(0)
    const [listed] = JSON.parse(list.lines.join('\n')) as { id: string; scopes: string[]; revokedAt: null }[]
    expect(listed).toMatchObject({ scopes: ['checkout:write', 'orders:read'], revokedAt: null })
    expect(JSON.stringify(listed)).not.toContain(key.slice(12))
    const revoke = cli(env)
    expect(await revoke.run(['api-key', 'revoke', listed?.id ?? ''])).toBe(0)
    expect(await cli(env).run(['api-key', 'revoke', listed?.id ?? ''])).toBe(1)
    const bad = cli(env)
    expect(await bad.run(['api-key', 'create', '--scope', 'orders:write'])).toBe(2)
    expect(bad.lines.join('\n')).toContain('--scope')
  }, 60_000)

  it('audits grant, revoke and API keys as `cli`, as the console does; a revoke of nothing changes nothing', async () => {
    const db = connectDatabase(env.DATABASE_URL as string)
    const audit = (target: string) =>
      db
        .transaction()
        .execute((trx) =>
          trx
            .selectFrom('admin_audit_log')
            .select([
              'actor_email',
              'action',
              'target_type',
              'target_id',
              'customer_id',
              'before_json',
              'after_json',
              'reason',
            ])
            .where('target_id', '=', target)
            .orderBy('id')
            .execute(),
        )
    try {
      const c = cli(env)
      expect(
        await c.run([
          'grant',
          'audit@example.com',
          'premium',
          '--until',
          '2999-01-01',
          '--reason',
          'press',
          '--json',
        ]),
      ).toBe(0)
      const { grantId, customerId } = JSON.parse(c.lines.join('\n')) as {
        grantId: string
        customerId: string
      }
      expect(await audit(grantId)).toEqual([
        {
          actor_email: 'cli',
          action: 'grant.create',
          target_type: 'grant',
          target_id: grantId,
          customer_id: customerId,
          before_json: null,
          after_json: JSON.stringify({ feature: 'premium', until: '2999-01-01T00:00:00.000Z' }),
          reason: 'press',
        },
      ])

      const revoke = cli(env)
      expect(await revoke.run(['revoke', 'audit@example.com', 'premium', '--reason', 'ended'])).toBe(0)
      const [revoked] = (await audit('premium')).filter((a) => a.customer_id === customerId)
      expect(revoked).toMatchObject({
        actor_email: 'cli',
        action: 'grant.revoke',
        target_type: 'feature',
        target_id: 'premium',
        after_json: JSON.stringify({ revoked: 1 }),
        reason: 'ended',
      })
      expect(JSON.parse(revoked?.before_json ?? '{}')).toEqual({
        grants: [{ id: grantId, source: `manual ${customerId}`, ends_at: '2999-01-01T00:00:00.000Z' }],
      })

      // Nothing left to revoke: said so, exit 1, and no second audit entry.
      const again = cli(env)
      expect(await again.run(['revoke', 'audit@example.com', 'premium'])).toBe(1)
      expect(again.lines.at(-1)).toBe('audit@example.com has no live grant of premium; nothing was revoked.')
      expect((await audit('premium')).filter((a) => a.customer_id === customerId)).toHaveLength(1)

      const created = cli(env)
      expect(
        await created.run(['api-key', 'create', '--name', 'audited', '--scope', 'orders:read', '--json']),
      ).toBe(0)
      const { id } = JSON.parse(created.lines.join('\n')) as { id: string }
      expect(await cli(env).run(['api-key', 'revoke', id])).toBe(0)
      expect(await cli(env).run(['api-key', 'revoke', id])).toBe(1)
      const keyAudit = await audit(id)
      expect(keyAudit.map((a) => [a.actor_email, a.action, a.target_type])).toEqual([
        ['cli', 'api_key.create', 'api_key'],
        ['cli', 'api_key.revoke', 'api_key'],
      ])
      expect(JSON.parse(keyAudit[0]?.after_json ?? '{}')).toEqual({
        name: 'audited',
        mode: 'test',
        scopes: ['orders:read'],
      })
      expect(JSON.parse(keyAudit[1]?.before_json ?? '{}')).toMatchObject({
        name: 'audited',
        scopes: ['orders:read'],
        revoked_at: null,
      })
    } finally {
      await db.destroy()
    }
  }, 60_000)
})
