import { type AddressInfo, createServer, connect as dial, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { DIALECTS, MYSQL_URL, POSTGRES_URL } from '../../test/dialects.js'
import { connectDatabase } from './connect.js'
import type { Kysely } from 'kysely'
import type { Database } from './database.js'
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

/** A TCP relay to the real server that starts listening only after `afterMs`: a server still booting. */
function relayLater(target: URL, port: number, afterMs: number): { close(): Promise<void> } {
  let server: Server | undefined
  const sockets = new Set<Socket>()
  const timer = setTimeout(() => {
    server = createServer((client) => {
      const upstream = dial(Number(target.port), target.hostname)
      for (const socket of [client, upstream]) {
        sockets.add(socket)
        socket.on('error', () => {})
        socket.on('close', () => sockets.delete(socket))
      }
      client.pipe(upstream).pipe(client)
    }).listen(port, '127.0.0.1')
  }, afterMs)
  return {
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer)
        for (const socket of sockets) socket.destroy()
        if (server) server.close(() => resolve())
        else resolve()
      }),
  }
}

/** A port nothing listens on (the OS's pick, released again). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

const SERVER_URLS = { postgres: POSTGRES_URL, mysql: MYSQL_URL } as const
const SERVERS = DIALECTS.filter((d): d is 'postgres' | 'mysql' => d !== 'sqlite')

describe.each(SERVERS)('waitForDatabase on %s', (dialect) => {
  const base = new URL(SERVER_URLS[dialect] as string)
  let db: Kysely<Database> | undefined
  afterEach(async () => {
    await db?.destroy()
    db = undefined
  })

  function at(port: number, database = base.pathname): Kysely<Database> {
    const url = new URL(base.href)
    url.port = String(port)
    url.pathname = database
    db = connectDatabase(url.href)
    return db
  }

  it('retries a server that is not up yet and goes on once it answers', async () => {
    const port = await closedPort()
    const relay = relayLater(base, port, 700)
    const warnings: { retryInMs: number }[] = []
    const log = { warn: (details: object) => void warnings.push(details as { retryInMs: number }) }
    try {
      await waitForDatabase(at(port), 'test', { log, firstDelayMs: 200, timeoutMs: 20_000 })
    } finally {
      await db?.destroy()
      db = undefined
      await relay.close()
    }
    expect(warnings.length).toBeGreaterThanOrEqual(1)
    expect(warnings.map((w) => w.retryInMs)).toEqual(warnings.map((_, i) => 200 * 2 ** i))
  })

  it('fails at once where waiting cannot help: the database does not exist', async () => {
    const warnings: object[] = []
    const waiting = waitForDatabase(at(Number(base.port), '/tollgate_no_such_database'), 'test', {
      log: { warn: (details: object) => void warnings.push(details) },
    })
    await expect(waiting).rejects.toThrow(DatabaseUnreachableError)
    await expect(waiting).rejects.toThrow(
      /^DATABASE_URL: the database at test refused Tollgate \(.*tollgate_no_such_database/,
    )
    expect(warnings).toEqual([])
  })
})
