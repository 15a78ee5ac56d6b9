/**
 * Wakes the inbox worker the moment an event is stored instead of at its next poll (a paid
 * webhook used to wait up to a poll interval before its grant). In this process it is a plain
 * signal; on PostgreSQL the intake also sends NOTIFY on `INBOX_CHANNEL` (once per batch of
 * events, from the statement that stores them), which the composition root LISTENs to, so another
 * instance's worker wakes too. The NOTIFY names the process that sent it, which ignores its own: it
 * rang already, and a second ring costs its worker one more claim that finds nothing. The worker's poll stays as the safety net
 * for a lost signal (a dropped listener connection, another dialect, a crash in between).
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { Executor } from '../../db/database.js'
import { dialectOfExecutor, type Notification } from '../../db/portable.js'
import { notifyChannel } from './repo.js'

export const INBOX_CHANNEL = 'tollgate_inbox'

/** This process, as named in its NOTIFY payloads. */
const SENDER = randomUUID()

const listeners = new Set<() => void>()

/** Calls `listener` whenever an event was stored in this process (or announced by another). */
export function onInboxEvent(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** Wakes this process's inbox worker(s) only. */
export function ringInbox(): void {
  for (const listener of listeners) listener()
}

/** The NOTIFY that tells the other instances' workers (PostgreSQL), for a statement to send. */
export const OTHER_INSTANCES: Notification = { channel: INBOX_CHANNEL, payload: SENDER }

/**
 * On PostgreSQL, tells the other instances' workers (through the caller's transaction: the NOTIFY
 * is delivered when it commits). Elsewhere nothing: they rely on the poll.
 */
export async function notifyOtherInstances(db: Executor): Promise<void> {
  if (dialectOfExecutor(db) === 'postgres')
    await notifyChannel(db, OTHER_INSTANCES.channel, OTHER_INSTANCES.payload)
}

/** A NOTIFY heard on INBOX_CHANNEL: rings this process's inbox unless this process sent it. */
export function onInboxNotification(payload: string): void {
  if (payload !== SENDER) ringInbox()
}

/** After a new event is committed: wakes the workers here and, on PostgreSQL, on every instance. */
export async function announceInboxEvent(db: Executor): Promise<void> {
  ringInbox()
  await notifyOtherInstances(db)
}
