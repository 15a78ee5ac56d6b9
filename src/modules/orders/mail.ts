import { escapeHtml, mailFrame, registerMailTemplate } from '../mail/templates.js'

export type PurchaseConfirmationMail = {
  productName: string
  libraryUrl: string
  loginUrl: string
  accessToken: string
  /** ISO date, or null for access forever. */
  accessUntil: string | null
}

export const PURCHASE_CONFIRMATION_TEMPLATE = 'purchase-confirmation'

registerMailTemplate<PurchaseConfirmationMail>(PURCHASE_CONFIRMATION_TEMPLATE, (d) => {
  const until = d.accessUntil ? `until ${d.accessUntil.slice(0, 10)}` : 'forever'
  return {
    subject: `Your purchase: ${d.productName}`,
    text: [
      `Thank you for buying ${d.productName}. You have access ${until}.`,
      '',
      `Your library: ${d.libraryUrl}`,
      `Sign in at ${d.loginUrl} with this email address and your access token:`,
      '',
      d.accessToken,
      '',
      'Keep the token private: it opens your library.',
    ].join('\n'),
    html: mailFrame(
      `<p>Thank you for buying <strong>${escapeHtml(d.productName)}</strong>. You have access ${until}.</p>` +
        `<p><a href="${escapeHtml(d.libraryUrl)}">Open your library</a></p>` +
        `<p>Sign in with this email address and your access token:</p><p><code>${escapeHtml(d.accessToken)}</code></p>` +
        '<p>Keep the token private: it opens your library.</p>',
    ),
  }
})

export type PurchasePaymentFailedMail = { productName: string; storeUrl: string }

export const PURCHASE_PAYMENT_FAILED_TEMPLATE = 'purchase-payment-failed'

registerMailTemplate<PurchasePaymentFailedMail>(PURCHASE_PAYMENT_FAILED_TEMPLATE, (d) => ({
  subject: `Your payment for ${d.productName} did not go through`,
  text: [
    `Your bank did not accept the debit for ${d.productName}, so the purchase is not complete and nothing was charged.`,
    '',
    `You can buy it again with another payment method: ${d.storeUrl}`,
  ].join('\n'),
  html: mailFrame(
    `<p>Your bank did not accept the debit for <strong>${escapeHtml(d.productName)}</strong>, so the purchase is not complete and nothing was charged.</p>` +
      `<p><a href="${escapeHtml(d.storeUrl)}">Buy it again with another payment method</a></p>`,
  ),
}))
