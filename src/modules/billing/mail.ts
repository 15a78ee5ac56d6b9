/** The subscription emails. */
import { defineMailTemplate, escapeHtml, mailFrame } from '../mail/index.js'

export type WelcomeMail = { planName: string; accountUrl: string; trialEnd: string | null }
export type ReceiptMail = {
  planName: string
  amount: string
  accountUrl: string
  /** Stripe's hosted invoice page and PDF, when Stripe gave them. */
  invoiceUrl: string | null
  pdfUrl?: string | null
  /** The store's own receipt page of this invoice. */
  receiptUrl?: string | null
  /** A renewal (not the first payment): says so, and when the next one is due. */
  renewal?: boolean
  nextRenewal?: string | null
}
/** `updateCardUrl`: a link that signs in (if need be) and opens the portal's card form. */
export type PaymentFailedMail = {
  planName: string
  amount: string
  accountUrl: string
  updateCardUrl?: string
}
export type TrialEndingMail = {
  planName: string
  trialEnd: string
  accountUrl: string
  /** No card yet: the email asks for one (at `updateCardUrl`) and says what happens without it. */
  needsCard?: boolean
  updateCardUrl?: string
  withoutCard?: 'cancel' | 'pause' | 'create_invoice'
}
export type CanceledMail = { planName: string; accessUntil: string | null; accountUrl: string }
/** A refund of a subscription payment, and what it does to the membership (Stripe keeps it running). */
export type SubscriptionRefundMail = {
  planName: string
  accountUrl: string
  /** This refund, and the payment it was taken from. */
  amount: string
  paid: string
  /** The whole payment is now refunded (by this refund or with earlier ones). */
  full: boolean
  /** The membership after the refund: still running, ending on `accessUntil`, or over. */
  access: 'continues' | 'until' | 'ended'
  accessUntil: string | null
  receiptUrl: string | null
}
export type RenewalReminderMail = { planName: string; amount: string; renewsOn: string; accountUrl: string }

function simple(subject: string, lines: string[], link: { url: string; label: string }) {
  return {
    subject,
    text: [...lines, '', `${link.label}: ${link.url}`].join('\n'),
    html: mailFrame(
      `${lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p>`,
    ),
  }
}

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '')

const welcome = defineMailTemplate<WelcomeMail>('subscription-welcome', (d) =>
  simple(
    `Welcome to ${d.planName}`,
    [
      `Your ${d.planName} membership has started.`,
      ...(d.trialEnd ? [`Your free trial runs until ${day(d.trialEnd)}.`] : []),
    ],
    { url: d.accountUrl, label: 'Your account' },
  ),
)

