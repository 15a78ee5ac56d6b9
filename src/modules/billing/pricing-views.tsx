/** The pricing page and its refusals (a known subscriber, a used trial). Server-rendered; no JavaScript needed. */
import { formatMoney } from '../../lib/money.js'
import type { BillingInterval } from '../../lib/stripe-currencies.js'
import type { Plan } from './plans.js'
import { intervalLabel } from './plans.js'

const TAB_NAMES: Record<BillingInterval, string> = {
  day: 'Daily',
  week: 'Weekly',
  month: 'Monthly',
  year: 'Yearly',
}

export function PricingPage(props: {
  interval: BillingInterval
  /** The intervals the catalog's plans bill by: a tab each when there is more than one. */
  intervals: BillingInterval[]
  plans: Plan[]
  signedIn: boolean
  /** Per yearly plan: what it saves a year against the monthly plan of its family. */
  savings?: Record<string, number>
}) {
  return (
    <section data-pricing={props.interval}>
      <h1>Plans</h1>
      {props.intervals.length > 1 ? (
        <nav class="tabs" aria-label="Billing interval">
          {props.intervals.map((interval, i) => (
            <>
              {i > 0 ? ' ' : null}
              <a
                href={`/pricing?interval=${interval}`}
                aria-current={props.interval === interval ? 'page' : undefined}
              >
                {TAB_NAMES[interval]}
              </a>
            </>
          ))}
        </nav>
      ) : null}
      <div class="grid">
        {props.plans.map((plan) => (
          <PlanCard plan={plan} signedIn={props.signedIn} saving={props.savings?.[plan.price.lookupKey]} />
        ))}
      </div>
      {props.plans.length === 0 ? <p class="muted">This store has no plans yet.</p> : null}
    </section>
  )
}

function PlanCard({
  plan,
  signedIn,
  saving,
}: {
  plan: Plan
  signedIn: boolean
  saving?: number | undefined
}) {
  const { product, price } = plan
  return (
    <article class="card product" data-plan={price.lookupKey}>
      <h2>{price.nickname ? `${product.name} · ${price.nickname}` : product.name}</h2>
      {product.description ? <p>{product.description}</p> : null}
      <p class="price">
        {formatMoney(price.unitAmount, price.currency)} {intervalLabel(price)}
      </p>
      {saving ? (
        <p data-yearly-saving>{`Save ${formatMoney(saving, price.currency)} a year against monthly`}</p>
      ) : null}
      {price.trialDays ? (
        <p class="muted small" data-trial>
          {`${price.trialDays}-day free trial${price.trialCard === 'optional' ? ', no card needed' : ''}`}
        </p>
      ) : null}
      <form method="post" action="/subscribe">
        <input type="hidden" name="price" value={price.lookupKey} />
        {signedIn ? null : <GuestEmail lookupKey={price.lookupKey} />}
        <button type="submit" class="button">
          Subscribe
        </button>
      </form>
    </article>
  )
}

/** A visitor pays first; the email is checked against known subscribers and fixed on Checkout. */
function GuestEmail({ lookupKey }: { lookupKey: string }) {
  const id = `email-${lookupKey}`
  return (
    <p>
      <label for={id}>Your email</label>
      <input id={id} type="email" name="email" required autocomplete="email" placeholder="you@example.com" />
      <span class="muted small">
        We make your account from your payment. Have one? <a href="/signin?next=%2Fpricing">Sign in</a>
      </span>
    </p>
  )
}

/** A guest typed an email that already holds a plan of the family: sign in instead of paying twice. */
export function KnownSubscriberPage({ message }: { message: string }) {
  const next = encodeURIComponent('/account')
  return (
    <section class="card narrow" data-known-subscriber>
      <h1>You already have this plan</h1>
      <p>{message}</p>
      <p>
        <a class="button" href={`/signin?next=${next}`}>
          Sign in
        </a>{' '}
        <a href={`/login?next=${next}`}>Sign in with an emailed link</a>
      </p>
    </section>
  )
}

/** A second free trial was asked for: say so, and offer the plan paid from today. */
export function TrialUsedPage(props: { message: string; price: string; email?: string | undefined }) {
  return (
    <section class="card narrow" data-trial-used>
      <h1>Your free trial was used</h1>
      <p>{props.message}</p>
      <form method="post" action="/subscribe">
        <input type="hidden" name="price" value={props.price} />
        {props.email ? <input type="hidden" name="email" value={props.email} /> : null}
        <input type="hidden" name="trial" value="skip" />
        <button type="submit" class="button">
          Subscribe without a trial
        </button>{' '}
        <a href="/pricing">Back to plans</a>
      </form>
    </section>
  )
}
