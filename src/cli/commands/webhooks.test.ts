/**
 * `tollgate webhooks add | enable | remove` write the audit entries the console writes for the
 * same changes (actor `cli`, before and after), and nothing when the id names no endpoint.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectDatabase } from '../../db/connect.js'
import type { Database } from '../../db/database.js'
import { runCli } from '../index.js'

function cli(env: Record<string, string>) {
  const out: string[] = []
  const err: string[] = []
  const io = { env, out: (l: string) => out.push(l), err: (l: string) => err.push(l) }
  return { run: (args: string[]) => runCli(args, io), out, err }
}

describe('npx tollgate webhooks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-webhooks-cli-'))
  const env = {
    SESSION_SECRET: 'cli-test-session-secret-0123456789',
    DATA_DIR: dir,
    DATABASE_URL: join(dir, 'cli.db'),
    CATALOG: resolve('catalog.yaml'),
    LOG_LEVEL: 'silent',
  }
  let db: Kysely<Database>
  beforeAll(async () => {
    expect(await cli(env).run(['migrate'])).toBe(0)
    db = connectDatabase(env.DATABASE_URL)
  })
  afterAll(() => db.destroy())

  const audit = () =>
    db
      .selectFrom('admin_audit_log')
      .select(['actor_email', 'action', 'target_type', 'target_id', 'before_json', 'after_json'])
      .orderBy('id')
      .execute()

  it('audits add, enable and remove with the before and after the console records', async () => {
    const refused = cli(env)
    expect(await refused.run(['webhooks', 'add', 'ftp://hooks.example.com/in'])).toBe(2)
    expect(refused.err.at(-1)).toMatch(/^tollgate webhooks: <url>: expected an http\(s\) URL, got "ftp:/)
    const add = cli(env)
    expect(
      await add.run(['webhooks', 'add', 'https://hooks.example.com/in', '--events', 'order.paid', '--json']),
    ).toBe(0)
    const { id } = JSON.parse(add.out.join('\n')) as { id: string }
    await db
      .updateTable('webhook_endpoints')
      .set({ status: 'disabled', consecutive_failures: 7 })
      .where('id', '=', id)
      .execute()
    expect(await cli(env).run(['webhooks', 'enable', id])).toBe(0)
    expect(await cli(env).run(['webhooks', 'remove', id])).toBe(0)
    // Entry ids sort by time only to the millisecond, and these three commands can share one:
    // each entry is found by its action, not by its place.
    const entries = await audit()
    expect(
      entries
        .map((e) => [e.actor_email, e.action, e.target_type, e.target_id])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    ).toEqual([
      ['cli', 'webhook_endpoint.add', 'webhook_endpoint', id],
      ['cli', 'webhook_endpoint.enable', 'webhook_endpoint', id],
      ['cli', 'webhook_endpoint.remove', 'webhook_endpoint', id],
    ])
    const byAction = (action: string) => entries.find((e) => e.action === `webhook_endpoint.${action}`)
    const [added, enabled, removed] = [byAction('add'), byAction('enable'), byAction('remove')]
    expect(JSON.parse(added?.after_json ?? 'null')).toEqual({
      url: 'https://hooks.example.com/in',
      events: ['order.paid'],
    })
    expect(JSON.parse(enabled?.before_json ?? 'null')).toEqual({
      status: 'disabled',
      consecutive_failures: 7,
      disabled_at: null,
    })
    expect(JSON.parse(enabled?.after_json ?? 'null')).toEqual({ status: 'enabled' })
    const before = JSON.parse(removed?.before_json ?? 'null')
    expect(before).toMatchObject({
      id,
      url: 'https://hooks.example.com/in',
      events: 'order.paid',
      status: 'enabled',
    })
    expect(before).not.toHaveProperty('secret')
    expect(removed?.after_json).toBeNull()
  })

  it('writes nothing for an id that names no endpoint', async () => {
    const count = (await audit()).length
    const c = cli(env)
    expect(await c.run(['webhooks', 'remove', 'whe_nope'])).toBe(1)
    expect(c.err.join('\n')).toContain('Nothing found with id whe_nope')
    expect(await cli(env).run(['webhooks', 'enable', 'whe_nope'])).toBe(1)
    expect(await audit()).toHaveLength(count)
  })

  it('stores an event named twice in --events once', async () => {
    const add = cli(env)
    const events = 'order.paid,entitlement.granted,order.paid'
    expect(
      await add.run(['webhooks', 'add', 'https://hooks.example.com/twice', '--events', events, '--json']),
    ).toBe(0)
    const { id } = JSON.parse(add.out.join('\n')) as { id: string }
    const stored = await db
      .selectFrom('webhook_endpoints')
      .select('events')
      .where('id', '=', id)
      .executeTakeFirst()
    expect(stored?.events).toBe('order.paid,entitlement.granted')
    const entry = (await audit()).find((e) => e.action === 'webhook_endpoint.add' && e.target_id === id)
    expect(JSON.parse(entry?.after_json ?? 'null')).toMatchObject({
      events: ['order.paid', 'entitlement.granted'],
    })
  })
})
