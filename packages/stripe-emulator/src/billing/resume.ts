/**
 * `POST /v1/subscriptions/:id/resume` on a paused subscription, with the pinned API version's
 * `payment_behavior` (Stripe's resume reference and the 2026-05-27 / 2026-09-30 changelogs):
 *
 * - `resume_on_payment_attempt` (the default): no payment is attempted in the request. The
 *   resumption invoice is finalized and the subscription stays `paused` until a payment is
 *   attempted on it (`/v1/invoices/:id/pay`, the hosted invoice page): paid → `active`, failed →
 *   `past_due`, with no automatic retries.
 * - `resume_on_payment_success`: the invoice is charged in the request. Paid → `active`; otherwise
 *   the subscription stays `paused` and the invoice is retried on the dunning schedule; a later
 *   successful payment resumes it. When the retries run out the invoice stays open and the
 *   subscription `paused` (Stripe voids the resumption invoice at an expiration date it does not
 *   document; not modelled).
 *
 * Marking the resumption invoice uncollectible resumes the subscription (`active`), as Stripe's
 * reference says. No invoice (`billing_cycle_anchor=unchanged` with `proration_behavior=none`)
 * resumes at once. `billing_cycle_anchor=now` (the default) starts a new period at the resume time
 * with no prorations; `unchanged` advances to the period around now on the old anchor and bills
 * its remaining part prorated (from `proration_date` when given). Events on resuming: customer.subscription.resumed, then .updated.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { hiddenOf } from '../state.js'
import { createInvoice, finalizeInvoice, type PayOutcome, payInvoice, recordFailure } from './invoices.js'
import { changeSubscription, planLines, scheduleCycle, scheduleFor, takePendingLines } from './lifecycle.js'
import { clockOfSubscription, currentPeriodEnd, periodEnd, subHidden } from './model.js'
import { prorate } from './periods.js'

const DAY = 86_400

export type ResumeBehavior = 'resume_on_payment_attempt' | 'resume_on_payment_success'

/** Where the resumed periods start and on which anchor, kept on the resumption invoice until it resumes. */
type PendingResume = { behavior: ResumeBehavior; start: number; anchor: number }

export function pendingResume(ctx: Ctx, invoice: Stripe.Invoice): PendingResume | undefined {
  return hiddenOf<{ resume?: PendingResume }>(ctx.state, invoice.id).resume
}

function finishResume(
  ctx: Ctx,
  s: Stripe.Subscription,
  plan: Omit<PendingResume, 'behavior'>,
  status: 'active' | 'past_due',
  invoice?: Stripe.Invoice,
): void {
  if (invoice) delete hiddenOf<{ resume?: PendingResume }>(ctx.state, invoice.id).resume
  delete subHidden(ctx, s.id).firstFailureAt
  changeSubscription(
    ctx,
    s,
    (x) => {
      x.status = status
      x.billing_cycle_anchor = plan.anchor
      for (const item of x.items.data) {
        item.current_period_start = plan.start
        item.current_period_end = periodEnd(item.price, plan.start, plan.anchor)
      }
    },
    (x) => ctx.emit('customer.subscription.resumed', x),
  )
  scheduleCycle(ctx, s)
}

export function resumeSubscription(
  ctx: Ctx,
  s: Stripe.Subscription,
  anchor: 'now' | 'unchanged',
  proration: 'create_prorations' | 'always_invoice' | 'none',
  behavior: ResumeBehavior,
  prorationDate?: number,
): void {
  const now = ctx.now(clockOfSubscription(ctx, s))
  // `proration_date`: prorate as though resumed then (as a preview computed earlier did).
  const at = prorationDate ?? now
  let start = now
  let newAnchor = now
  if (anchor === 'unchanged') {
    newAnchor = s.billing_cycle_anchor
    // The paused period ended where the pause began; the next ones follow on the old anchor.
    start = currentPeriodEnd(s) <= now ? currentPeriodEnd(s) : s.items.data[0]!.current_period_start
    while (periodEnd(s.items.data[0]!.price, start, newAnchor) <= now)
      start = periodEnd(s.items.data[0]!.price, start, newAnchor)
  }
  const end = periodEnd(s.items.data[0]!.price, start, newAnchor)
  let lines = planLines(ctx, s, start, end)
  if (anchor === 'unchanged') {
    lines =
      proration === 'none'
        ? []
        : lines.map((l) => ({
            ...l,
            amount: prorate(l.amount, end - Math.min(Math.max(at, start), end), end - start),
            period: { start: Math.min(Math.max(at, start), end), end },
            proration: true,
          }))
  }
  lines = [...lines, ...takePendingLines(ctx, s)]
  const plan = { start, anchor: newAnchor }
  if (lines.length === 0) {
    finishResume(ctx, s, plan, 'active')
    return
  }
  const invoice = createInvoice(ctx, s, 'subscription_update', lines)
  hiddenOf<{ resume?: PendingResume }>(ctx.state, invoice.id).resume = { behavior, ...plan }
  if (behavior === 'resume_on_payment_attempt') {
    finalizeInvoice(ctx, invoice)
    // A $0 invoice is paid on finalizing: nothing is left to attempt.
    if (invoice.amount_due === 0) settleResumeInvoice(ctx, s, invoice, true)
    return
  }
  settleResumeInvoice(ctx, s, invoice, false)
}

/** A payment attempt on a resumption invoice (in the request, by `/pay`, the hosted page or a retry). */
export function settleResumeInvoice(
  ctx: Ctx,
  s: Stripe.Subscription,
  invoice: Stripe.Invoice,
  manual: boolean,
): PayOutcome {
  const resume = pendingResume(ctx, invoice)!
  const outcome = payInvoice(ctx, invoice, s)
  if (outcome === 'paid') {
    finishResume(ctx, s, resume, 'active', invoice)
    return outcome
  }
  if (outcome === 'requires_action') return outcome
  if (resume.behavior === 'resume_on_payment_attempt') {
    recordFailure(ctx, invoice, null) // no automatic retries
    finishResume(ctx, s, resume, 'past_due', invoice)
    return outcome
  }
  if (manual) {
    recordFailure(ctx, invoice, invoice.next_payment_attempt)
    return outcome
  }
  // resume_on_payment_success: still paused; retried on the dunning schedule.
  const hidden = subHidden(ctx, s.id)
  hidden.firstFailureAt ??= ctx.now(clockOfSubscription(ctx, s))
  const next = ctx.options.dunning.retryDays[invoice.attempt_count - 1]
  const nextAt = next === undefined ? null : hidden.firstFailureAt + next * DAY
  recordFailure(ctx, invoice, nextAt)
  if (nextAt !== null) scheduleFor(ctx, s, nextAt, 'billing.collect', { invoice: invoice.id })
  else delete hidden.firstFailureAt
  return outcome
}

/** `mark_uncollectible` on a resumption invoice resumes its paused subscription. */
export function resumeAfterUncollectible(ctx: Ctx, invoice: Stripe.Invoice): void {
  const resume = pendingResume(ctx, invoice)
  const subId = invoice.parent?.subscription_details?.subscription
  const s =
    typeof subId === 'string' ? (ctx.state.objects[subId] as Stripe.Subscription | undefined) : undefined
  if (!resume || s?.status !== 'paused') return
  finishResume(ctx, s, resume, 'active', invoice)
}
