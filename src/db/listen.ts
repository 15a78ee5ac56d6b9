/**
 * PostgreSQL LISTEN on one channel over a connection of its own (a pooled one would be handed to
 * queries). A dropped connection is reopened after a pause, until `close()`; whoever relies on
 * the notifications keeps a poll for what is missed in between.
 * @module
 */
import type pg from 'pg'
import { loadPg } from './connect.js'

export type Listener = { close(): Promise<void> }

const RECONNECT_MS = 5000

export function listenOnPostgres(
  databaseUrl: string,
  channel: string,
  /** Called with the notification's payload ('' when it had none). */
  onNotify: (payload: string) => void,
  onError: (err: Error) => void,
): Listener {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Bad channel name ${channel}`)
  let closed = false
  let client: pg.Client | undefined
  let retry: NodeJS.Timeout | undefined

  const open = async (): Promise<void> => {
    const next = new (loadPg().Client)({ connectionString: databaseUrl })
    client = next
    next.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '')
    })
    next.on('error', (err) => reopen(next, err))
    try {
      await next.connect()
      await next.query(`LISTEN ${channel}`)
    } catch (err) {
      reopen(next, err as Error)
    }
  }
  const reopen = (failed: pg.Client, err: Error): void => {
    if (closed || client !== failed) return
    client = undefined
    onError(err)
    failed.end().catch(() => {})
    retry = setTimeout(() => void open(), RECONNECT_MS)
  }

  void open()
  return {
    async close() {
      closed = true
      clearTimeout(retry)
      await client?.end().catch(() => {})
    },
  }
}
