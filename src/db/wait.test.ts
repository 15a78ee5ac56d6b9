import { describe, expect, it } from 'vitest'
import { POSTGRES_URL } from '../../test/dialects.js'
import { connectDatabase } from './connect.js'
import { DatabaseUnreachableError, describeDatabase, waitForDatabase } from './wait.js'

describe('waitForDatabase', () => {
  it('retries an unreachable database with back-off, says so each time, then gives up in one line', async () => {
    const url = 'postgres://shop:s3cret@127.0.0.1:9/shop'
    const db = connectDatabase(url)
    const warnings: { attempt: number; retryInMs: number }[] = []
    const log = {
      warn: (details: object) => void warnings.push(details as { attempt: number; retryInMs: number }),
    }
    try {
      const waiting = waitForDatabase(db, describeDatabase(url), {
        log,
        timeoutMs: 400,
        firstDelayMs: 50,
        maxDelayMs: 200,
      })
      await expect(waiting).rejects.toThrow(DatabaseUnreachableError)
      await expect(waiting).rejects.toThrow(
        /^DATABASE_URL: the database at postgres:\/\/shop:\*\*\*@127\.0\.0\.1:9\/shop is unreachable/,
      )
      expect(warnings.map((w) => w.retryInMs)).toEqual([50, 100, 200].slice(0, warnings.length))
      expect(warnings.length).toBeGreaterThanOrEqual(2)
    } finally {
      await db.destroy()
    }
  })

  it('returns at once when the database answers', async () => {
    const db = connectDatabase(POSTGRES_URL ?? ':memory:')
    try {
      await waitForDatabase(db, 'test', { log: { warn: () => {} } })
    } finally {
      await db.destroy()
    }
  })
})
