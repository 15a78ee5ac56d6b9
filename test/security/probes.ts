/**
 * The attacks tried on each row of the route table, and the refusal each must meet: the caller
 * without the right to call it (anonymous, another customer, an API key missing the scope), a
 * form posted from another site, an oversized body, malformed input from a caller who is let in.
 */
import { CRON_SECRET, type SecurityFixture } from './fixture.js'
import type { Access, Input, RouteRow } from './route-table.js'

/** A status, or `sign-in`: 401, or 303 to the sign-in page. */
export type Refusal = number | 'sign-in'

export type Probe = {
  name: string
  /** The request stays refused: nothing may be stored. */
  refused: boolean
  expected: Refusal
  send(f: SecurityFixture): Promise<Response>
}

/** What anyone without the right gets, by kind of access (undefined: anyone may call it). */
export const ANONYMOUS_REFUSAL: Record<string, Refusal | undefined> = {
  anyone: undefined,
  token: undefined,
  customer: 'sign-in',
  feature: 'sign-in',
  admin: 404, // the console does not admit it exists
  'stripe-signature': 400,
  'cron-secret': 401,
  key: 401,
}
/** A signed-in customer reaching for another customer's thing, or for a feature not bought. */
export const OTHER_CUSTOMER_REFUSAL = { owned: 404, feature: 403, admin: 404 } as const
export const SCOPE_MISSING_REFUSAL = 403
export const CROSS_ORIGIN_REFUSAL = 403
/**
 * `/api/v1` reads no cookie, so app.ts skips the Origin check there. What a page on another site
 * can send it is a simple request: no Authorization header (so no API key) and no JSON type. A
 * key route refuses it as unauthenticated; a public licence route (the licence key in a JSON body)
 * as not JSON.
 */
export const API_CROSS_ORIGIN_REFUSAL: Record<string, number> = { key: 401, token: 415 }
export const OVERSIZED_REFUSAL = 413
/** Malformed input from an admitted caller, unless the row documents another answer. */
export const MALFORMED_REFUSAL: Record<Exclude<Input, 'none'>, number> = { form: 422, json: 400, query: 422 }

const EVIL_ORIGIN = 'https://evil.example'
const MALFORMED = {
  form: 'subscription=&price[]=x&email=not-an-email&token=&flow=&reason=&amount=-1&%%%=1',
  json: '{"price": ',
  query: 'subscription=&price[]=x&session_id=cs_&token=&next=//evil.example&from=yesterday&page=-1',
} as const

export type Caller = { agent: 'owner' | 'other' | 'admin' | 'anonymous'; authorization?: string }

function accessKind(access: Access): string {
  return access.startsWith('key:') ? 'key' : access
}

/** The caller who is let in: the owner, the admin, a key with every scope, Stripe, the scheduler. */
export function admittedAgent(row: RouteRow, f: SecurityFixture): Caller {
  const kind = accessKind(row.access)
  if (kind === 'customer' || kind === 'feature') return { agent: 'owner' }
  if (kind === 'admin') return { agent: 'admin' }
  if (kind === 'key') return { agent: 'anonymous', authorization: `Bearer ${f.fullKey}` }
  if (kind === 'cron-secret') return { agent: 'anonymous', authorization: `Bearer ${CRON_SECRET}` }
  return { agent: 'anonymous' }
}

export function fillPath(row: RouteRow, f: SecurityFixture): string {
  const id = row.id ? encodeURIComponent(f.ids[row.id]) : 'zz_missing'
  return row.path.replace(/:\w+/g, id)
}

/** The owner's subscription named where the row reads it (query or form), for another customer. */
function ownedInput(f: SecurityFixture): string {
  const fields = { subscription: f.ids.subscription, price: 'membership-yearly', reason: 'unused' }
  return new URLSearchParams(fields).toString()
}

type Body = { type: string; body: string }

