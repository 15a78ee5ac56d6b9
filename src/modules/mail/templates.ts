/**
 * Mail templates: small functions from data to `{ subject, text, html }` with a name. Each module
 * defines its own (`defineMailTemplate('order-confirmation', fn)`) and passes the template itself
 * to `enqueueMail`; there is no registry. Rendering happens when the mail is enqueued, so a bad
 * template fails the caller's transaction instead of a worker later.
 * @module
 */

export type RenderedMail = { subject: string; text: string; html: string }

/** A named template: the name is stored on the outbox row, the render function runs at enqueue. */
export type MailTemplate<Data> = { readonly name: string; render(data: Data): RenderedMail }

export function defineMailTemplate<Data>(
  name: string,
  render: (data: Data) => RenderedMail,
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

/** Wraps an HTML body in the minimal frame every Tollgate email shares. */
export function mailFrame(bodyHtml: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2328;max-width:560px;margin:auto;padding:16px">${bodyHtml}<p style="color:#6b7280;font-size:12px">Sent by Tollgate</p></body></html>`
}
