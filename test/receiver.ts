/**
 * A real HTTP server standing in for an integrator's webhook receiver: it records what arrives and
 * checks each delivery's signature with the Standard Webhooks reference library, as a receiver
 * should; a GET is one of the integrator's pages (where a success_url lands). Used only by tests.
 * @module
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export type ReceivedEvent = {
  id: string
  type: string
  data: Record<string, unknown>
  headers: IncomingHttpHeaders
}

export type Receiver = {
  url: string
  /** Verified deliveries, in arrival order (a delivery that fails verification is answered 400). */
  events: ReceivedEvent[]
  /** Deliveries whose signature did not verify. */
  rejected: number
  setSecret(secret: string): void
  close(): Promise<void>
}

export function startReceiver(): Promise<Receiver> {
  let verifier: Webhook | undefined
  const receiver = { events: [] as ReceivedEvent[], rejected: 0 }
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET') {
      // The integrator's own pages (a success_url lands here).
      res.setHeader('content-type', 'text/html')
      res.end('<!doctype html><title>Integrator</title><h1 id="back">Back at the integrator</h1>')
      return
    }
    let body = ''
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8')
    })
    req.on('end', () => {
      try {
        if (!verifier) throw new Error('no secret yet')
        const payload = verifier.verify(body, req.headers as Record<string, string>) as {
          type: string
          data: Record<string, unknown>
        }
        receiver.events.push({
          id: String(req.headers['webhook-id']),
          type: payload.type,
          data: payload.data,
          headers: req.headers,
        })
        res.statusCode = 204
      } catch {
        receiver.rejected++
        res.statusCode = 400
      }
      res.end()
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/tollgate`,
        get events() {
          return receiver.events
        },
        get rejected() {
          return receiver.rejected
        },
        setSecret(secret) {
          verifier = new Webhook(secret)
        },
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  )
}
