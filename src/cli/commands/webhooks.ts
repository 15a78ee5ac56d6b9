/**
 * `npx tollgate webhooks add <url> [--events order.paid,…] | list | remove <id> | enable <id> |
 * deliveries [--endpoint <id>] [--limit N] | redeliver <delivery id>` (all with `--json`): the
 * endpoints other apps receive signed events at. The signing secret is printed once, by add.
 * Every change is written to the audit log (actor `cli`) with the entry the console writes for it.
 */
import type { Executor } from '../../db/database.js'
import { type AuditInput, recordAudit } from '../../modules/admin/index.js'
import {
  addWebhookEndpoint,
  enableWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  OUTBOUND_EVENTS,
  type OutboundEventType,
  redeliverWebhook,
  removeWebhookEndpoint,
} from '../../modules/outbound-webhooks/index.js'
import { type Command, checkedValue, flagValue, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'
import { CLI_ACTOR } from './refund.js'

const ACTIONS = ['add', 'list', 'remove', 'enable', 'deliveries', 'redeliver'] as const
type Action = (typeof ACTIONS)[number]
const NEEDS_ARGUMENT: Action[] = ['add', 'remove', 'enable', 'redeliver']

function parseEvents(text: string): OutboundEventType[] | '*' | undefined {
  if (text === '*') return '*'
  const events = [...new Set(text.split(',').map((e) => e.trim()))]
  return events.every((e) => (OUTBOUND_EVENTS as readonly string[]).includes(e))
    ? (events as OutboundEventType[])
    : undefined
}

function parseUrl(text: string): string | undefined {
  try {
    const url = new URL(text)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}

export const webhooksCommand: Command = {
  name: 'webhooks',
  usage:
    'webhooks add <url> [--events E,…] | list | remove <id> | enable <id> | deliveries [--endpoint <id>] [--limit N] | redeliver <delivery id> [--json]',
  summary: `Endpoints that receive signed events (${OUTBOUND_EVENTS.join(', ')})`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        events: { type: 'string' },
        endpoint: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 2, names: ['action', 'argument'] },
    )
    const action = positionals[0] as Action
    if (!ACTIONS.includes(action))
      throw new UsageError(`unknown action "${action}" (expected ${ACTIONS.join(', ')})`)
    const arg = positionals[1]
    if (NEEDS_ARGUMENT.includes(action) && !arg) throw new UsageError(`${action} needs an argument`)
    if (!NEEDS_ARGUMENT.includes(action) && arg) throw new UsageError(`unexpected argument "${arg}"`)
    const events = flagValue(
      'events',
      values.events,
      parseEvents,
      `* or a list of ${OUTBOUND_EVENTS.join(', ')}`,
    )
    const limit = flagValue(
      'limit',
      values.limit,
      (t) => (/^\d{1,3}$/.test(t) && Number(t) > 0 ? Number(t) : undefined),
      '1 to 999',
    )
    // The URL is an argument, not a flag: its error names it as the usage does.
    const url = action === 'add' ? checkedValue('<url>', arg, parseUrl, 'an http(s) URL') : undefined
    return withCliDeps(io, async ({ deps }) => {
      const now = deps.clock.now()
      const db = deps.db
      const print = (data: unknown, line: string): number => {
        if (values.json) printJSON(io, data)
        else io.out(line)
        return 0
      }
      /** A change and its audit entry in one transaction, as the console writes them. */
      const audited = <T>(
        change: (trx: Executor) => Promise<T | undefined>,
        entry: (done: T) => Omit<AuditInput, 'actor'>,
      ): Promise<T | undefined> =>
        db.transaction().execute(async (trx) => {
          const done = await change(trx)
          if (done !== undefined) await recordAudit(trx, now, { actor: CLI_ACTOR, ...entry(done) })
          return done
        })
      const endpoint = { type: 'webhook_endpoint', id: arg as string }
      const changeOne = (which: Action, id: string): Promise<unknown> =>
        which === 'remove'
          ? audited(
              (trx) => removeWebhookEndpoint(trx, id),
              (before) => ({ action: 'webhook_endpoint.remove', target: endpoint, before }),
            )
          : which === 'enable'
            ? audited(
                (trx) => enableWebhookEndpoint(trx, id, now),
                (before) => ({
                  action: 'webhook_endpoint.enable',
                  target: endpoint,
                  before,
                  after: { status: 'enabled' },
                }),
              )
            : audited(
                (trx) => redeliverWebhook(trx, id, now),
                (delivery) => ({
                  action: 'webhook_delivery.redeliver',
                  target: { type: 'webhook_delivery', id },
                  after: { delivery },
                }),
              )
      switch (action) {
        case 'add': {
          const eventList = events ?? '*'
          const created = await audited(
            (trx) => addWebhookEndpoint(trx, { url: url as string, events: eventList, now }),
            (made) => ({
              action: 'webhook_endpoint.add',
              target: { type: 'webhook_endpoint', id: made.id },
              after: { url, events: eventList },
            }),
          )
          if (!created) throw new Error('endpoint not added')
          return print(
            { ...created, url },
            `Endpoint ${created.id} → ${url}. Its signing secret (shown once):\n${created.secret}`,
          )
        }
        case 'list': {
          const endpoints = await listWebhookEndpoints(db)
          return print(
            endpoints,
            endpoints.map((e) => `${e.id}  ${e.status}  ${e.url}  [${e.events}]`).join('\n') ||
              'No endpoints.',
          )
        }
        case 'deliveries': {
          const rows = await listWebhookDeliveries(db, {
            ...(values.endpoint ? { endpointId: values.endpoint } : {}),
            limit: limit ?? 50,
          })
          const lines = rows.map(
            (d) =>
              `${d.id}  ${d.event_type}  ${d.status}  attempts ${d.attempts}  ${d.last_error ?? d.last_status ?? ''}`,
          )
          return print(rows, lines.join('\n') || 'No deliveries.')
        }
        default: {
          const id = arg as string
          const done = await changeOne(action, id)
          if (done === undefined) {
            io.err(`Nothing found with id ${id}.`)
            return 1
          }
          return print(
            { id, action, ...(typeof done === 'string' ? { delivery: done } : {}) },
            `${action}: ${id} done.`,
          )
        }
      }
    })
  },
}
