import { describe, expect, it } from 'vitest'
import { inboxStatus } from './inbox-status.js'

describe('inboxStatus', () => {
  it('is handled once handled, whatever the attempts before', () => {
    expect(inboxStatus({ handled_at: '2026-12-08T10:00:00.000Z', attempts: 3 })).toBe('handled')
    expect(inboxStatus({ handled_at: '2026-12-08T10:00:00.000Z', attempts: 0 })).toBe('handled')
  })

  it('is failing after a failed attempt and pending before any', () => {
    expect(inboxStatus({ handled_at: null, attempts: 1 })).toBe('failing')
    expect(inboxStatus({ handled_at: null, attempts: 0 })).toBe('pending')
  })
})
