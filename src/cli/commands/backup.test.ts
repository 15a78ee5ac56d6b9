import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase } from '../../db/connect.js'
import type { DB } from '../../db/database.js'
import { migrateToLatest } from '../../db/migrate.js'
import { runCli } from '../index.js'

const AT = '2026-12-02T10:00:00.000Z'

function cli(env: Record<string, string>) {
  const lines: string[] = []
  const io = { env, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }
  return { run: (args: string[]) => runCli(args, io), lines }
}

describe('npx tollgate backup | restore (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-backup-'))
  const env = {
    SESSION_SECRET: 'backup-test-session-secret-0123456789',
    DATA_DIR: dir,
    DATABASE_URL: join(dir, 'store.db'),
    CATALOG: resolve('catalog.yaml'),
    LOG_LEVEL: 'silent',
  }
  let db: DB

  const emails = async () =>
    (await db.selectFrom('customers').select('email').orderBy('email').execute()).map((r) => r.email)
  const addCustomer = (id: string, email: string) =>
    db
      .insertInto('customers')
      .values({ id, email, stripe_customer_id: null, password_hash: null, created_at: AT })
      .execute()

  beforeAll(async () => {
    db = connectDatabase(env.DATABASE_URL) as DB
    await migrateToLatest(db)
    await addCustomer('cus_ann', 'ann@example.com')
  })
  afterAll(async () => {
    await db.destroy()
  })

  it('backs up while the store is open, and a restore brings back exactly that state', async () => {
    const file = join(dir, 'first.backup')
    const c = cli(env)
    expect(await c.run(['backup', file, '--json'])).toBe(0)
    const reported = JSON.parse(c.lines.at(-1) as string)
    expect(reported.file).toBe(file)
    expect(reported.migrations).toBeGreaterThan(0)

    // Changes after the backup, then the server is stopped (the handle closed) for the restore.
    await addCustomer('cus_bob', 'bob@example.com')
    await db.deleteFrom('customers').where('id', '=', 'cus_ann').execute()
    expect(await emails()).toEqual(['bob@example.com'])
    await db.destroy()

    expect(await c.run(['restore', file])).toBe(0)
    expect(c.lines.at(-1)).toMatch(/^Restored .*store\.db from .*first\.backup/)
    db = connectDatabase(env.DATABASE_URL) as DB
    expect(await emails()).toEqual(['ann@example.com'])
  })

  it('refuses to restore under a running store (its open database), changing nothing', async () => {
    const file = join(dir, 'while-open.backup')
    const c = cli(env)
    expect(await c.run(['backup', file])).toBe(0)
    await addCustomer('cus_cy', 'cy@example.com')
    expect(await c.run(['restore', file])).toBe(1)
    expect(c.lines.at(-1)).toMatch(/^Not restored: .*store\.db is open in another process .*stop it first/)
    // The store's connection still works on the same file, with what it wrote.
    await addCustomer('cus_di', 'di@example.com')
    expect(await emails()).toEqual(['ann@example.com', 'cy@example.com', 'di@example.com'])
    await db.deleteFrom('customers').where('id', 'in', ['cus_cy', 'cus_di']).execute()
  })

  it('refuses to overwrite a file, a file that is not a Tollgate backup, and unknown flags — changing nothing', async () => {
    const c = cli(env)
    const existing = join(dir, 'taken.backup')
    writeFileSync(existing, 'keep me')
    expect(await c.run(['backup', existing])).toBe(2)
    expect(c.lines.join('\n')).toContain('exists; choose a new file')

    const junk = join(dir, 'junk.backup')
    writeFileSync(junk, 'not a database at all')
    await db.destroy()
    expect(await c.run(['restore', junk])).toBe(1)
    expect(c.lines.at(-1)).toMatch(/^Not restored: /)
    db = connectDatabase(env.DATABASE_URL) as DB
    expect(await emails()).toEqual(['ann@example.com'])

    expect(await c.run(['backup', join(dir, 'x.backup'), '--gzip'])).toBe(2)
    expect(c.lines.join('\n')).toContain('gzip')
  })

  it('points PostgreSQL and MySQL stores at their own dump tools', async () => {
    const pg = cli({ ...env, DATABASE_URL: 'postgres://tollgate@127.0.0.1:5432/tollgate' })
    expect(await pg.run(['backup', join(dir, 'pg.backup')])).toBe(2)
    expect(pg.lines.join('\n')).toContain('pg_dump')
    const my = cli({ ...env, DATABASE_URL: 'mysql://root@127.0.0.1:3306/tollgate' })
    expect(await my.run(['restore', join(dir, 'first.backup')])).toBe(2)
    expect(my.lines.join('\n')).toContain('mysqldump')
  })
})
