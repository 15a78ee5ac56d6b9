import { defineMailTemplate, escapeHtml, mailFrame } from '../mail/index.js'

export type AccountLinkMail = { url: string; minutes: number; resetUrl?: string }

function linkMail(subject: string, intro: string, label: string) {
  return (d: AccountLinkMail) => ({
    subject,
    text: `${intro}\n\n${label}: ${d.url}\n\nThe link works once, for ${d.minutes} minutes. If you did not ask for it, ignore this email.`,
    html: mailFrame(
      `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(d.url)}">${escapeHtml(label)}</a></p><p>The link works once, for ${d.minutes} minutes. If you did not ask for it, ignore this email.</p>`,
    ),
  })
}

const confirm = defineMailTemplate<AccountLinkMail>(
  'account-confirm',
  linkMail(
    'Confirm your Tollgate account',
    'Confirm your email address to finish creating your account.',
    'Confirm my account',
  ),
)
const exists = defineMailTemplate<AccountLinkMail>(
  'account-exists',
  linkMail(
    'You already have a Tollgate account',
    'Someone (hopefully you) tried to register with this email, but you already have an account. Sign in, or choose a new password with this link.',
    'Choose a new password',
  ),
)
const reset = defineMailTemplate<AccountLinkMail>(
  'password-reset',
  linkMail(
    'Reset your Tollgate password',
    'Choose a new password for your Tollgate account.',
    'Choose a new password',
  ),
)

export const ACCOUNT_MAIL = { confirm, exists, reset } as const
