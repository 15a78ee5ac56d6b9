/**
 * `npx tollgate inbox [list | replay <evt_…> | recover] [--json]`: look at the webhook inbox
 * (unhandled and failed events first), replay one event, or fill gaps from Stripe's
 * `GET /v1/events`.
 * @module
 */
import { EVENT_HANDLERS } from '../../event-handlers.js'
import {
  listEvents,
  processInboxNow,
  recoverMissedEvents,
  replayEvent,
  type StripeEventRow,
} from '../../modules/webhooks/index.js'
import { type Command, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'

function describeEvent(row: StripeEventRow): string {
  const state = row.handled_at ? `handled ${row.handled_at}` : row.last_error ? 'FAILED' : 'pending'
  const error = row.last_error ? ` — ${row.last_error}` : ''
  return `${row.stripe_event_id}  ${row.type}  ${state}  attempts=${row.attempts}${error}`
}

const ACTIONS = ['list', 'replay', 'recover'] as const

export const inboxCommand: Command = {
  name: 'inbox',
  usage: 'inbox [list | replay <evt_id> | recover] [--json]',
  summary: 'Show the Stripe webhook inbox, replay an event, or recover missed events',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { json: { type: 'boolean' } },
      { min: 0, max: 2, names: ['<action>', '<evt_id>'] },
    )
    const [action = 'list', eventId] = positionals
    if (!(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`unknown action "${action}"`)
    if (action === 'replay' && !eventId) throw new UsageError('replay needs an event id (evt_…)')
    if (action !== 'replay' && eventId) throw new UsageError(`unexpected argument "${eventId}"`)
    return withCliDeps(io, async ({ deps }) => {
      if (action === 'replay') {
        const found = await replayEvent(deps, EVENT_HANDLERS, eventId as string)
        if (values.json) printJSON(io, { event: eventId, replayed: found })
        else if (!found) io.err(`No event ${eventId} in the inbox.`)
        else io.out(`Replayed ${eventId}.`)
        return found ? 0 : 1
      }
      if (action === 'recover') {
        const inserted = await recoverMissedEvents(deps)
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
