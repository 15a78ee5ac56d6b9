/**
 * `/_emulator/*`: control endpoints for tests, the CLI and apps in any language. They need no API
 * key; the emulator only ever listens on a loopback address by default.
 * @module
 */
import { Hono } from 'hono'
import type { DeliveryRecord, Faults } from './deliver.js'

export type Control = {
  now(): number
  advance(seconds: number): Promise<number>
  reset(): void
  setFaults(faults: Partial<Faults>): Faults
  deliveries(): DeliveryRecord[]
}

/** `30d`, `2h`, `15m`, `90s` or plain seconds → seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*([smhdw]?)$/.exec(text.trim())
  if (!m) return undefined
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[
    m[2] as '' | 's' | 'm' | 'h' | 'd' | 'w'
  ]
  return Number(m[1]) * unit
}

/** A control request's body that is neither an object in JSON nor a form: a 400, never a 500. */
class BadControlBody extends Error {}

async function body(c: {
  req: { header(n: string): string | undefined; text(): Promise<string> }
}): Promise<Record<string, string>> {
  const raw = await c.req.text()
  if (raw.trim() === '') return {}
  if ((c.req.header('content-type') ?? '').includes('json')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      throw new BadControlBody('The body is not valid JSON.')
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new BadControlBody('The body must be a JSON object.')
    }
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]))
  }
  return Object.fromEntries(new URLSearchParams(raw).entries())
}

export function controlRoutes(control: Control): Hono {
  const app = new Hono()
  app.onError((err, c) => {
    if (err instanceof BadControlBody)
      return c.json({ error: { type: 'invalid_request_error', message: err.message } }, 400)
    throw err
  })
  app.get('/clock', (c) => c.json({ now: control.now(), iso: new Date(control.now() * 1000).toISOString() }))
  app.post('/clock/advance', async (c) => {
    const b = await body(c)
    const to = b.to !== undefined ? Number(b.to) : undefined
    const seconds = to !== undefined ? to - control.now() : parseDuration(b.seconds ?? b.by ?? '')
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
      return c.json(
        { error: { message: 'Give `seconds` (e.g. 3600 or 30d) or a future `to` (unix seconds).' } },
        400,
      )
    }
    const ran = await control.advance(seconds)
    return c.json({ now: control.now(), iso: new Date(control.now() * 1000).toISOString(), jobs_run: ran })
  })
  app.post('/reset', (c) => {
    control.reset()
    return c.json({ ok: true })
  })
  app.post('/faults', async (c) => {
    const b = await body(c)
    const faults = control.setFaults({
      ...(b.duplicate !== undefined ? { duplicate: b.duplicate === 'true' } : {}),
      ...(b.shuffle !== undefined ? { shuffle: b.shuffle === 'true' } : {}),
      ...(b.drop !== undefined ? { drop: b.drop === 'true' } : {}),
      ...(b.delayMs !== undefined ? { delayMs: Number(b.delayMs) || 0 } : {}),
      ...(b.rateLimit !== undefined ? { rateLimit: Math.max(0, Math.floor(Number(b.rateLimit) || 0)) } : {}),
    })
    return c.json(faults)
  })
  app.get('/deliveries', (c) => c.json({ data: control.deliveries() }))
  return app
}
