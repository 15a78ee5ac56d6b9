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
