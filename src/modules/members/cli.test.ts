import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../cli/index.js'
import { connectDatabase } from '../../db/connect.js'
import { hashToken } from '../../lib/tokens.js'
import { findCustomerByEmail } from '../customers/repo.js'
import { checkAccess } from '../entitlements/access.js'

function cli(env: Record<string, string>) {
  const lines: string[] = []
  const io = { env, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }
  return { run: (args: string[]) => runCli(args, io), lines }
}

describe('npx tollgate grant | revoke | api-key', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-members-cli-'))
  const env = {
    // No Stripe call is made by these commands; the URL points nowhere on purpose.
    STRIPE_API_URL: 'http://127.0.0.1:9',
    SESSION_SECRET: 'cli-test-session-secret-0123456789',
    DATA_DIR: dir,
    DATABASE_URL: join(dir, 'cli.db'),
    CATALOG: resolve('catalog.yaml'),
    LOG_LEVEL: 'silent',
  }

  it('grants until a date with a reason, revokes, and refuses unknown features', async () => {
    const c = cli(env)
    expect(
      await c.run(['grant', 'vip@example.com', 'premium', '--until', '2999-01-01', '--reason', 'press']),
    ).toBe(0)
    expect(c.lines.at(-1)).toMatch(/Granted premium to vip@example.com until 2999-01-01/)
    const db = connectDatabase(env.DATABASE_URL)
    try {
      const customer = await findCustomerByEmail(db, 'vip@example.com')
      const access = await checkAccess(db, customer?.id ?? '', 'premium', new Date())
      expect(access).toMatchObject({ allowed: true, source: { type: 'manual' } })
      expect(access.until?.toISOString()).toBe('2999-01-01T00:00:00.000Z')
      expect(await c.run(['revoke', 'vip@example.com', 'premium', '--reason', 'ended'])).toBe(0)
      expect(c.lines.at(-1)).toBe('Revoked premium from vip@example.com (1 grant)')
      expect((await checkAccess(db, customer?.id ?? '', 'premium', new Date())).allowed).toBe(false)
      expect(await c.run(['grant', 'vip@example.com', 'no-such-feature'])).toBe(1)
      expect(await c.run(['grant', 'vip@example.com'])).toBe(1)
    } finally {
      await db.destroy()
    }
  }, 60_000)

  it('creates an API key, prints it once and stores only its hash', async () => {
    const c = cli(env)
    expect(await c.run(['api-key', 'create', '--name', 'backend'])).toBe(0)
    const key = c.lines.at(-1) ?? ''
    expect(key).toMatch(/^tgk_[A-Za-z0-9_-]{40,}$/)
    const db = connectDatabase(env.DATABASE_URL)
    try {
      const row = await db.selectFrom('api_keys').selectAll().executeTakeFirstOrThrow()
      expect(row.name).toBe('backend')
      expect(row.key_hash).toBe(hashToken(key))
      expect(JSON.stringify(row)).not.toContain(key)
    } finally {
      await db.destroy()
    }
  }, 60_000)
})
