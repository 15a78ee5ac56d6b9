/** Stripe's subscription and invoice statuses as a member reads them. */

const SUBSCRIPTION_STATUS: Record<string, string> = {
  active: 'active',
  trialing: 'in its free trial',
  past_due: 'waiting for a payment that failed',
  unpaid: 'on hold until a payment goes through',
  canceled: 'ended',
  incomplete: 'waiting for the first payment',
  incomplete_expired: 'not started (the first payment never went through)',
  paused: 'paused',
}

const INVOICE_STATUS: Record<string, string> = {
  draft: 'Being prepared',
  open: 'Due',
  paid: 'Paid',
  void: 'Canceled',
  uncollectible: 'Not collected',
}

/** Every status Stripe gives a subscription (what a `--status` filter may name). */
export const SUBSCRIPTION_STATUSES: readonly string[] = Object.freeze(Object.keys(SUBSCRIPTION_STATUS))

export function statusWords(status: string): string {
  return SUBSCRIPTION_STATUS[status] ?? status.replaceAll('_', ' ')
}

export function invoiceStatusWords(status: string): string {
  return INVOICE_STATUS[status] ?? status.replaceAll('_', ' ')
}
