/**
 * Mail templates: small functions from data to `{ subject, text, html }` with a name. Each module
 * defines its own (`defineMailTemplate('order-confirmation', fn)`) and passes the template itself
 * to `enqueueMail`; there is no registry. Rendering happens when the mail is enqueued, so a bad
 * template fails the caller's transaction instead of a worker later. Templates get the shop's
 * brand for words like "Your <shop> sign-in link"; the branded header, signature and footer are
 * added to every email in one place (`brandMail`), so no template can forget them.
 * @module
 */
import type { Brand } from '../../lib/brand.js'

export type RenderedMail = { subject: string; text: string; html: string }

/** A named template: the name is stored on the outbox row, the render function runs at enqueue. */
export type MailTemplate<Data> = { readonly name: string; render(data: Data, brand: Brand): RenderedMail }

export function defineMailTemplate<Data>(
  name: string,
  render: (data: Data, brand: Brand) => RenderedMail,
): MailTemplate<Data> {
  return { name, render }
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

const BODY_OPEN =
  '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:560px;margin:auto;padding:16px">'

/** Wraps an HTML body in the minimal frame every email shares (the brand is added by `brandMail`). */
export function mailFrame(bodyHtml: string): string {
  return `<!doctype html><html>${BODY_OPEN}${bodyHtml}</body></html>`
}

/** The shop's header (logo or name, in its accent colour), signature and footer links on one email. */
export function brandMail(mail: RenderedMail, brand: Brand): RenderedMail {
  const name = escapeHtml(brand.name)
  const mark = brand.logoUrl
    ? `<img src="${escapeHtml(brand.logoUrl)}" alt="${name}" height="32">`
    : `<strong style="color:${brand.accentColor}">${name}</strong>`
  const links = [
    brand.supportEmail
      ? `<a href="mailto:${escapeHtml(brand.supportEmail)}">${escapeHtml(brand.supportEmail)}</a>`
      : undefined,
    brand.termsUrl ? `<a href="${escapeHtml(brand.termsUrl)}">Terms</a>` : undefined,
    brand.privacyUrl ? `<a href="${escapeHtml(brand.privacyUrl)}">Privacy</a>` : undefined,
  ].filter((l) => l !== undefined)
  const header = `<p data-brand-header style="border-bottom:3px solid ${brand.accentColor};padding-bottom:8px">${mark}</p>`
  const footer = `<p data-brand-footer style="color:#6b7280;font-size:12px">— ${name}${links.length > 0 ? `<br>${links.join(' · ')}` : ''}</p>`
  const framed = mail.html.includes(BODY_OPEN) ? mail.html : mailFrame(mail.html)
  const html = framed.replace(BODY_OPEN, `${BODY_OPEN}${header}`).replace(/<\/body>/, `${footer}</body>`)
  const textLinks = [
    brand.supportEmail ? `Support: ${brand.supportEmail}` : undefined,
    brand.termsUrl ? `Terms: ${brand.termsUrl}` : undefined,
    brand.privacyUrl ? `Privacy: ${brand.privacyUrl}` : undefined,
  ].filter((l) => l !== undefined)
  const text = `${mail.text.trimEnd()}\n\n— ${brand.name}${textLinks.length > 0 ? `\n${textLinks.join('\n')}` : ''}\n`
  return { subject: mail.subject, text, html }
}
