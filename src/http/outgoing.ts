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

/**
 * Sets a header of this response. On Node it goes onto the socket's response like the headers
 * every response carries: a route's one `c.header(…)` makes Hono build a WHATWG `Headers` (twice:
 * once for the context, once for the response) and the adapter copy it out again, a measurable
 * part of a signed-in page view. Elsewhere (and once the head is sent) through Hono as before.
 */
export function responseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeResponse(c)
  if (outgoing) outgoing.setHeader(name, value)
  else c.header(name, value)
}
