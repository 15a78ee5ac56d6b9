/**
 * The app's router: Hono's default (SmartRouter: RegExpRouter, else TrieRouter) behind a memo of its
 * answers for the paths routes are written with, parameter-free.
 *
 * Why: RegExpRouter answers a parameter-free path from a map, but it refuses a literal segment beside
 * a parameter at the same place in one method's routes, and Tollgate has two such pairs (the public
 * `POST /api/v1/licenses/validate` beside the integrators' `/api/v1/licenses/:id/revoke`, and
 * `/admin/events/replay-failing` beside `/admin/events/:id/replay`), so SmartRouter settles on
 * TrieRouter, which walks its tree and every wildcard middleware's pattern on each request: 4% of
 * the CPU of the entitlements API under load (`perf`). Renaming a public `/api/v1` path to please a
 * router is not an option; remembering answers is, because a router's answer for one method and
 * path never changes once routes stop being added (an `add` clears the memo). The memo holds only
 * the paths of parameter-free routes (and the catalog pages' paths, `remember`), under methods some
 * route names, so its size is fixed by the code and the configuration: nothing a client sends can
 * grow it. Paths with parameters (`/files/:id`…) and unknown paths go to the inner router each
 * time, as before.
 * @module
 */
import type { Result, Router } from 'hono/router'
import { RegExpRouter } from 'hono/router/reg-exp-router'
import { SmartRouter } from 'hono/router/smart-router'
import { TrieRouter } from 'hono/router/trie-router'

export class MemoizedRouter<T> implements Router<T> {
  readonly name: string
  readonly #inner: Router<T>
  /** Parameter-free route paths (a request path equal to one is remembered). */
  readonly #fixedPaths = new Set<string>()
  /**
   * Per method a route is registered under by name (GET, POST…), the answers remembered for its
   * fixed paths; a request under any other method passes by. Keyed by method, then path, so a
   * request builds no key string of its own.
   */
  readonly #memo = new Map<string, Map<string, Result<T>>>()

  constructor(inner: Router<T> = defaultRouter<T>()) {
    this.#inner = inner
    this.name = `MemoizedRouter(${inner.name})`
  }

  add(method: string, path: string, handler: T): void {
    this.#inner.add(method, path, handler)
    if (!/[:*]/.test(path)) this.#fixedPaths.add(path)
    for (const answers of this.#memo.values()) answers.clear()
    if (!this.#memo.has(method)) this.#memo.set(method, new Map())
  }

  /**
   * Remembers the answers for these paths too: paths the app serves through wildcard middleware,
   * not a route of their own (the catalog's members pages, `/premium`, answered by the members
   * module's `use('*')`), which would otherwise go to the inner router on every request. They come
   * from configuration at start-up, so the memo's size is still fixed before any client speaks.
   */
  remember(paths: Iterable<string>): void {
    for (const path of paths) this.#fixedPaths.add(path)
  }

  match(method: string, path: string): Result<T> {
    const answers = this.#memo.get(method)
    if (answers === undefined || !this.#fixedPaths.has(path)) return this.#inner.match(method, path)
    let result = answers.get(path)
    if (result === undefined) {
      result = this.#inner.match(method, path)
      answers.set(path, result)
    }
    return result
  }
}

/** What `new Hono()` uses when given no router. */
function defaultRouter<T>(): Router<T> {
  return new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] })
}
