import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createLogger } from './deps.js'

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough()
  const chunks: Buffer[] = []
  stream.on('data', (c: Buffer) => chunks.push(c))
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
}

describe('createLogger', () => {
  it('writes JSON lines with secrets redacted', () => {
    const out = capture()
    const log = createLogger({ logLevel: 'info', logFormat: 'json' }, out.stream)
    log.info({ login: { email: 'a@example.com', token: 'tg_secret_value' } }, 'signed in')
    const line = JSON.parse(out.text().trim()) as { msg: string; login: { token: string } }
    expect(line.msg).toBe('signed in')
    expect(line.login.token).toBe('[redacted]')
  })

  it('writes readable lines for LOG_FORMAT=pretty, still redacted', () => {
    const out = capture()
    const log = createLogger({ logLevel: 'info', logFormat: 'pretty' }, out.stream)
    log.info({ login: { token: 'tg_secret_value' } }, 'signed in')
    const text = out.text()
    expect(text).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: signed in\n/)
    expect(text).toContain('[redacted]')
    expect(text).not.toContain('tg_secret_value')
    expect(() => JSON.parse(text)).toThrow()
  })
})
