import { describe, expect, it } from 'vitest'
import { isDeadlock, retryOnDeadlock } from './deadlock-retry.js'

describe('retryOnDeadlock', () => {
  it('runs the work again when MySQL or PostgreSQL named it a deadlock victim, up to three times', async () => {
    const errors = [
      Object.assign(new Error('Deadlock'), { errno: 1213 }),
      Object.assign(new Error('pg'), { code: '40P01' }),
    ]
    let runs = 0
    const value = await retryOnDeadlock(async () => {
      runs++
      const next = errors.shift()
      if (next) throw next
      return 'done'
    })
    expect(value).toBe('done')
    expect(runs).toBe(3)
    let always = 0
    await expect(
      retryOnDeadlock(async () => {
        always++
        throw Object.assign(new Error('Deadlock'), { code: 'ER_LOCK_DEADLOCK' })
      }),
    ).rejects.toThrow('Deadlock')
    expect(always).toBe(3)
  })

  it('does not retry any other failure', async () => {
    let runs = 0
    await expect(
      retryOnDeadlock(async () => {
        runs++
        throw Object.assign(new Error('duplicate'), { errno: 1062 })
      }),
    ).rejects.toThrow('duplicate')
    expect(runs).toBe(1)
    expect(isDeadlock(undefined)).toBe(false)
  })
})
