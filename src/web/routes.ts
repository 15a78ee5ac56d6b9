import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import { sql } from 'kysely'
import type { AppEnv } from '../http/env.js'

const STYLESHEET = readFileSync(new URL('./style.css', import.meta.url), 'utf8')

/** Static assets of the web layer (one stylesheet) and a health check for load balancers. */
export const webRoutes = new Hono<AppEnv>()
  .get('/static/style.css', (c) => {
    c.header('Cache-Control', 'public, max-age=300')
    return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' })
  })
  .get('/healthz', async (c) => {
    await sql`select 1`.execute(c.get('deps').db)
    return c.json({ ok: true })
  })
