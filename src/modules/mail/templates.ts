/**
 * Mail templates: small functions from data to `{ subject, text, html }`, registered by name.
 * Modules register their own at import time (`registerMailTemplate('order-confirmation', fn)`)
 * and enqueue by name; rendering happens when the mail is enqueued, so a bad template fails the
 * caller's transaction instead of a worker later.
 * @module
 */
import { AppError } from '../../lib/errors.js'

export type RenderedMail = { subject: string; text: string; html: string }
// biome-ignore lint/suspicious/noExplicitAny: each template narrows its own data type
export type MailTemplate<Data = any> = (data: Data) => RenderedMail

const templates = new Map<string, MailTemplate>()

export function registerMailTemplate<Data>(name: string, template: MailTemplate<Data>): void {
  if (templates.has(name) && templates.get(name) !== template) {
    throw new Error(`Mail template "${name}" is registered twice`)
  }
  templates.set(name, template)
}

export function renderMail(name: string, data: unknown): RenderedMail {
  const template = templates.get(name)
  if (!template) throw new AppError('MAIL_TEMPLATE_NOT_FOUND', { details: { template: name } })
  return template(data)
}

/** Escapes text for the HTML part of a template. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** Wraps an HTML body in the minimal frame every Tollgate email shares. */
export function mailFrame(bodyHtml: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:560px;margin:auto;padding:16px">${bodyHtml}<p style="color:#6b7280;font-size:12px">Sent by Tollgate</p></body></html>`
}
