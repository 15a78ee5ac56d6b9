/** Account and subscription-success pages. Server-rendered; no JavaScript needed. */
import { formatMoney } from '../../lib/money.js'
import type { CatalogPrice } from '../catalog/index.js'
import type { EntitlementView } from '../entitlements/index.js'
import { type AccountOrder, InvoiceList, OrderList } from './account-lists.js'
import { intervalLabel, planNickname } from './plans.js'
import { statusWords } from './status-words.js'
import type { InvoiceRow, SubscriptionRow } from './table.js'

export type { AccountOrder }

const day = (iso: string | null): string => (iso ? iso.slice(0, 10) : '—')

/** Portal tasks a button may open directly (Stripe's `flow_data.type`). */
export const PORTAL_FLOWS = ['payment_method_update'] as const
export type PortalFlow = (typeof PORTAL_FLOWS)[number]

export type AccountSubscription = SubscriptionRow & {
  planName: string
  currentPrice: CatalogPrice | undefined
  switchTargets: CatalogPrice[]
  scheduledPlanName: string | undefined
  /** What the next invoice charges (after a recurring discount), when the ledger knows it. */
  upcomingCharge: { amount: number; currency: string } | undefined
}

export type AccountView = {
  email: string
  subscriptions: AccountSubscription[]
  invoices: InvoiceRow[]
  orders: AccountOrder[]
  /** Each with the name a buyer reads (the catalog's feature name or file title), never the key. */
  entitlements: (EntitlementView & { name: string })[]
  /** After a change: `upgrade`, `downgrade`, `kept` or `canceled`. */
  changed?: string | undefined
}

const CHANGED: Record<string, string> = {
  upgrade: 'Your plan was upgraded. The new plan applies now.',
  downgrade: 'Your switch is scheduled for the end of the period you paid for.',
  kept: 'You stay on your current plan.',
  canceled: 'Your plan will not renew. Thank you for telling us why.',
  'card-saved': 'Your card is saved. Press Resume to restart your paused membership.',
  resumed: 'Your membership is active again.',
}

export function AccountPage({ view }: { view: AccountView }) {
  const failing = view.subscriptions.some((s) => s.status === 'past_due' || s.status === 'unpaid')
  const hasBilling = view.subscriptions.length > 0
  return (
    <section class="card">
      <h1>Your account</h1>
      <p class="muted">{view.email}</p>
      {view.changed && CHANGED[view.changed] ? (
        <p class="notice ok" role="status" data-changed={view.changed}>
          {CHANGED[view.changed]}
        </p>
      ) : null}
      {failing ? (
        <div class="notice danger" role="alert" data-payment-failed>
          <p>Your last payment failed. Please update your card to keep your membership.</p>
          <PortalButton label="Update your card" flow="payment_method_update" />
        </div>
      ) : null}
      {view.subscriptions.length === 0 ? (
        <p>
          No membership yet. <a href="/pricing">See plans</a>
        </p>
      ) : (
        view.subscriptions.map((s) => <SubscriptionSummary sub={s} />)
      )}
      {hasBilling ? <PortalButton label="Manage billing" /> : null}
      <AccessList entitlements={view.entitlements} />
      <OrderList orders={view.orders} />
      <InvoiceList invoices={view.invoices} />
      <p>
        <a href="/library">Your library</a> · <a href="/password/forgot">Change password</a>
      </p>
    </section>
  )
}

function SubscriptionSummary({ sub }: { sub: AccountSubscription }) {
  const ending = sub.cancel_at_period_end === 1 || sub.cancel_at !== null
  const failing = sub.status === 'past_due' || sub.status === 'unpaid'
  return (
    <div class="subscription" data-subscription={sub.stripe_subscription_id} data-status={sub.status}>
      <h2>{sub.planName}</h2>
      <p>
        Status: <strong data-subscription-status>{statusWords(sub.status)}</strong>
      </p>
      {sub.status === 'trialing' ? (
        <p data-trial-end>{`Trial ends ${day(sub.trial_end)}${chargeText(sub, 'then')}`}</p>
      ) : null}
      {sub.status === 'canceled' ? (
        <p>{`Ended ${day(sub.ended_at)}`}</p>
      ) : sub.status === 'paused' ? (
        <ResumePaused sub={sub} />
      ) : sub.scheduledPlanName ? (
        <ScheduledSwitch sub={sub} />
      ) : ending ? (
        <p data-ends>{`Ends ${day(sub.cancel_at ?? sub.current_period_end)} (renewal is off)`}</p>
      ) : failing ? (
        <p data-renewal-failing>Renewal is on hold until a payment goes through.</p>
      ) : (
        <p data-renews>{`Renews ${day(sub.current_period_end)}${chargeText(sub, 'for')}`}</p>
      )}
      {!ending && sub.switchTargets.length > 0 ? <SwitchList sub={sub} /> : null}
      {!ending && ['active', 'trialing', 'past_due'].includes(sub.status) ? (
        <p>
          <a href={`/billing/cancel?subscription=${sub.stripe_subscription_id}`} data-cancel-link>
            Cancel this plan
          </a>
        </p>
      ) : null}
    </div>
  )
}

