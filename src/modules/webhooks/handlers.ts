/**
 * What an event handler is. A handler runs outside any transaction, re-fetches the authoritative
 * object from Stripe and returns the change to apply (or nothing); the inbox then applies every
 * change and stamps the event handled in one transaction. The inbox knows no handler: modules
 * export their `EventHandlerMap`s and the composition root (src/workers.ts) merges them.
 * @module
 */
import type { Transaction } from 'kysely'
import type Stripe from 'stripe'
import type { Database } from '../../db/database.js'
import type { Deps } from '../../deps.js'

export type EventType = Stripe.Event.Type
export type EventOf<T extends EventType> = Extract<Stripe.Event, { type: T }>
export type ApplyEvent = (trx: Transaction<Database>) => Promise<void>
export type EventHandler<T extends EventType = EventType> = (
  deps: Deps,
  event: EventOf<T>,
) => Promise<ApplyEvent | undefined>

/** Event type → the handlers that run for it, in order. */
export type EventHandlerMap = { [T in EventType]?: EventHandler<T>[] }

/** One map from several: handlers for the same type run in the order the maps are given. */
export function mergeEventHandlers(...maps: EventHandlerMap[]): EventHandlerMap {
  const merged: Record<string, EventHandler[]> = {}
  for (const map of maps) {
    for (const [type, handlers] of Object.entries(map) as [string, EventHandler[]][]) {
      merged[type] = [...(merged[type] ?? []), ...handlers]
    }
  }
  return merged as EventHandlerMap
}

export function handlersFor(map: EventHandlerMap, type: string): EventHandler[] {
  return (map as Record<string, EventHandler[] | undefined>)[type] ?? []
}
