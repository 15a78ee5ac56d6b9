import type Stripe from 'stripe'
import { beforeAll, describe, expect, it } from 'vitest'
import { allRoutes } from './registry.js'
import { EXAMPLES, type Example, type Fixtures, makeFixtures } from './sdk-examples.js'
import { assertStripeShape } from './shapes.js'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()
let fx: Fixtures
/** Every request the SDK sent, as the SDK itself reports it (`request` event). */
const sent: { method: string; path: string }[] = []

beforeAll(async () => {
  suite.stripe.on('request', (e: Stripe.RequestEvent) => sent.push({ method: e.method, path: e.path }))
  fx = await makeFixtures(suite.stripe)
})

const registered = () => allRoutes().map((r) => `${r.method} ${r.path}`)

/**
 * The registered route a request reaches: among the patterns that match, the one whose segments are
 * literal furthest to the left (`/v1/customers/search` before `/v1/customers/:id`), as the app routes.
 */
function routeOf(method: string, url: string): string | undefined {
  const segments = url.split('?')[0]!.split('/')
  const candidates = allRoutes().filter((r) => {
    const pattern = r.path.split('/')
    return (
      r.method === method.toLowerCase() &&
      pattern.length === segments.length &&
      pattern.every((p, i) => p.startsWith(':') || p === segments[i])
    )
  })
  const literalness = (path: string) =>
    path
      .split('/')
      .map((p) => (p.startsWith(':') ? '0' : '1'))
      .join('')
  candidates.sort((a, b) => literalness(b.path).localeCompare(literalness(a.path)))
  const best = candidates[0]
  return best && `${best.method} ${best.path}`
}

function withoutResponse(value: unknown): Record<string, unknown> {
  const { lastResponse: _, ...rest } = value as Record<string, unknown>
  return rest
}

function checkAnswer(example: Example, value: unknown): void {
  const answer = withoutResponse(value)
  expect(answer.object).toBe(example.object)
  if (example.deleted) {
    expect(answer).toMatchObject({ id: expect.any(String), deleted: true })
    return
  }
  if (example.object === 'list' || example.object === 'search_result') {
    const data = answer.data as Record<string, unknown>[]
    // An empty page would check nothing: each example's set-up makes sure there is an entry.
    expect(data.length).toBeGreaterThan(0)
    for (const item of data) {
      expect(item.object).toBe(example.items)
      assertStripeShape(item)
    }
    return
  }
  assertStripeShape(answer)
  if (example.matches) expect(answer).toMatchObject(example.matches)
}

describe("the SDK's request examples, one per registered route", () => {
  it('every route the emulator registers has exactly one example, and every example names a registered route', () => {
    const routes = registered()
    const named = EXAMPLES.map((e) => e.route)
    expect(routes.filter((r) => !named.includes(r))).toEqual([])
    expect(named.filter((r) => !routes.includes(r))).toEqual([])
    expect(named.filter((r, i) => named.indexOf(r) !== i)).toEqual([])
  })

  for (const example of EXAMPLES) {
    it(example.route, async () => {
      const before = sent.length
      let answer: unknown
      let failure: unknown
      try {
        answer = await example.call(suite.stripe, fx)
      } catch (err) {
        failure = err
      }
      // The final call is the one the example is named after: it must reach that route.
      expect(sent.length).toBeGreaterThan(before)
      const last = sent.at(-1)!
      expect(routeOf(last.method, last.path)).toBe(example.route)
      if (example.error) {
        expect(failure).toMatchObject({ statusCode: example.error.status })
        if (example.error.code) expect(failure).toMatchObject({ code: example.error.code })
        return
      }
      if (failure) throw failure
      checkAnswer(example, answer)
    })
  }
})
