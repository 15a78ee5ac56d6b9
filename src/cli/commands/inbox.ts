/**
 * `npx tollgate inbox [list | replay <evt_…> | replay --failing | recover] [--json]` (also as
 * `tollgate events`): look at the webhook inbox (unhandled and failed events first), replay one
 * event or every failing one (audited as the console's replays are), or fill gaps from Stripe's
 * `GET /v1/events`.
 * @module
 */
import { EVENT_HANDLERS, HANDLED_EVENT_TYPES } from '../../event-handlers.js'
import { recordAudit } from '../../modules/admin/index.js'
import {
  findEventByStripeId,
  inboxStatus,
  listEvents,
  listFailingEventIds,
  processInboxNow,
  recoverMissedEvents,
  replayEvent,
  type StripeEventRow,
} from '../../modules/webhooks/index.js'
import { type Command, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'
import { CLI_ACTOR } from './refund.js'

function describeEvent(row: StripeEventRow): string {
  const state = row.handled_at ? `handled ${row.handled_at}` : inboxStatus(row)
  const error = row.last_error ? ` — ${row.last_error}` : ''
  return `${row.stripe_event_id}  ${row.type}  ${state}  attempts=${row.attempts}${error}`
}

const ACTIONS = ['list', 'replay', 'recover'] as const

export const inboxCommand: Command = {
  name: 'inbox',
  usage: 'inbox [list | replay <evt_id> | replay --failing | recover] [--json]',
  summary: 'Show the Stripe webhook inbox, replay an event, or recover missed events',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { json: { type: 'boolean' }, failing: { type: 'boolean' } },
      { min: 0, max: 2, names: ['<action>', '<evt_id>'] },
    )
    const [action = 'list', eventId] = positionals
    if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown action "${action}"`)
    if (values.failing && (action !== 'replay' || eventId))
      throw new UsageError('--failing: only with replay, instead of an event id')
    if (action === 'replay' && !eventId && !values.failing)
      throw new UsageError('replay needs an event id (evt_…) or --failing')
    if (action !== 'replay' && eventId) throw new UsageError(`unexpected argument "${eventId}"`)
    return withCliDeps(io, async ({ deps }) => {
      if (action === 'replay' && values.failing) {
        const ids = await listFailingEventIds(deps.db)
        for (const id of ids) await replayEvent(deps, EVENT_HANDLERS, id)
        const still = new Set(await listFailingEventIds(deps.db))
        await recordAudit(deps.db, deps.clock.now(), {
          actor: CLI_ACTOR,
          action: 'event.replay_failing',
          target: { type: 'inbox', id: 'failing' },
          after: { replayed: ids.length },
        })
        const stillFailing = ids.filter((id) => still.has(id))
        if (values.json) printJSON(io, { replayed: ids.length, stillFailing })
        else io.out(`Replayed ${ids.length} failing event(s); ${stillFailing.length} still failing.`)
        return 0
      }
      if (action === 'replay') {
        const before = await findEventByStripeId(deps.db, eventId as string)
        const found = await replayEvent(deps, EVENT_HANDLERS, eventId as string)
        const after = await findEventByStripeId(deps.db, eventId as string)
        if (before && found) {
          await recordAudit(deps.db, deps.clock.now(), {
            actor: CLI_ACTOR,
            action: 'event.replay',
            target: { type: 'event', id: eventId as string },
            before: {
              handled_at: before.handled_at,
              attempts: before.attempts,
              last_error: before.last_error,
            },
            after: {
              handled_at: after?.handled_at ?? null,
              attempts: after?.attempts ?? null,
              last_error: after?.last_error ?? null,
            },
          })
        }
        if (values.json) printJSON(io, { event: eventId, replayed: found })
        else if (!found) io.err(`No event ${eventId} in the inbox.`)
        else io.out(`Replayed ${eventId}.`)
        return found ? 0 : 1
      }
      if (action === 'recover') {
        const inserted = await recoverMissedEvents(deps, HANDLED_EVENT_TYPES)
        const handled = await processInboxNow(deps, EVENT_HANDLERS)
        if (values.json) printJSON(io, { recovered: inserted, handled })
        else io.out(`Recovered ${inserted} missed event(s); handled ${handled}.`)
        return 0
      }
      const rows = await listEvents(deps.db, 100)
      const open = rows.filter((r) => !r.handled_at)
      const ordered = [...open, ...rows.filter((r) => r.handled_at)]
      if (values.json) {
        printJSON(
          io,
          ordered.map((r) => ({
            id: r.stripe_event_id,
            type: r.type,
            handledAt: r.handled_at,
            attempts: r.attempts,
            lastError: r.last_error,
          })),
        )
        return 0
      }
      io.out(`${open.length} unhandled of the last ${rows.length} events`)
      for (const row of ordered) io.out(describeEvent(row))
      return 0
    })
  },
}
