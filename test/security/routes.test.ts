/**
 * One security suite for every route: the route table (route-table.ts) must match the router
 * exactly, and each row must meet its documented refusal under every probe (probes.ts) on each
 * database: never a 500, and not one row stored by a refused request.
 * @see issue 9
 */
import { inspectRoutes } from 'hono/dev'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/app.js'
import { DIALECTS } from '../dialects.js'
import { createTestDeps } from '../harness.js'
import { createSecurityFixture, type SecurityFixture } from './fixture.js'
import { fillPath, meets, type Probe, probesFor } from './probes.js'
import { CATALOG_PAGE_ACCESS, ROUTES, type RouteRow, routeKey } from './route-table.js'

const TABLE = 'test/security/route-table.ts'

describe('the route table', () => {
  it('lists every route the router has, and nothing else', async () => {
    const { deps, close } = await createTestDeps('sqlite')
    const served = new Set(
      inspectRoutes(createApp(deps))
        .filter((r) => !r.isMiddleware)
        .map(routeKey),
    )
    await close()
    const listed = new Set(ROUTES.map(routeKey))
    const missing = [...served].filter((key) => !listed.has(key))
    const stale = [...listed].filter((key) => !served.has(key))
    expect(missing.map((key) => `${key} is served but has no row in ${TABLE}: add one line for it`)).toEqual(
      [],
    )
    expect(stale.map((key) => `${key} has a row in ${TABLE} but the router has no such route`)).toEqual([])
    expect(ROUTES.length).toBe(listed.size) // no row twice
  })
})

describe.each(DIALECTS)('every route refuses what it must (%s)', (dialect) => {
  let f: SecurityFixture

  beforeAll(async () => {
    f = await createSecurityFixture(dialect)
  }, 120_000)
  afterAll(async () => {
    await f?.close()
  })

  async function failuresOf(row: RouteRow): Promise<string[]> {
    const failures: string[] = []
    for (const probe of probesFor(row, f)) {
      const failure = await attempt(row, probe)
      if (failure) failures.push(`${routeKey(row)} (${fillPath(row, f)}) ${probe.name}: ${failure}`)
    }
    return failures
  }

  async function attempt(row: RouteRow, probe: Probe): Promise<string | undefined> {
    await f.t.emulator.idle() // nothing from Stripe may land mid-probe and pass for a stored row
    const before = await f.counts()
    const res = await probe.send(f)
    const text = await res.text()
    const after = await f.counts()
    const answer = `${res.status}${res.headers.get('location') ? ` → ${res.headers.get('location')}` : ''}`
    if (res.status >= 500) return `answered ${answer}: ${text.slice(0, 300)}`
    if (!meets(res, probe.expected)) return `expected ${probe.expected}, got ${answer}`
    const changed = Object.keys(after).filter((table) => after[table] !== before[table])
    if (row.writes && changed.length > 0) return `stored rows in ${changed.join(', ')} while refusing`
    if (changed.length > 0) return `a read changed ${changed.join(', ')}`
    return undefined
  }

  it.each(ROUTES.map((row) => [routeKey(row), row] as const))('%s', async (_key, row) => {
    expect((await failuresOf(row)).join('\n')).toBe('')
  })

  it('catalog pages (served from catalog.yaml, not the router)', async () => {
    const pages = f.t.deps.catalog.pages
    expect(pages.length).toBeGreaterThan(0)
    const failures: string[] = []
    for (const page of pages) {
      const row: RouteRow = {
        method: 'GET',
        path: page.path,
        access: CATALOG_PAGE_ACCESS,
        writes: false,
        input: 'none',
      }
      failures.push(...(await failuresOf(row)))
    }
    expect(failures).toEqual([])
  })
})
