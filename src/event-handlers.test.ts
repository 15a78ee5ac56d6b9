import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EVENT_HANDLERS, HANDLED_EVENT_TYPES } from './event-handlers.js'

describe('HANDLED_EVENT_TYPES', () => {
  it('is every type the inbox has a handler for, sorted', () => {
    expect(HANDLED_EVENT_TYPES).toEqual(Object.keys(EVENT_HANDLERS).sort())
    expect(HANDLED_EVENT_TYPES).toContain('checkout.session.completed')
  })

  /** A live shop subscribes its endpoint to the README's list: a type missing there is never sent. */
  it('is the list the README tells a live shop to subscribe its endpoint to', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const start = readme.indexOf('add an endpoint at')
    const end = readme.indexOf('and put its signing secret in', start)
    expect(start).toBeGreaterThan(0)
    const listed = [...readme.slice(start, end).matchAll(/`([a-z_]+(?:\.[a-z0-9_]+)+)`/g)].map((m) => m[1])
    expect([...listed].sort()).toEqual([...HANDLED_EVENT_TYPES])
  })
})
