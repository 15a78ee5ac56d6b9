import type { Brand } from '../../lib/brand.js'
import { defineMailTemplate, escapeHtml, mailFrame } from '../mail/index.js'

export type AccountLinkMail = { url: string; minutes: number; resetUrl?: string }

type Words = (shop: string) => string

/** `subject` and `intro` are given the shop's name (STORE_NAME). */
function linkMail(subjectOf: Words, introOf: Words, label: string) {
  return (d: AccountLinkMail, brand: Brand) => {
    const subject = subjectOf(brand.name)
    const intro = introOf(brand.name)
    return {
      subject,
      text: `${intro}\n\n${label}: ${d.url}\n\nThe link works once, for ${d.minutes} minutes. If you did not ask for it, ignore this email.`,
      html: mailFrame(
        `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(d.url)}">${escapeHtml(label)}</a></p><p>The link works once, for ${d.minutes} minutes. If you did not ask for it, ignore this email.</p>`,
      ),
    }
  }
}

const confirm = defineMailTemplate<AccountLinkMail>(
  'account-confirm',
  linkMail(
    (shop) => `Confirm your ${shop} account`,
    () => 'Confirm your email address to finish creating your account.',
    'Confirm my account',
  ),
)
const exists = defineMailTemplate<AccountLinkMail>(
  'account-exists',
  linkMail(
    (shop) => `You already have a ${shop} account`,
    () =>
      'Someone (hopefully you) tried to register with this email, but you already have an account. Sign in, or choose a new password with this link.',
    'Choose a new password',
  ),
)
const reset = defineMailTemplate<AccountLinkMail>(
  'password-reset',
  linkMail(
    (shop) => `Reset your ${shop} password`,
    (shop) => `Choose a new password for your ${shop} account.`,
    'Choose a new password',
  ),
)

const welcome = defineMailTemplate<AccountLinkMail>('account-set-password', (d) => {
  const hours = Math.round(d.minutes / 60)
  const intro =
    'Thank you for subscribing. We made an account for this email address so you can come back to your membership. Choose a password to sign in with it.'
  const after = `The link works once, for ${hours} hours. Later, "Forgot password" on the sign-in page sends a new one.`
  return {
    subject: 'Choose a password for your account',
    text: `${intro}\n\nChoose a password: ${d.url}\n\n${after}`,
    html: mailFrame(
      `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(d.url)}">Choose a password</a></p><p>${escapeHtml(after)}</p>`,
    ),
  }
})

export const ACCOUNT_MAIL = { confirm, exists, reset, welcome } as const
