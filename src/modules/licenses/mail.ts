/**
 * The licence-key email for a subscription (an order's keys go in its purchase confirmation): sent
 * once, when the subscription's key is made, in the same transaction.
 * @module
 */
import type { Executor } from '../../db/database.js'
import type { Deps } from '../../deps.js'
import { findCustomer } from '../customers/index.js'
import { defineMailTemplate, enqueueMail, escapeHtml, mailFrame } from '../mail/index.js'
import type { IssuedLicense } from './issue.js'

export type LicenseKeysMail = { licenses: { name: string; key: string }[]; libraryUrl: string }

export const LICENSE_KEYS_TEMPLATE = defineMailTemplate<LicenseKeysMail>('license-keys', (d) => ({
  subject: d.licenses.length === 1 ? `Your licence key for ${d.licenses[0]?.name}` : 'Your licence keys',
  text: [
    ...d.licenses.flatMap((l) => [`Your licence key for ${l.name}:`, l.key, '']),
    'It stays valid while your subscription does.',
    `You can find it again in your library: ${d.libraryUrl}`,
  ].join('\n'),
  html: mailFrame(
    d.licenses
      .map(
        (l) =>
          `<p>Your licence key for <strong>${escapeHtml(l.name)}</strong>:</p><p><code style="word-break:break-all">${escapeHtml(l.key)}</code></p>`,
      )
      .join('') +
      `<p>It stays valid while your subscription does. You can find it again in <a href="${escapeHtml(d.libraryUrl)}">your library</a>.</p>`,
  ),
}))

/** Emails keys just made for a customer; nothing when there are none. */
export async function mailLicenseKeys(
  deps: Deps,
  trx: Executor,
  input: { customerId: string; licenses: IssuedLicense[] },
): Promise<void> {
  if (input.licenses.length === 0) return
  const customer = await findCustomer(trx, input.customerId)
  if (!customer) return
  const data: LicenseKeysMail = {
    licenses: input.licenses.map((l) => ({ name: l.name, key: l.key })),
    libraryUrl: `${deps.config.publicUrl}/library`,
  }
  await enqueueMail(trx, { to: customer.email, template: LICENSE_KEYS_TEMPLATE, data }, deps)
}
