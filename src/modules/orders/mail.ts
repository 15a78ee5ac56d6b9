import { defineMailTemplate, escapeHtml, mailFrame } from '../mail/index.js'

export type PurchaseConfirmationMail = {
  productName: string
  libraryUrl: string
  loginUrl: string
  accessToken: string
  /** What the purchase opened (feature or file names), each until an ISO date or null for forever. */
  access?: AccessLine[]
  /** Mails queued before `access`: one end, ISO or null, for the whole purchase. */
  accessUntil?: string | null
  /** Licence keys the purchase came with (catalog features of kind `license`). */
  licenses?: LicenseKeyLine[]
}

export type LicenseKeyLine = { name: string; key: string }
export type AccessLine = { name: string; until: string | null }

const untilText = (until: string | null): string => (until ? `until ${until.slice(0, 10)}` : 'forever')

/**
 * " You have access until 2027-01-07." when everything bought ends together; each with its own end
 * when not; nothing when the purchase opened nothing (an integrator's line without grants).
 */
function accessSentence(d: PurchaseConfirmationMail): string {
  const lines = d.access ?? (d.accessUntil === undefined ? [] : [{ name: '', until: d.accessUntil }])
  const [first] = lines
  if (!first) return ''
  if (lines.every((l) => l.until === first.until)) return ` You have access ${untilText(first.until)}.`
  return ` Your access: ${lines.map((l) => `${l.name} ${untilText(l.until)}`).join('; ')}.`
}

function licenseText(lines: LicenseKeyLine[] | undefined): string[] {
  return (lines ?? []).flatMap((l) => ['', `Your licence key for ${l.name}:`, l.key])
}

function licenseHtml(lines: LicenseKeyLine[] | undefined): string {
  return (lines ?? [])
    .map(
      (l) =>
        `<p>Your licence key for ${escapeHtml(l.name)}:</p><p><code style="word-break:break-all">${escapeHtml(l.key)}</code></p>`,
    )
    .join('')
}

export const PURCHASE_CONFIRMATION_TEMPLATE = defineMailTemplate<PurchaseConfirmationMail>(
  'purchase-confirmation',
  (d) => {
    const access = accessSentence(d)
    return {
      subject: `Your purchase: ${d.productName}`,
      text: [
        `Thank you for buying ${d.productName}.${access}`,
        '',
        `Your library: ${d.libraryUrl}`,
        `Sign in at ${d.loginUrl} with this email address and your access token:`,
        '',
        d.accessToken,
        '',
        'Keep the token private: it opens your library.',
        ...licenseText(d.licenses),
      ].join('\n'),
      html: mailFrame(
        `<p>Thank you for buying <strong>${escapeHtml(d.productName)}</strong>.${escapeHtml(access)}</p>` +
          `<p><a href="${escapeHtml(d.libraryUrl)}">Open your library</a></p>` +
          `<p>Sign in with this email address and your access token:</p><p><code>${escapeHtml(d.accessToken)}</code></p>` +
          '<p>Keep the token private: it opens your library.</p>' +
          licenseHtml(d.licenses),
      ),
    }
  },
)

export type PurchasePaymentFailedMail = { productName: string; storeUrl: string }

export const PURCHASE_PAYMENT_FAILED_TEMPLATE = defineMailTemplate<PurchasePaymentFailedMail>(
  'purchase-payment-failed',
  (d) => ({
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
  }),
)

export type DisputeOpenedMail = {
  orderId: string
  productName: string
  customerEmail: string
  /** Formatted, e.g. "$19.00". */
  amount: string
  reason: string
  /** An inquiry: no money withdrawn yet, access unchanged. */
  inquiry: boolean
  /** YYYY-MM-DD, the evidence deadline. */
  dueBy: string | null
  disputeId: string
}

export const DISPUTE_OPENED_TEMPLATE = defineMailTemplate<DisputeOpenedMail>('dispute-opened', (d) => {
  const what = d.inquiry ? 'An inquiry' : 'A chargeback'
  const access = d.inquiry
    ? 'Access is unchanged while the bank only asks questions.'
    : 'Access to the order is revoked while the dispute is open, and given back if you win it.'
  const deadline = d.dueBy
    ? `Respond in the Stripe Dashboard by ${d.dueBy}.`
    : 'Respond in the Stripe Dashboard.'
  return {
    subject: `${what} was opened on order ${d.orderId} (${d.amount})`,
    text: [
      `${what} (${d.reason}) was opened on order ${d.orderId}: ${d.productName}, ${d.amount}, bought by ${d.customerEmail}.`,
      access,
      `${deadline} Dispute: ${d.disputeId}`,
    ].join('\n'),
    html: mailFrame(
      `<p>${what} (${escapeHtml(d.reason)}) was opened on order <strong>${escapeHtml(d.orderId)}</strong>: ` +
        `${escapeHtml(d.productName)}, ${escapeHtml(d.amount)}, bought by ${escapeHtml(d.customerEmail)}.</p>` +
        `<p>${access}</p><p>${escapeHtml(deadline)} Dispute: <code>${escapeHtml(d.disputeId)}</code></p>`,
    ),
  }
})

export type RefundFailedMail = { orderId: string; productName: string; amount: string }

export const REFUND_FAILED_TEMPLATE = defineMailTemplate<RefundFailedMail>('refund-failed', (d) => ({
  subject: `A refund of ${d.amount} on order ${d.orderId} failed`,
  text: [
    `The buyer's card refused the refund of ${d.amount} on order ${d.orderId} (${d.productName}), so the money is still with you.`,
    'Their access was given back. Refund them another way, or revoke access with `npx tollgate revoke`.',
  ].join('\n'),
  html: mailFrame(
    `<p>The buyer's card refused the refund of ${escapeHtml(d.amount)} on order <strong>${escapeHtml(d.orderId)}</strong> ` +
      `(${escapeHtml(d.productName)}), so the money is still with you.</p>` +
      '<p>Their access was given back. Refund them another way, or revoke access with <code>npx tollgate revoke</code>.</p>',
  ),
}))

export type RefundIssuedMail = {
  productName: string
  /** Formatted, e.g. "$19.00": this refund, and what the order was. */
  amount: string
  orderAmount: string
  /** A full refund ends the order's access; a partial one keeps it. */
  full: boolean
  receiptUrl: string
  storeUrl: string
}

export const REFUND_ISSUED_TEMPLATE = defineMailTemplate<RefundIssuedMail>('refund-issued', (d) => {
  const lines = [
    d.full
      ? `We refunded your payment of ${d.orderAmount} for ${d.productName}.`
      : `We refunded ${d.amount} of your payment of ${d.orderAmount} for ${d.productName}.`,
    d.full
      ? `Your access to ${d.productName} has ended, and its downloads are no longer available.`
      : `You keep your access to ${d.productName}; nothing else changes.`,
    'Your bank usually shows the money back within 5 to 10 business days.',
  ]
  return {
    subject: d.full ? `Refund: ${d.productName}` : `Partial refund: ${d.productName}`,
    text: [...lines, '', `Your receipt: ${d.receiptUrl}`].join('\n'),
    html: mailFrame(
      `${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}<p><a href="${escapeHtml(d.receiptUrl)}">Your receipt</a></p>`,
    ),
  }
})
