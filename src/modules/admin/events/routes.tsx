/**
 * The webhook inbox (status, attempts, last error, payload) with replay of one event or of every
 * failing one. Replays run the handlers the composition root gave us.
 * @module
 */
import { Hono } from 'hono'
import type { AppEnv } from '../../../http/env.js'
import { AppError } from '../../../lib/errors.js'
import { renderPage } from '../../../web/layout.js'
import {
  type EventHandlerMap,
  findEventByStripeId,
  inboxStatus,
  listFailingEventIds,
  listInboxPage,
  replayEvent,
} from '../../webhooks/index.js'
import { adminOf } from '../access.js'
import { recordAudit } from '../audit.js'
import { toCsv } from '../csv.js'
import { ActionForm, AdminFrame, PAGE_SIZE, Pager, when } from '../views.js'

export function createEventRoutes(handlers: EventHandlerMap): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/admin/events', async (c) => {
      const failing = c.req.query('status') === 'failing'
      const page = Math.max(1, Number.parseInt(c.req.query('page') ?? '1', 10) || 1)
      // `?event=evt_…` shows that one event (the customer page links here).
      const only = c.req.query('event')
      const events = await listInboxPage(c.get('deps').db, {
        failing,
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        ...(only ? { stripeEventId: only } : {}),
      })
      return renderPage(
        c,
        { title: 'Events' },
        <AdminFrame title="Webhook events" notice={c.req.query('done')}>
          <p>
            <a href="/admin/events">All</a> · <a href="/admin/events?status=failing">Failing</a> ·{' '}
            <a href={failing ? '/admin/events.csv?status=failing' : '/admin/events.csv'}>CSV</a>{' '}
            <ActionForm action="/admin/events/replay-failing" label="Replay all failing" />
          </p>
          <table tabindex={0} id="events">
            <thead>
              <tr>
                <th>Event</th>
                <th>Type</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr data-event={e.stripe_event_id} data-status={inboxStatus(e)}>
                  <td>
                    <details>
                      <summary>{e.stripe_event_id}</summary>
                      <pre>{e.payload.slice(0, 20_000)}</pre>
                    </details>
                  </td>
                  <td>{e.type}</td>
                  <td>
                    {e.handled_at ? `${inboxStatus(e)} ${when(e.handled_at, 'second')}` : inboxStatus(e)}
                  </td>
                  <td>{e.attempts}</td>
                  <td>{e.last_error ?? ''}</td>
                  <td>
                    <ActionForm action={`/admin/events/${e.stripe_event_id}/replay`} label="Replay" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            path="/admin/events"
            params={failing ? { status: 'failing' } : {}}
            page={page}
            count={events.length}
          />
        </AdminFrame>,
      )
    })
    .post('/admin/events/:id/replay', async (c) => {
      const deps = c.get('deps')
      const id = c.req.param('id')
      const before = await findEventByStripeId(deps.db, id)
      if (!before) throw new AppError('EVENT_NOT_FOUND')
      await replayEvent(deps, handlers, id)
      const after = await findEventByStripeId(deps.db, id)
      await recordAudit(deps.db, deps.clock.now(), {
        actor: adminOf(c).email,
        action: 'event.replay',
        target: { type: 'event', id },
        before: { handled_at: before.handled_at, attempts: before.attempts, last_error: before.last_error },
        after: {
          handled_at: after?.handled_at ?? null,
          attempts: after?.attempts ?? null,
          last_error: after?.last_error ?? null,
        },
      })
      const outcome = after?.handled_at
        ? 'Replayed: handled'
        : `Replayed: still failing (${after?.last_error ?? 'unknown'})`
      return c.redirect(`/admin/events?done=${encodeURIComponent(outcome)}`, 303)
    })
    .post('/admin/events/replay-failing', async (c) => {
      const deps = c.get('deps')
      const ids = await listFailingEventIds(deps.db)
      for (const id of ids) await replayEvent(deps, handlers, id)
      await recordAudit(deps.db, deps.clock.now(), {
        actor: adminOf(c).email,
        action: 'event.replay_failing',
        target: { type: 'inbox', id: 'failing' },
        after: { replayed: ids.length },
      })
      return c.redirect(`/admin/events?done=${encodeURIComponent(`Replayed ${ids.length} events`)}`, 303)
    })
    .get('/admin/events.csv', async (c) => {
      const events = await listInboxPage(c.get('deps').db, {
        failing: c.req.query('status') === 'failing',
        limit: 200_000,
        offset: 0,
      })
      const csv = toCsv(
        ['event', 'type', 'status', 'attempts', 'last_error', 'handled_at'],
        events.map((e) => [
          e.stripe_event_id,
          e.type,
          inboxStatus(e),
          e.attempts,
          e.last_error ?? '',
          e.handled_at ?? '',
        ]),
      )
      c.header('Content-Disposition', 'attachment; filename="events.csv"')
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
    })
}
