import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import type { AppEnv } from '../http/env.js'

const STYLESHEET = readFileSync(new URL('./style.css', import.meta.url), 'utf8')

/** Static assets of the web layer (one stylesheet). Health checks: modules/health. */
export const webRoutes = new Hono<AppEnv>().get('/static/style.css', (c) => {
  c.header('Cache-Control', 'public, max-age=300')
  return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8' })
})
