/** Pages for switching plans and canceling: a preview to confirm, the cancel form, a refusal. */
import { formatMoney } from '../../lib/money.js'
import type { PlanChangePreview } from './plan-change.js'
import { intervalLabel, planNickname } from './plans.js'

const day = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '—')

/** Stripe's `cancellation_details.feedback` choices, in words. */
export const CANCEL_REASONS = {
  too_expensive: 'It costs too much',
  missing_features: 'Something I need is missing',
  unused: 'I do not use it enough',
  switched_service: 'I switched to something else',
  too_complex: 'It is too hard to use',
  low_quality: 'The quality is not what I expected',
  customer_service: 'I had a bad support experience',
  other: 'Another reason',
} as const
export type CancelReason = keyof typeof CANCEL_REASONS

function planLabel(p: PlanChangePreview['to']): string {
  return `${planNickname(p)} — ${formatMoney(p.unitAmount, p.currency)} ${intervalLabel(p)}`
}

export function PlanChangePage({
  subscription,
  preview,
}: {
  subscription: string
  preview: PlanChangePreview
}) {
  const upgrade = preview.kind === 'upgrade'
  return (
    <section class="card narrow" data-plan-preview={preview.kind}>
      <h1>{upgrade ? 'Upgrade your plan' : 'Switch at the end of your period'}</h1>
      <dl class="summary">
        <dt>From</dt>
        <dd>{planLabel(preview.from)}</dd>
        <dt>To</dt>
        <dd>{planLabel(preview.to)}</dd>
        <dt>Due now</dt>
        <dd data-due-now>{formatMoney(preview.dueNow, preview.currency)}</dd>
        <dt>Next invoice</dt>
        <dd data-next-invoice>
          {`${formatMoney(preview.nextAmount, preview.currency)} on ${day(preview.nextDate)}`}
        </dd>
      </dl>
      <p class="muted">
        {upgrade
          ? 'The change takes effect now: the unused time on your current plan is credited and the rest charged to your card on file.'
          : `You keep your current plan until ${day(preview.nextDate)}; then the new plan starts and is charged.`}
      </p>
      <form method="post" action="/billing/change">
        <input type="hidden" name="subscription" value={subscription} />
        <input type="hidden" name="price" value={preview.to.lookupKey} />
        <button type="submit" class="button">
          {upgrade
            ? `Upgrade and pay ${formatMoney(preview.dueNow, preview.currency)}`
            : 'Schedule the switch'}
        </button>{' '}
        <a href="/account">Keep my plan</a>
      </form>
    </section>
  )
}

export function CancelPlanPage({
  subscription,
  planName,
  endsOn,
}: {
  subscription: string
  planName: string
  endsOn: string | null
}) {
  return (
    <section class="card narrow" data-cancel-plan>
      <h1>Cancel your plan?</h1>
      <p>
        {`${planName} stays yours until ${day(endsOn)}. After that it will not renew and you will not be charged again.`}
      </p>
      <form method="post" action="/billing/cancel">
        <input type="hidden" name="subscription" value={subscription} />
        <fieldset>
          <legend>Why are you canceling?</legend>
          {Object.entries(CANCEL_REASONS).map(([value, label]) => (
            <label class="choice">
              <input type="radio" name="reason" value={value} required /> {label}
            </label>
          ))}
        </fieldset>
        <label for="cancel-comment">Anything else you want to tell us? (optional)</label>
        <textarea id="cancel-comment" name="comment" maxlength={500} rows={3} />
        <button type="submit" class="button danger">
          Cancel my plan
        </button>{' '}
        <a href="/account">Keep my plan</a>
      </form>
    </section>
  )
}

export function PlanRefusedPage({ message }: { message: string }) {
  return (
    <section class="card narrow" data-plan-refused>
      <h1>That change is not possible</h1>
      <p role="alert">{message}</p>
      <p>
        <a class="button" href="/account">
          Back to your account
        </a>
      </p>
    </section>
  )
}
