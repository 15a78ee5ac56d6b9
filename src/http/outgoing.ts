/**
 * The Node response under `@hono/node-server` (its `c.env.outgoing`), so middleware can put
 * headers that every response carries straight onto it, before the handler runs: Node merges
 * them with the response's own headers when it writes the head (the response's win on a clash),
 * and no WHATWG `Headers` object is built and copied header by header for them. Undefined where
 * there is no Node response (`app.request` in tests, the serverless handler): callers then fall
 * back to Hono's headers.
 * @module
 */
import { ServerResponse } from 'node:http'
import type { Context } from 'hono'

export function nodeResponse(c: Context): ServerResponse | undefined {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing
  return outgoing instanceof ServerResponse && !outgoing.headersSent ? outgoing : undefined
}