/** ", then $9.00" or " for $9.00": the next invoice's amount, when known. */
function chargeText(sub: AccountSubscription, joiner: 'then' | 'for'): string {
  const charge = sub.upcomingCharge
  if (!charge) return ''
  const money = formatMoney(charge.amount, charge.currency)
  return joiner === 'then' ? `, then ${money}` : ` for ${money}`
}

/** Paused when the free trial ended without a card: a card (if none yet), then billing from today. */
function ResumePaused({ sub }: { sub: AccountSubscription }) {
  return (
    <div data-paused>
      <p>
        Your free trial has ended and the membership is paused. Resume it to get your access back; it is
        billed from today.
      </p>
      <form method="post" action="/billing/resume" class="inline">
        <input type="hidden" name="subscription" value={sub.stripe_subscription_id} />
        <button type="submit" class="button">
          Resume membership
        </button>
      </form>
      <p class="muted">If there is no card on file yet, you add one first.</p>
    </div>
  )
}

function ScheduledSwitch({ sub }: { sub: AccountSubscription }) {
  return (
    <div data-scheduled-switch>
      <p>{`Switches to ${sub.scheduledPlanName} on ${day(sub.current_period_end)}.`}</p>
      <form method="post" action="/billing/keep-plan" class="inline">
        <input type="hidden" name="subscription" value={sub.stripe_subscription_id} />
        <button type="submit" class="button secondary">
          Keep my current plan
        </button>
      </form>
    </div>
  )
}

/** Other plans of the family, each with what it costs per year against the current plan. */
function SwitchList({ sub }: { sub: AccountSubscription }) {
  return (
    <div class="switch-plans">
      <h3>Other plans</h3>
      <ul>
        {sub.switchTargets.map((p) => (
          <li data-switch-to={p.lookupKey}>
            {`${planNickname(p)}: ${formatMoney(p.unitAmount, p.currency)} ${intervalLabel(p)}`}
            {sub.currentPrice ? <YearlyDifference from={sub.currentPrice} to={p} /> : null}{' '}
            <a
              href={`/billing/change?subscription=${sub.stripe_subscription_id}&price=${encodeURIComponent(p.lookupKey)}`}
            >
              {`Switch to ${planNickname(p)}`}
            </a>
          </li>
        ))}
      </ul>
    </div>
  )
}

function YearlyDifference({ from, to }: { from: CatalogPrice; to: CatalogPrice }) {
  const a = perYear(from)
  const b = perYear(to)
  if (a === undefined || b === undefined || a === b) return null
  const words =
    b < a
      ? `saves ${formatMoney(a - b, to.currency)} a year`
      : `${formatMoney(b - a, to.currency)} more a year`
  return <span class="muted">{` (${words})`}</span>
}

/** The amount a price costs over a year, when its interval divides a year (days and weeks do not). */
export function perYear(price: CatalogPrice): number | undefined {
  const r = price.recurring
  if (!r || r.interval === 'day' || r.interval === 'week') return undefined
  const months = (r.interval === 'year' ? 12 : 1) * r.intervalCount
  return 12 % months === 0 ? price.unitAmount * (12 / months) : undefined
}

const VIA: Record<string, string> = {
  order: 'purchase',
  subscription: 'membership',
  trial: 'free trial',
  manual: 'granted by the store',
}

function AccessList({ entitlements }: { entitlements: AccountView['entitlements'] }) {
  const live = entitlements.filter((e) => e.allowed)
  if (live.length === 0) return null
  return (
    <>
      <h2>Your access</h2>
      <ul data-access-list>
        {live.map((e) => (
          <li data-feature={e.feature}>
            {`${e.name} — ${VIA[e.via ?? ''] ?? e.via}, ${e.until ? `until ${day(e.until)}` : 'forever'}`}
          </li>
        ))}
      </ul>
    </>
  )
}

/** `flow`: open the portal straight on one task (the card form) instead of its home page. */
function PortalButton({ label, flow }: { label: string; flow?: PortalFlow }) {
  return (
    <form method="post" action="/billing/portal" class="inline">
      {flow ? <input type="hidden" name="flow" value={flow} /> : null}
      <button type="submit" class="button secondary">
        {label}
      </button>
    </form>
  )
}

export function SubscribedPage(props: {
  sub?: SubscriptionRow & { planName: string }
  newAccount: boolean
  emailedSignInLink: boolean
}) {
  const { sub } = props
  return (
    <section class="card narrow" data-subscribed={sub?.status ?? 'unknown'}>
      <h1>{sub ? 'Welcome aboard' : 'Thank you'}</h1>
      {sub ? (
        <p>
          Your plan <strong>{sub.planName}</strong> is{' '}
          <strong data-subscription-status>{statusWords(sub.status)}</strong>
          {sub.status === 'trialing' ? ` (trial until ${day(sub.trial_end)})` : ''}.
        </p>
      ) : props.emailedSignInLink ? (
        <p data-emailed-sign-in>
          Your payment went through. This email already has an account: we sent it a link to sign in and see
          your plan.
        </p>
      ) : (
        <p>Your subscription is being set up. It will appear in your account shortly.</p>
      )}
      {props.newAccount ? (
        <p data-new-account>
          We made your account and signed you in. Check your email for a link to choose a password, so you can
          sign in again later.
        </p>
      ) : null}
      <p>
        <a class="button" href="/account">
          Your account
        </a>
      </p>
    </section>
  )
}
