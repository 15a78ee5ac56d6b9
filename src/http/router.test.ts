/**
 * The memo in front of Hono's router must answer exactly as the router would, and must hold only
 * what the routes name: a client's unknown paths, parameters or methods never add an entry.
 * @see issue 12
 */
import type { Result, Router } from 'hono/router'
import { TrieRouter } from 'hono/router/trie-router'
import { describe, expect, it } from 'vitest'
import { MemoizedRouter } from './router.js'

/** A TrieRouter that counts the matches it is asked for. */
class CountingRouter<T> implements Router<T> {
  name = 'Counting'
  calls = 0
  readonly #trie = new TrieRouter<T>()
  add(method: string, path: string, handler: T): void {
    this.#trie.add(method, path, handler)
  }
  match(method: string, path: string): Result<T> {
    this.calls++
    return this.#trie.match(method, path)
  }
}

/** Tollgate's shape in small: wildcard middleware, a literal beside a parameter, per-method routes. */
const ROUTES: Array<[string, string, string]> = [
  ['ALL', '*', 'request-id'],
  ['POST', '*', 'body-limit'],
  ['GET', '/premium', 'premium'],
  ['GET', '/api/me/entitlements', 'entitlements'],
  ['POST', '/api/v1/licenses/validate', 'validate'],
  ['POST', '/api/v1/licenses/:id/revoke', 'revoke'],
  ['GET', '/api/v1/licenses/:id', 'license'],
  ['GET', '/files/:id', 'file'],
  ['GET', '/admin/*', 'admin-gate'],
  ['GET', '/admin/events', 'events'],
]

function routers(): {
  memo: MemoizedRouter<string>
  counting: CountingRouter<string>
  plain: TrieRouter<string>
} {
  const counting = new CountingRouter<string>()
  const memo = new MemoizedRouter<string>(counting)
  const plain = new TrieRouter<string>()
  for (const [method, path, name] of ROUTES) {
    memo.add(method, path, name)
    plain.add(method, path, name)
  }
  return { memo, counting, plain }
}

const REQUESTS: Array<[string, string]> = [
  ['GET', '/premium'],
  ['GET', '/api/me/entitlements'],
  ['POST', '/api/v1/licenses/validate'],
  ['POST', '/api/v1/licenses/lic_1/revoke'],
  ['GET', '/api/v1/licenses/lic_1'],
  ['GET', '/api/v1/licenses/validate'],
  ['GET', '/files/f_9'],
  ['GET', '/admin/events'],
  ['GET', '/admin/other'],
  ['POST', '/premium'],
  ['DELETE', '/premium'],
  ['GET', '/nowhere'],
]

describe('MemoizedRouter', () => {
  it('answers every request as the router it wraps does, the first time and after', () => {
    const { memo, plain } = routers()
    for (let round = 0; round < 3; round++)
      for (const [method, path] of REQUESTS)
        expect(memo.match(method, path), `${method} ${path}`).toEqual(plain.match(method, path))
  })

  it('asks the router once for a parameter-free route path under a routed method', () => {
    const { memo, counting } = routers()
    for (let i = 0; i < 5; i++) {
      memo.match('GET', '/premium')
      memo.match('POST', '/api/v1/licenses/validate')
      // A routed method with no route of its own at this path: remembered too (the 404 chain).
      memo.match('POST', '/premium')
    }
    expect(counting.calls).toBe(3)
    expect(memo.match('GET', '/premium')[0].map(([handler]) => handler)).toEqual(['request-id', 'premium'])
  })

  it('remembers nothing for parameters, unknown paths or methods no route names', () => {
    const { memo, counting } = routers()
    const passing: Array<[string, string]> = [
      ['GET', '/files/f_1'],
      ['GET', '/api/v1/licenses/lic_2'],
      ['GET', '/nowhere'],
      ['GET', '/premium/'],
      ['DELETE', '/premium'],
      ['PROPFIND', '/api/me/entitlements'],
    ]
    for (let i = 0; i < 4; i++) for (const [method, path] of passing) memo.match(method, path)
    expect(counting.calls).toBe(4 * passing.length)
  })

  it('remembers the paths it is told of, served by wildcard middleware, as it answers them', () => {
    const { memo, counting, plain } = routers()
    plain.add('GET', '/guide', 'page-gate')
    memo.add('GET', '/guide', 'page-gate')
    const wildcardOnly = ['/members-guide', '/course']
    memo.remember(wildcardOnly)
    const before = counting.calls
    for (let i = 0; i < 4; i++)
      for (const path of wildcardOnly) expect(memo.match('GET', path)).toEqual(plain.match('GET', path))
    expect(counting.calls - before).toBe(wildcardOnly.length)
    // Other paths still pass by.
    for (let i = 0; i < 3; i++) memo.match('GET', '/course/')
    expect(counting.calls - before).toBe(wildcardOnly.length + 3)
  })

  it('forgets what it remembered when a route is added', () => {
    const { memo } = routers()
    expect(memo.match('GET', '/premium')[0]).toHaveLength(2)
    memo.add('GET', '/premium', 'premium-audit')
    expect(memo.match('GET', '/premium')[0].map(([handler]) => handler)).toEqual([
      'request-id',
      'premium',
      'premium-audit',
    ])
  })

  it('wraps Hono’s default router when given none', () => {
    expect(new MemoizedRouter().name).toBe('MemoizedRouter(SmartRouter)')
  })
})