function send(
  f: SecurityFixture,
  row: RouteRow,
  caller: Caller,
  options: { query?: string; body?: Body; origin?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {}
  if (caller.authorization) headers.authorization = caller.authorization
  if (options.origin) headers.origin = options.origin
  if (options.body) headers['content-type'] = options.body.type
  const path = fillPath(row, f) + (options.query ? `?${options.query}` : '')
  return f[caller.agent].request(path, {
    method: row.method,
    headers,
    ...(options.body ? { body: options.body.body } : {}),
  })
}

/** The row's own input, well-formed enough to reach the check under test. */
function plainBody(row: RouteRow, f: SecurityFixture): Body | undefined {
  if (row.method === 'GET') return undefined
  if (row.input === 'json') return { type: 'application/json', body: '{}' }
  return {
    type: 'application/x-www-form-urlencoded',
    body: row.owned === 'subscription' ? ownedInput(f) : '',
  }
}

export function probesFor(row: RouteRow, f: SecurityFixture): Probe[] {
  const probes: Probe[] = []
  const kind = accessKind(row.access)
  const query = row.method === 'GET' && row.owned === 'subscription' ? ownedInput(f) : undefined
  const body = plainBody(row, f)
  const anonymous = ANONYMOUS_REFUSAL[kind]
  if (anonymous !== undefined) {
    probes.push({
      name: 'anonymous',
      refused: true,
      expected: anonymous,
      send: () =>
        send(f, row, { agent: 'anonymous' }, { ...(query ? { query } : {}), ...(body ? { body } : {}) }),
    })
    if (body && row.input === 'form') {
      // Sign-in comes before the form is read: an anonymous caller learns nothing from which of
      // its fields (or ids) would have been refused.
      probes.push({
        name: 'anonymous, unfit form',
        refused: true,
        expected: anonymous,
        send: () =>
          send(
            f,
            row,
            { agent: 'anonymous' },
            {
              body: { type: 'application/x-www-form-urlencoded', body: 'subscription=sub_unknown&price=%00' },
            },
          ),
      })
    }
  }
  const other = row.owned ? 'owned' : kind === 'feature' || kind === 'admin' ? kind : undefined
  if (other) {
    probes.push({
      name: 'another customer',
      refused: true,
      expected: OTHER_CUSTOMER_REFUSAL[other],
      send: () =>
        send(f, row, { agent: 'other' }, { ...(query ? { query } : {}), ...(body ? { body } : {}) }),
    })
  }
  if (kind === 'key') {
    const scope = row.access.slice('key:'.length)
    probes.push({
      name: `key without ${scope}`,
      refused: true,
      expected: SCOPE_MISSING_REFUSAL,
      send: () =>
        send(
          f,
          row,
          { agent: 'anonymous', authorization: `Bearer ${f.keyWithout(scope)}` },
          {
            ...(body ? { body } : {}),
          },
        ),
    })
  }
  if (row.method !== 'GET') probes.push(...bodyProbes(row, f))
  if (row.input !== 'none') {
    const input = row.input
    probes.push({
      name: `malformed ${input}`,
      refused: true,
      expected: row.malformed ?? MALFORMED_REFUSAL[input],
      send: () =>
        send(
          f,
          row,
          admittedAgent(row, f),
          input === 'query' ? { query: MALFORMED.query } : { body: malformedBody(input) },
        ),
    })
  }
  return probes
}

function malformedBody(input: 'form' | 'json'): Body {
  return input === 'json'
    ? { type: 'application/json', body: MALFORMED.json }
    : { type: 'application/x-www-form-urlencoded', body: MALFORMED.form }
}

/** Cross-site form posts (every content type a page on another site can send) and oversized bodies. */
function bodyProbes(row: RouteRow, f: SecurityFixture): Probe[] {
  const caller = admittedAgent(row, f)
  const limits = f.t.deps.config.bodyLimits
  const api = row.path.startsWith('/api/v1/')
  const apiRefusal = API_CROSS_ORIGIN_REFUSAL[accessKind(row.access)]
  if (api && apiRefusal === undefined) throw new Error(`no cross-origin refusal for ${row.access} on /api/v1`)
  const crossOrigin = [
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/plain',
  ].map(
    (type): Probe => ({
      name: `cross-origin ${type.split(';')[0]}`,
      refused: true,
      expected: api ? (apiRefusal ?? CROSS_ORIGIN_REFUSAL) : CROSS_ORIGIN_REFUSAL,
      send: () =>
        send(f, row, api ? { agent: 'anonymous' } : caller, {
          origin: EVIL_ORIGIN,
          body: { type, body: 'a=1' },
        }),
    }),
  )
  // Webhooks have one limit whatever the type (Stripe sends JSON; anything else fails the signature).
  const webhook = row.path.startsWith('/webhooks/')
  const formLimit = webhook ? limits.webhook : limits.form
  const jsonLimit = webhook ? limits.webhook : limits.json
  const oversized: Probe[] = [
    {
      name: 'oversized form',
      refused: true,
      expected: OVERSIZED_REFUSAL,
      send: () =>
        send(f, row, caller, {
          body: { type: 'application/x-www-form-urlencoded', body: `a=${'x'.repeat(formLimit)}` },
        }),
    },
    {
      name: 'oversized JSON',
      refused: true,
      expected: OVERSIZED_REFUSAL,
      send: () =>
        send(f, row, caller, {
          body: { type: 'application/json', body: `{"a":"${'x'.repeat(jsonLimit)}"}` },
        }),
    },
  ]
  return [...crossOrigin, ...oversized]
}

/** Whether `res` is the documented refusal. */
export function meets(res: Response, expected: Refusal): boolean {
  if (expected !== 'sign-in') return res.status === expected
  if (res.status === 401) return true
  return res.status === 303 && /^\/(login|signin)(\?|$)/.test(res.headers.get('location') ?? '')
}