const receipt = defineMailTemplate<ReceiptMail>('subscription-receipt', (d) => {
  const lines = d.renewal
    ? [
        `Your ${d.planName} membership renewed. We received your payment of ${d.amount}.`,
        ...(d.nextRenewal ? [`The next renewal is on ${day(d.nextRenewal)}.`] : []),
      ]
    : [`Thank you. We received your payment of ${d.amount} for ${d.planName}.`]
  const links = [
    ...(d.receiptUrl ? [{ url: d.receiptUrl, label: 'Your receipt' }] : []),
    ...(d.invoiceUrl ? [{ url: d.invoiceUrl, label: 'The invoice' }] : []),
    ...(d.pdfUrl ? [{ url: d.pdfUrl, label: 'The invoice as PDF' }] : []),
    { url: d.accountUrl, label: 'Your account' },
  ]
  return {
    subject: d.renewal ? `Receipt: ${d.planName} renewed` : `Receipt: ${d.planName}`,
    text: [...lines, '', ...links.map((l) => `${l.label}: ${l.url}`)].join('\n'),
    html: mailFrame(
      lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') +
        `<ul>${links.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></li>`).join('')}</ul>`,
    ),
  }
})

const paymentFailed = defineMailTemplate<PaymentFailedMail>('subscription-payment-failed', (d) =>
  simple(
    `Payment failed: ${d.planName}`,
    [
      `We could not charge ${d.amount} for ${d.planName}.`,
      'Please update your card; we will retry the payment automatically.',
    ],
    { url: d.updateCardUrl ?? d.accountUrl, label: 'Update your card' },
  ),
)

const WITHOUT_CARD: Record<NonNullable<TrialEndingMail['withoutCard']>, string> = {
  cancel: 'Without one, your membership ends with the trial.',
  pause: 'Without one, your membership is paused when the trial ends, until you add a card.',
  create_invoice: 'Without one, the first payment fails and your access is on hold until it goes through.',
}

const trialEnding = defineMailTemplate<TrialEndingMail>('subscription-trial-ending', (d) =>
  d.needsCard
    ? simple(
        `Add a card to keep ${d.planName} after ${day(d.trialEnd)}`,
        [
          `Your free trial of ${d.planName} ends on ${day(d.trialEnd)}, and we have no card on file for it yet.`,
          `To keep your membership, add a card before then. ${WITHOUT_CARD[d.withoutCard ?? 'create_invoice']}`,
        ],
        { url: d.updateCardUrl ?? d.accountUrl, label: 'Add a card' },
      )
    : simple(
        `Your ${d.planName} trial ends on ${day(d.trialEnd)}`,
        [
          `Your free trial of ${d.planName} ends on ${day(d.trialEnd)}. After that, your card will be charged.`,
        ],
        { url: d.accountUrl, label: 'Manage your membership' },
      ),
)

const canceled = defineMailTemplate<CanceledMail>('subscription-canceled', (d) =>
  simple(
    `${d.planName} canceled`,
    [
      `Your ${d.planName} membership is canceled.`,
      d.accessUntil ? `You keep access until ${day(d.accessUntil)}.` : 'Your access has ended.',
    ],
    { url: d.accountUrl, label: 'Your account' },
  ),
)

const renewalReminder = defineMailTemplate<RenewalReminderMail>('subscription-renewal-reminder', (d) =>
  simple(
    `Your ${d.planName} membership renews on ${day(d.renewsOn)}`,
    [
      `Your ${d.planName} membership renews on ${day(d.renewsOn)}, and your card will be charged ${d.amount}.`,
      'Nothing to do if you want to keep it. To change plans or cancel before then, manage your membership.',
    ],
    { url: d.accountUrl, label: 'Manage your membership' },
  ),
)

const ACCESS_AFTER_REFUND: Record<SubscriptionRefundMail['access'], (d: SubscriptionRefundMail) => string> = {
  continues: (d) =>
    `Your ${d.planName} membership continues and your access is unchanged: a refund does not cancel it. To cancel, manage your membership from your account.`,
  until: (d) =>
    d.accessUntil
      ? `Your ${d.planName} membership is canceled; you keep access until ${day(d.accessUntil)}.`
      : `Your ${d.planName} membership is canceled.`,
  ended: (d) => `Your ${d.planName} membership has ended, and with it your access to its pages and files.`,
}

const refund = defineMailTemplate<SubscriptionRefundMail>('subscription-refund', (d) => {
  const lines = [
    d.amount === d.paid
      ? `We refunded your payment of ${d.paid} for ${d.planName}.`
      : `We refunded ${d.amount} of your payment of ${d.paid} for ${d.planName}.`,
    ACCESS_AFTER_REFUND[d.access](d),
    'Your bank usually shows the money back within 5 to 10 business days.',
  ]
  const links = [
    ...(d.receiptUrl ? [{ url: d.receiptUrl, label: 'Your receipt' }] : []),
    { url: d.accountUrl, label: 'Your account' },
  ]
  return {
    subject: d.full ? `Refund: ${d.planName}` : `Partial refund: ${d.planName}`,
    text: [...lines, '', ...links.map((l) => `${l.label}: ${l.url}`)].join('\n'),
    html: mailFrame(
      lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('') +
        `<ul>${links.map((l) => `<li><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></li>`).join('')}</ul>`,
    ),
  }
})

export const BILLING_MAIL = {
  refund,
  welcome,
  receipt,
  paymentFailed,
  trialEnding,
  canceled,
  renewalReminder,
} as const
