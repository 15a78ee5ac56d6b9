/**
 * Closing the HTTP server without dropping a request it accepted.
 *
 * Node's `server.close()` also closes every connection that has no request in progress. That
 * includes a connection the kernel has just handed over whose request line has not been parsed
 * yet — on a busy machine that is tens of milliseconds — and its client sees ECONNRESET for a
 * request it did send. So the listener is closed alone (`net.Server#close`), every answer from then
 * on carries `Connection: close`, and a connection is cut only once it has stayed idle for
 * `idleMs` with no byte read: long enough for a request already on the wire to arrive and be
 * answered. Anything still open after `graceMs` is cut by force, so a client that never finishes
 * cannot hold the shutdown.
 *
 * The listener itself stays open until no new connection has come for `quietMs` since the stop (at most
 * `listenMs`): closing a listening socket resets every connection still waiting in the kernel's
 * accept queue, which a client sees as ECONNRESET on a request it sent before the stop. Once the
 * clients (or the load balancer in front) have stopped sending, the queue is empty and the close
 * drops nothing; meanwhile late requests are served, each answer closing its connection.
 * @module
 */
import type { ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

/** Requests in progress; since when none; how many bytes had been read by then. */
type Tracked = { active: number; idleSince: number; readAtIdle: number }

export type Drainable = {
  /** Stops listening and resolves once every connection has closed (or been cut). */
  close(options: {
    graceMs: number
    idleMs?: number
    quietMs?: number
    listenMs?: number
    onForce?: () => void
  }): Promise<void>
}

/**
 * `monotonic` measures idleness: a process clock (start.ts passes `performance.now`), never the
 * shop's clock, which test mode moves with the emulator's.
 */
export function trackConnections(server: NetServer, monotonic: () => number): Drainable {
  const sockets = new Map<Socket, Tracked>()
  let draining = false
  let lastConnection = Number.NEGATIVE_INFINITY

  server.on('connection', (socket: Socket) => {
    lastConnection = monotonic()
    sockets.set(socket, { active: 0, idleSince: lastConnection, readAtIdle: 0 })
    socket.once('close', () => sockets.delete(socket))
  })
  // Before the app's own listener, so even an answer written at once carries the header.
  server.prependListener('request', (req: { socket: Socket }, res: ServerResponse) => {
    const tracked = sockets.get(req.socket)
    if (tracked) tracked.active++
    if (draining && !res.headersSent) res.setHeader('connection', 'close')
    res.once('close', () => {
      if (!tracked) return
      tracked.active--
      tracked.idleSince = monotonic()
      tracked.readAtIdle = req.socket.bytesRead
    })
  })

  return {
    close({ graceMs, idleMs = 1000, quietMs = 100, listenMs = 2000, onForce }) {
      draining = true
      const stopAt = monotonic()
      return new Promise((resolve) => {
        let closed = false
        let listening = true
        const cutIdle = (): void => {
          const now = monotonic()
          for (const [socket, t] of sockets) {
            // Bytes read since the last answer are a request being parsed: not idle.
            const quiet = t.active === 0 && socket.bytesRead === t.readAtIdle
            if (quiet && now - t.idleSince >= idleMs) socket.destroy()
          }
        }
        const force = setTimeout(() => {
          if (closed) return
          onForce?.()
          for (const socket of sockets.keys()) socket.destroy()
        }, graceMs)
        const closeListener = (): void => {
          listening = false
          NetServer.prototype.close.call(server, () => {
            closed = true
            clearInterval(sweep)
            clearTimeout(force)
            resolve()
          })
          cutIdle()
        }
        const sweep = setInterval(() => {
          const now = monotonic()
          const quietSince = Math.max(lastConnection, stopAt)
          if (listening && (now - quietSince >= quietMs || now - stopAt >= listenMs)) closeListener()
          if (!listening) cutIdle()
        }, 10)
      })
    },
  }
}
