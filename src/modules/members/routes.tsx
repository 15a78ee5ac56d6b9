/**
 * Members-only pages from the catalog (`pages:`), e.g. `/premium`, each gated by a feature through
 * `requireFeature`, which answers from local grants only. The Markdown is written by the store
 * owner in catalog.yaml, the same trust as code, so it is rendered as-is (raw HTML in it passes
 * through); do not put visitor-supplied text into catalog pages.
 * Mounted last: paths that are not catalog pages fall through to the other routes / 404.
 * `GET /members` lists the pages for the signed-in customer (the nav's "Members" link).
 * @module
 */
import { Hono } from 'hono'
import { raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import { marked } from 'marked'
import type { AppEnv } from '../../http/env.js'
import { responseHeader } from '../../http/outgoing.js'
import { renderMarkupPage, renderPage } from '../../web/layout.js'
import { renderHtml } from '../../web/render.js'
import { type CatalogPage, findFeature } from '../catalog/index.js'
import { checkAccess, requireFeature, signInFirst } from '../entitlements/index.js'
import { MembersIndex } from './views.js'

const rendered = new WeakMap<CatalogPage, HtmlEscapedString>()

/** The page's article, rendered once per catalog page (the same for every customer allowed in). */
function pageHtml(page: CatalogPage): HtmlEscapedString {
  let html = rendered.get(page)
  if (html === undefined) {
    const markdown = marked.parse(page.markdown, { async: false }) as string
    html = raw(
      renderHtml(
        <article class="card member-page" data-member-page={page.path}>
          {raw(markdown)}
        </article>,
      ),
    )
    rendered.set(page, html)
  }
  return html
}

export const memberRoutes = new Hono<AppEnv>()
  // Not async, and neither is the page's own step: a cached article's page is ready at once.
  .use('*', function memberPage(c, next) {
    if (c.req.method !== 'GET') return next()
    const page = c.get('deps').catalog.pages.find((p) => p.path === c.req.path)
    if (!page) return next()
    return requireFeature(page.feature)(c, () => {
      responseHeader(c, 'cache-control', 'private, no-store')
      c.res = renderMarkupPage(c, { title: page.title }, pageHtml(page))
      return Promise.resolve()
    })
  })
  .get('/members', async (c) => {
    const customer = c.get('customer')
    if (!customer) return signInFirst(c, '/members')
    const deps = c.get('deps')
    const now = deps.clock.now()
    const items = await Promise.all(
      deps.catalog.pages.map(async (page) => ({
        path: page.path,
        title: page.title,
        featureName: findFeature(deps.catalog, page.feature)?.name ?? 'a purchase',
        open: (await checkAccess(deps.db, customer.id, page.feature, now)).allowed,
      })),
    )
    c.header('Cache-Control', 'private, no-store')
    return renderPage(c, { title: 'Members pages' }, <MembersIndex items={items} />)
  })
