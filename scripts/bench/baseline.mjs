#!/usr/bin/env node
/**
 * The benchmark's ceiling: a bare Hono app on the same Node and the same adapter as Tollgate, with
 * no middleware, no database and no templates. `GET /page` (HTML), `GET /json`, `POST /json`
 * (reads and parses the body), `GET /healthz`. With BENCH_FILE set, `GET /file` streams that
 * file with plain node:http and fs streams (1 MB chunks): the stand-in for nginx's sendfile when
 * nginx is not installed.
 *
 * Usage: PORT=… [BENCH_FILE=…] node scripts/bench/baseline.mjs
 */
import { createReadStream, statSync } from 'node:fs'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const port = Number(process.env.PORT)
const file = process.env.BENCH_FILE

const app = new Hono()
app.get('/healthz', (c) => c.json({ status: 'pass' }))
app.get('/page', (c) =>
  c.html(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Premium articles</title></head>' +
      '<body><main><h1>Premium articles</h1><p>Welcome, member.</p></main></body></html>',
  ),
)
app.get('/json', (c) => c.json({ customer: { id: 'cus_1', email: 'a@example.com' }, entitlements: [] }))
app.post('/json', async (c) => {
  const body = JSON.parse(await c.req.text())
  return c.json({ received: true, duplicate: body === null })
})

if (file) {
  const { createServer } = await import('node:http')
  const size = statSync(file).size
  createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"pass"}')
      return
    }
    if (req.url !== '/file') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': size })
    createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(res)
  }).listen(port, '127.0.0.1')
} else {
  serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
}
