/**
 * `npx tollgate inbox [list|replay <evt_…>|recover]`: look at the webhook inbox (unhandled and
 * failed events first), replay one event, or fill gaps from Stripe's `GET /v1/events`.
 * @module
 */
import { type Command, positional } from '../../cli/command.js'
import { cliConfig, openCliDeps } from '../../cli/context.js'
import { migrateToLatest } from '../../db/migrate.js'
import { processInboxNow, replayEvent } from './inbox.js'
import { recoverMissedEvents } from './recover.js'
import { listEvents } from './repo.js'
import type { StripeEventRow } from './table.js'

function describeEvent(row: StripeEventRow): string {
  const state = row.handled_at ? `handled ${row.handled_at}` : row.last_error ? 'FAILED' : 'pending'
  const error = row.last_error ? ` — ${row.last_error}` : ''
  return `${row.stripe_event_id}  ${row.type}  ${state}  attempts=${row.attempts}${error}`
}

export const inboxCommand: Command = {
  name: 'inbox',
  usage: 'inbox [list | replay <evt_id> | recover]',
  summary: 'Show the Stripe webhook inbox, replay an event, or recover missed events',
  async run(args, io) {
    const [action = 'list', eventId] = positional(args)
    if (!['list', 'replay', 'recover'].includes(action) || (action === 'replay' && !eventId)) {
      io.err(`Usage: tollgate ${this.usage}`)
      return 1
    }
    const { deps, close } = await openCliDeps(cliConfig(io))
    try {
      await migrateToLatest(deps.db)
      if (action === 'replay') {
        const found = await replayEvent(deps, eventId as string)
        if (!found) io.err(`No event ${eventId} in the inbox.`)
        else io.out(`Replayed ${eventId}.`)
        return found ? 0 : 1
      }
      if (action === 'recover') {
        const inserted = await recoverMissedEvents(deps)
        const handled = await processInboxNow(deps)
        io.out(`Recovered ${inserted} missed event(s); handled ${handled}.`)
        return 0
      }
      const rows = await listEvents(deps.db, 100)
      const open = rows.filter((r) => !r.handled_at)
      io.out(`${open.length} unhandled of the last ${rows.length} events`)
      for (const row of [...open, ...rows.filter((r) => r.handled_at)]) io.out(describeEvent(row))
      return 0
    } finally {
      await close()
    }
  },
}
