import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'

const STYLESHEET = readFileSync(new URL('./style.css', import.meta.url), 'utf8')
const PAGE_SCRIPT = readFileSync(new URL('./page.js', import.meta.url), 'utf8')

/** Static assets of the web layer (the stylesheet, the pages' one script). Health checks: modules/health. */
export const webRoutes = new Hono<AppEnv>()
  .get('/static/style.css', (c) => {
    c.header('Cache-Control', 'public, max-age=300')
    return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' })
  })
  .get('/static/page.js', (c) => {
    c.header('Cache-Control', 'public, max-age=300')
    return c.body(PAGE_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' })
  })
