import { createServer, type Server } from 'node:http'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { trackConnections } from './drain.js'

const servers: Server[] = []
afterEach(() => {
  for (const s of servers) s.closeAllConnections()
  servers.length = 0
})

async function listening(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler)
  servers.push(server)
  const drain = trackConnections(server, () => performance.now())
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return { server, drain, port: (server.address() as AddressInfo).port }
}

function open(port: number): Promise<Socket> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1', () => done(socket))
    socket.once('error', fail)
  })
}

/** Everything the server sends until it closes the connection, or the error that cut it. */
function readAll(socket: Socket): Promise<string> {
  return new Promise((done) => {
    let text = ''
    socket.on('data', (chunk) => {
      text += chunk.toString()
    })
    socket.once('error', (err: NodeJS.ErrnoException) => done(`error ${err.code}`))
    socket.once('close', () => done(text))
  })
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))

describe('draining the HTTP server', () => {
  it('answers a request that arrives on an accepted connection after the stop began', async () => {
    const { drain, port } = await listening((_req, res) => res.end('ok'))
    const socket = await open(port)
    const answer = readAll(socket)
    const closed = drain.close({ graceMs: 5000, idleMs: 500 })
    await sleep(100) // the request line is still on its way when the stop begins
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const text = await answer
    expect(text).toMatch(/^HTTP\/1\.1 200/)
    expect(text.toLowerCase()).toContain('connection: close')
    expect(text.endsWith('ok')).toBe(true)
    await closed
  })

  it('keeps listening while connections still arrive, so none is reset in the accept queue', async () => {
    const { drain, port } = await listening((_req, res) => res.end('ok'))
    const closed = drain.close({ graceMs: 5000, idleMs: 200, quietMs: 150 })
    const answers: Promise<string>[] = []
    for (let i = 0; i < 5; i++) {
      await sleep(60) // each connection comes before the listener has been quiet for 150 ms
      const socket = await open(port)
      answers.push(readAll(socket))
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    }
    for (const answer of await Promise.all(answers)) expect(answer).toMatch(/200[\s\S]*ok$/)
    await closed
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('cuts a connection that stays idle, and refuses new connections once stopping', async () => {
    const { drain, port } = await listening((_req, res) => res.end('ok'))
    const socket = await open(port)
    const answer = readAll(socket)
    const started = Date.now()
    await drain.close({ graceMs: 5000, idleMs: 150 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
    expect(await answer).toBe('')
    await expect(open(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })

  it('lets a slow request finish, and cuts one that outlives the grace period', async () => {
    const { drain, port } = await listening((req, res) => {
      if (req.url === '/slow') setTimeout(() => res.end('late'), 200)
      // '/never' is never answered
    })
    const slow = await open(port)
    const slowAnswer = readAll(slow)
    slow.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
    const stuck = await open(port)
    const stuckAnswer = readAll(stuck)
    stuck.write('GET /never HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(20)
    let forced = false
    await drain.close({ graceMs: 600, idleMs: 100, onForce: () => (forced = true) })
    expect(await slowAnswer).toMatch(/200[\s\S]*late$/)
    expect(await stuckAnswer).not.toMatch(/200/)
    expect(forced).toBe(true)
  })
})
