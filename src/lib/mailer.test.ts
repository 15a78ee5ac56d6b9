/** The From header buyers see, through a real SMTP receiver: the shop's name unless MAIL_FROM names one. */
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMailer } from './mailer.js'

const received: string[] = []
let smtp: SMTPServer
let smtpUrl: string

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      let text = ''
      stream.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8')
      })
      stream.on('end', () => {
        received.push(text)
        done()
      })
    },
  })
  await new Promise<void>((done) => smtp.listen(0, '127.0.0.1', done))
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((done) => smtp.close(done)))

async function fromLineOf(mailFrom: string, storeName: string): Promise<string | undefined> {
  const mailer = createMailer({ smtpUrl, mailFrom, brand: { name: storeName } }, pino({ level: 'silent' }))
  await mailer.send({ to: 'buyer@example.com', subject: 'Hi', text: 'Hi', html: '<p>Hi</p>' })
  return received
    .at(-1)
    ?.split(/\r?\n/)
    .find((l) => l.startsWith('From:'))
}

describe('the sender buyers see', () => {
  it('puts the shop’s name on a bare MAIL_FROM address', async () => {
    expect(await fromLineOf('store@ada.example', 'Ada Books')).toBe('From: Ada Books <store@ada.example>')
  })

  it('keeps a MAIL_FROM that names itself', async () => {
    expect(await fromLineOf('Ada Support <help@ada.example>', 'Ada Books')).toBe(
      'From: Ada Support <help@ada.example>',
    )
  })
})
