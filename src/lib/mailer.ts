/**
 * How a rendered email leaves the building: SMTP (nodemailer, from SMTP_URL) or, without SMTP_URL,
 * the dev mailbox, which is simply the outbox row itself marked sent with transport 'dev'.
 * nodemailer is loaded with the first message (or check), not at start.
 * @module
 */
import type { Transporter } from 'nodemailer'
import type { Logger } from 'pino'

export type OutgoingMail = { to: string; subject: string; text: string; html: string }

export type Mailer = {
  /** 'smtp' or 'dev'; stored on the outbox row when sent. */
  readonly transport: string
  send(mail: OutgoingMail): Promise<void>
  /** Connects and authenticates without sending (SMTP only): `tollgate doctor`. */
  verify?(): Promise<void>
}

export type MailerSettings = { smtpUrl?: string | undefined; mailFrom: string; brand: { name: string } }

/**
 * The From header: MAIL_FROM as written when it names itself (`Shop <a@b.c>`), otherwise the bare
 * address under the shop's name, so buyers see the store (STORE_NAME), not the software.
 */
export function fromHeader(mailFrom: string, storeName: string): string | { name: string; address: string } {
  return mailFrom.includes('<') ? mailFrom : { name: storeName, address: mailFrom }
}

export function createMailer(config: MailerSettings, log: Logger): Mailer {
  const { smtpUrl } = config
  if (smtpUrl === undefined) return devMailer
  let transporter: Promise<Transporter> | undefined
  const smtp = (): Promise<Transporter> => {
    transporter ??= import('nodemailer').then((m) =>
      m.default.createTransport(smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000 }),
    )
    return transporter
  }
  return {
    transport: 'smtp',
    async send(mail) {
      await (await smtp()).sendMail({ from: fromHeader(config.mailFrom, config.brand.name), ...mail })
      log.debug({ to: mail.to, subject: mail.subject }, 'mail sent')
    },
    async verify() {
      await (await smtp()).verify()
    },
  }
}

/** Nothing to do: the outbox row is the dev mailbox, readable at /dev/mail and via listDevMail. */
export const devMailer: Mailer = { transport: 'dev', send: async () => {} }
