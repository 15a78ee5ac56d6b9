/**
 * How a rendered email leaves the building: SMTP (nodemailer, from SMTP_URL) or, without SMTP_URL,
 * the dev mailbox, which is simply the outbox row itself marked sent with transport 'dev'.
 * @module
 */
import nodemailer from 'nodemailer'
import type { Logger } from 'pino'

export type OutgoingMail = { to: string; subject: string; text: string; html: string }

export type Mailer = {
  /** 'smtp' or 'dev'; stored on the outbox row when sent. */
  readonly transport: string
  send(mail: OutgoingMail): Promise<void>
}

export type MailerSettings = { smtpUrl?: string | undefined; mailFrom: string }

export function createMailer(config: MailerSettings, log: Logger): Mailer {
  if (config.smtpUrl === undefined) return devMailer
  const transporter = nodemailer.createTransport(config.smtpUrl)
  return {
    transport: 'smtp',
    async send(mail) {
      await transporter.sendMail({ from: config.mailFrom, ...mail })
      log.debug({ to: mail.to, subject: mail.subject }, 'mail sent')
    },
  }
}

/** Nothing to do: the outbox row is the dev mailbox, readable at /dev/mail and via listDevMail. */
export const devMailer: Mailer = { transport: 'dev', send: async () => {} }
