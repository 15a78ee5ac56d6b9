/**
 * One webhook POST with node:http(s), answered with the status once the body has been read. Not
 * `fetch`: its WHATWG Request, Response and streams cost a delivery about twice the CPU, and the
 * emulator shares its machine with the receiver it delivers to. Like Stripe, it follows no
 * redirect (a 3xx is just a status) and gives up after `timeoutMs` in all. Connections are kept
 * alive by Node's global agents.
 * @module
 */
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

/** The endpoint did not answer in full within the timeout. */
export class WebhookTimeout extends Error {}

export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let target: URL
    try {
      target = new URL(url)
    } catch {
      reject(new Error(`invalid URL: ${url}`))
      return
    }
    const send =
      target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined
    if (!send) {
      reject(new Error(`unsupported protocol: ${target.protocol}`))
      return
    }
    const req = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    })
    let settled = false
    const finish = (err: Error | undefined, status = 0): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      if (err) reject(err)
      else resolve(status)
    }
    // The whole exchange, a body that starts and then stalls included.
    const timer = setTimeout(
      () => req.destroy(new WebhookTimeout(`timed out after ${timeoutMs} ms`)),
      timeoutMs,
    )
    req.on('error', (err) => finish(err))
    req.on('response', (res) => {
      res.on('error', (err) => finish(err))
      res.on('end', () => finish(undefined, res.statusCode ?? 0))
      // After 'end' this changes nothing; before it, the answer was cut short.
      res.on('close', () => finish(new Error('connection closed before the answer ended')))
      res.resume()
    })
    req.end(body)
  })
}
