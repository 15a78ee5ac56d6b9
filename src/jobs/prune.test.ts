import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDeps, type TestDeps } from '../../test/harness.js'
import { DIALECTS } from '../../test/dialects.js'
import { addDays, createManualClock } from '../lib/clock.js'
import { newId } from '../lib/ids.js'
import { drainWorkers, WORKERS } from '../workers.js'

const PRUNE = WORKERS.filter((w) => w.name === 'prune')

describe.each(DIALECTS)('the hourly prune job on %s', (dialect) => {
  let t: TestDeps
  const clock = createManualClock(new Date('2026-12-01T12:00:00.000Z'))
  const at = (days: number): string => addDays(clock.now(), days).toISOString()
  // Inbox ids are made from the time the event was stored, as the intake makes them.
  const storedAt = (days: number): string => newId('ibx', addDays(clock.now(), days).getTime())
  const inbox = {
    old: storedAt(-40),
    new: storedAt(-2),
    failed: storedAt(-40),
    // Stored 40 days ago, handled yesterday (a retry that finally went through): kept.
    lateHandled: storedAt(-40),
    // Handled 40 days ago but with an id from tomorrow, as if the app clock had been set back in
    // between: pruning keeps it rather than trust either time alone.
    clockSetBack: storedAt(+1),
  }
  const inboxNames = new Map(Object.entries(inbox).map(([name, id]) => [id, name]))

  beforeAll(async () => {
    t = await createTestDeps(dialect, { clock })
  })
  afterAll(() => t.close())

  async function seed(): Promise<void> {
    const { db } = t.deps
    await db
      .insertInto('customers')
      .values({
        id: 'cu_prune',
        email: 'prune@example.com',
        stripe_customer_id: null,
        password_hash: null,
        created_at: at(-60),
      })
      .execute()
    const session = { customer_id: 'cu_prune', created_at: at(-40) }
    await db
      .insertInto('sessions')
      .values([
        { ...session, id: 'ses_expired', token_hash: 'h1', expires_at: at(-1) },
        { ...session, id: 'ses_live', token_hash: 'h2', expires_at: at(+1) },
      ])
      .execute()
    const link = { customer_id: 'cu_prune', created_at: at(-1) }
    await db
      .insertInto('sign_in_links')
      .values([
        { ...link, id: 'lnk_used', token_hash: 'l1', expires_at: at(+1), used_at: at(-1) },
        { ...link, id: 'lnk_expired', token_hash: 'l2', expires_at: at(-1), used_at: null },
        { ...link, id: 'lnk_live', token_hash: 'l3', expires_at: at(+1), used_at: null },
      ])
      .execute()
    const pwl = {
      customer_id: 'cu_prune',
      purpose: 'reset' as const,
      pending_password_hash: null,
      created_at: at(-1),
    }
    await db
      .insertInto('password_links')
      .values([
        { ...pwl, id: 'pwl_expired', token_hash: 'p1', expires_at: at(-1), used_at: null },
        { ...pwl, id: 'pwl_live', token_hash: 'p2', expires_at: at(+1), used_at: null },
      ])
      .execute()
    // An inbox row by name: stored and handled so many days from now (null: never handled).
    const event = (name: keyof typeof inbox, storedDays: number, handledDays: number | null) => ({
      id: inbox[name],
      stripe_event_id: `evt_${name}`,
      type: 'x',
      payload: '{}',
      event_created: 1,
      source: 'webhook' as const,
      received_at: at(storedDays),
      handled_at: handledDays === null ? null : at(handledDays),
      attempts: 1,
      last_error: handledDays === null ? 'boom' : null,
      next_attempt_at: at(-40),
    })
    await db
      .insertInto('stripe_events')
      .values([
        event('old', -40, -40),
        event('new', -2, -2),
        event('failed', -40, null),
        event('lateHandled', -40, -1),
        event('clockSetBack', +1, -40),
      ])
      .execute()
    await db
      .insertInto('rate_limits')
      .values([
        { key: 'old', window_start: at(-3), count: 5 },
        { key: 'now', window_start: clock.now().toISOString(), count: 1 },
      ])
      .execute()
    const answer = { api_key_id: 'key_1', request_hash: 'h', status_code: 201, response: '{}' }
    await db
      .insertInto('api_idempotency')
      .values([
        { ...answer, id: 'key_1:old', created_at: at(-3) },
        { ...answer, id: 'key_1:new', created_at: clock.now().toISOString() },
      ])
      .execute()
  }

  async function ids(
    table: 'sessions' | 'sign_in_links' | 'password_links' | 'stripe_events',
  ): Promise<string[]> {
    const rows = await t.deps.db.selectFrom(table).select('id').orderBy('id').execute()
    return rows.map((r) => r.id)
  }

  it('removes expired and spent rows, keeps live ones and failures, and runs at most hourly', async () => {
    await seed()
    await drainWorkers(t.deps, { workers: PRUNE })
    expect(await ids('sessions')).toEqual(['ses_live'])
    expect(await ids('sign_in_links')).toEqual(['lnk_live'])
    expect(await ids('password_links')).toEqual(['pwl_live'])
    const events = (await ids('stripe_events')).map((id) => inboxNames.get(id))
    expect(events.sort()).toEqual(['clockSetBack', 'failed', 'lateHandled', 'new'])
    const limits = await t.deps.db.selectFrom('rate_limits').select('key').execute()
    expect(limits.map((r) => r.key)).toEqual(['now'])
    const answers = await t.deps.db.selectFrom('api_idempotency').select('id').execute()
    expect(answers.map((r) => r.id)).toEqual(['key_1:new'])

    // Within the hour nothing runs; an hour after the last run (by the app clock) it does again.
    clock.advance(30 * 60_000)
    await t.deps.db
      .insertInto('sessions')
      .values({
        id: 'ses_gone',
        customer_id: 'cu_prune',
        token_hash: 'h3',
        created_at: at(-1),
        expires_at: at(0),
      })
      .execute()
    await drainWorkers(t.deps, { workers: PRUNE })
    expect(await ids('sessions')).toEqual(['ses_gone', 'ses_live'])
    clock.advance(31 * 60_000)
    await drainWorkers(t.deps, { workers: PRUNE })
    expect(await ids('sessions')).toEqual(['ses_live'])
  })
})
