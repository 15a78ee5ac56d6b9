import { defineMailTemplate, escapeHtml, mailFrame } from '../mail/index.js'

export type LoginLinkMail = { url: string; minutes: number }

export const LOGIN_LINK_TEMPLATE = defineMailTemplate<LoginLinkMail>('login-link', (data, brand) => ({
  subject: `Your ${brand.name} sign-in link`,
  text: `Sign in to ${brand.name} with this link (valid for ${data.minutes} minutes, once):\n\n${data.url}\n\nIf you did not ask for it, ignore this email.`,
  html: mailFrame(
    `<p>Sign in to ${escapeHtml(brand.name)} with this link (valid for ${data.minutes} minutes, once):</p><p><a href="${escapeHtml(data.url)}">Sign in</a></p><p>If you did not ask for it, ignore this email.</p>`,
  ),
}))
