import { type AddressInfo, createServer, connect as dial, type Server, type Socket } from 'node:net'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { DIALECTS, MYSQL_URL, POSTGRES_URL } from '../../test/dialects.js'
import { connectDatabase } from './connect.js'
import type { Executor } from './database.js'
import { DatabaseUnavailableError, waitForDatabase } from './wait.js'

type Line = { level: number; msg: string; attempt?: number; retryInMs?: number }

function capturingLogger(): { log: pino.Logger; lines: Line[] } {
  const lines: Line[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) })
  return { log, lines }
}

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
  let db: Executor | undefined
  afterEach(async () => {
    await db?.destroy()
    db = undefined
  })

  function at(port: number, database = base.pathname): Executor {
    const url = new URL(base.href)
    url.port = String(port)
    url.pathname = database
    db = connectDatabase(url.href)
    return db
  }

  it('retries a server that is not up yet, says so, and goes on once it answers', async () => {
    const port = await closedPort()
    const relay = relayLater(base, port, 700)
    const { log, lines } = capturingLogger()
    try {
      await waitForDatabase(at(port), { log, firstDelayMs: 200, timeoutMs: 20_000 })
    } finally {
      await db?.destroy()
      db = undefined
      await relay.close()
    }
    const retries = lines.filter((l) => l.msg === 'database not reachable yet; retrying')
    expect(retries.length).toBeGreaterThanOrEqual(1)
    expect(retries.map((l) => l.retryInMs)).toEqual(retries.map((_, i) => 200 * 2 ** i))
    expect(lines.at(-1)?.msg).toBe('database reachable')
  })

  it('gives up after the time allowed, with one line saying why', async () => {
    const port = await closedPort()
    const { log, lines } = capturingLogger()
    const waiting = waitForDatabase(at(port), { log, firstDelayMs: 100, timeoutMs: 500 })
    await expect(waiting).rejects.toThrow(DatabaseUnavailableError)
    await expect(waiting).rejects.toThrow(
      /^Database not reachable after 4 attempts over 0.5 s: .*ECONNREFUSED/,
    )
    expect(lines.map((l) => l.retryInMs)).toEqual([100, 200, 200])
  })

  it('fails at once where waiting cannot help: the database does not exist', async () => {
    const { log, lines } = capturingLogger()
    const waiting = waitForDatabase(at(Number(base.port), '/tollgate_no_such_database'), { log })
    await expect(waiting).rejects.toThrow(/^Database refused: .*tollgate_no_such_database/)
    expect(lines).toEqual([])
  })
})
