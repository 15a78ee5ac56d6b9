/**
 * The hosted Checkout page's markup: a plain form (works without JavaScript) with the fixed field
 * names `email`, `cardNumber`, `cardExpiry`, `cardCvc`, `cardName`, `promotionCode` and one submit
 * button, under a "Test mode — local Stripe emulator" banner.
 * @module
 */
import type { JSX } from 'hono/jsx/jsx-runtime'
import type Stripe from 'stripe'
import { formatMoney, intervalLabel, Layout } from './layout.js'

export type FormValues = Partial<
  Record<
    | 'email'
    | 'cardNumber'
    | 'cardExpiry'
    | 'cardCvc'
    | 'cardName'
    | 'promotionCode'
    | 'paymentMethodType'
    | 'iban'
    | 'ibanName'
    | 'addressLine1'
    | 'addressCity'
    | 'addressPostalCode'
    | 'addressCountry',
    string
  >
>

export type CheckoutView = {
  session: Stripe.Checkout.Session
  items: Stripe.LineItem[]
  trialNote: string | null
  /** Text of the applied promotion code, if any. */
  appliedCode: string | null
  lockedEmail: string | null
  cardRequired: boolean
  /** Show the card / SEPA Direct Debit choice (`paymentMethodType`, `iban`, `ibanName`). */
  offersSepa: boolean
  /** The store's name (`branding_settings[display_name]`, else the account's), logo and pay-button colour. */
  storeName: string
  logoUrl: string | null
  buttonColor: string | null
  /** `billing_address_collection: required`: the page asks for the billing address. */
  collectsAddress: boolean
  error?: string | undefined
  notice?: string | undefined
  values?: FormValues | undefined
}

function StoreName(props: { view: CheckoutView }): JSX.Element {
  const { logoUrl, storeName } = props.view
  return (
    <>
      {logoUrl ? <img class="logo" data-store-logo src={logoUrl} alt="" height={32} /> : null}
      <h1 data-store-name>{storeName}</h1>
    </>
  )
}

/** Setup mode moves no money: the page only says whose card is being saved. */
function SetupSummary(props: { view: CheckoutView }): JSX.Element {
  const { session } = props.view
  return (
    <section class="summary">
      {session.cancel_url ? (
        <a class="back" href={session.cancel_url}>
          ← Back
        </a>
      ) : null}
      <StoreName view={props.view} />
      <p class="muted" data-setup>
        Save a card for future payments. You will not be charged now.
      </p>
    </section>
  )
}

function Summary(props: { view: CheckoutView }): JSX.Element {
  if (props.view.session.mode === 'setup') return <SetupSummary view={props.view} />
  const { session, items, trialNote, appliedCode } = props.view
  const currency = session.currency ?? 'usd'
  const discount = session.total_details?.amount_discount ?? 0
  return (
    <section class="summary">
      {session.cancel_url ? (
        <a class="back" href={session.cancel_url}>
          ← Back
        </a>
      ) : null}
      <StoreName view={props.view} />
      <p class="muted">{session.mode === 'subscription' ? 'Subscribe' : 'Pay'}</p>
      <div class="total" data-amount-total={String(session.amount_total ?? 0)}>
        {formatMoney(session.amount_total ?? 0, currency)}
        {session.mode === 'subscription' && !trialNote ? <span class="muted"> due today</span> : null}
      </div>
      {trialNote ? (
        <p class="trial" data-trial>
          {trialNote}
        </p>
      ) : null}
      <table>
        <tbody>
          {items.map((li) => (
            <tr data-line-item={li.id}>
              <td>
                {li.description ?? 'Item'}
                <div class="muted">
                  Qty {li.quantity}
                  {(li.quantity ?? 1) > 1 && li.price?.unit_amount != null
                    ? ` × ${formatMoney(li.price.unit_amount, li.currency)}`
                    : ''}
                </div>
              </td>
              <td class="amt">
                {formatMoney(li.amount_subtotal, li.currency)}
                {intervalLabel(li.price?.recurring ?? null)}
              </td>
            </tr>
          ))}
          {discount > 0 ? (
            <tr data-discount>
              <td>Discount{appliedCode ? ` (${appliedCode})` : ''}</td>
              <td class="amt">−{formatMoney(discount, currency)}</td>
            </tr>
          ) : null}
          <tr>
            <td>
              <strong>Total due today</strong>
            </td>
            <td class="amt">
              <strong>{formatMoney(session.amount_total ?? 0, currency)}</strong>
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  )
}

function submitLabel(view: CheckoutView): string {
  const { session } = view
  if (session.mode === 'subscription') return view.trialNote ? 'Start trial' : 'Subscribe'
  if (session.mode === 'setup') return 'Save card'
  return `Pay ${formatMoney(session.amount_total ?? 0, session.currency ?? 'usd')}`
}

export function CheckoutPage(props: { view: CheckoutView }): JSX.Element {
  const view = props.view
  const v = view.values ?? {}
  const allowCodes = view.session.allow_promotion_codes === true
  return (
    <Layout title="Checkout (test mode)">
      <main>
        <Summary view={view} />
        {/* novalidate: the same button also applies a promotion code with the card fields empty;
            the server checks every field and answers with a message. */}
        <form method="post" action={`/c/pay/${view.session.id}`} novalidate>
          <h1>{view.offersSepa ? 'Payment method' : 'Pay with card'}</h1>
          {view.error ? (
            <p class="error" role="alert" data-error>
              {view.error}
            </p>
          ) : null}
          {view.notice ? (
            <p class="notice" role="status">
              {view.notice}
            </p>
          ) : null}
          <label for="email">Email</label>
          {view.lockedEmail ? (
            <input id="email" name="email" type="email" value={view.lockedEmail} readonly />
          ) : (
            <input id="email" name="email" type="email" autocomplete="email" required value={v.email ?? ''} />
          )}
          {view.collectsAddress ? <AddressFields values={v} /> : null}
          {view.offersSepa ? <MethodChoice sepa={v.paymentMethodType === 'sepa_debit'} /> : null}
          <div class="card-fields">
            <label for="cardNumber">Card number</label>
            <input
              id="cardNumber"
              name="cardNumber"
              inputmode="numeric"
              autocomplete="cc-number"
              placeholder="4242 4242 4242 4242"
              required={view.cardRequired}
              value={v.cardNumber ?? ''}
            />
            <div class="row">
              <div>
                <label for="cardExpiry">Expiry (MM / YY)</label>
                <input
                  id="cardExpiry"
                  name="cardExpiry"
                  autocomplete="cc-exp"
                  placeholder="MM / YY"
                  required={view.cardRequired}
                  value={v.cardExpiry ?? ''}
                />
              </div>
              <div>
                <label for="cardCvc">CVC</label>
                <input
                  id="cardCvc"
                  name="cardCvc"
                  inputmode="numeric"
                  autocomplete="cc-csc"
                  placeholder="123"
                  required={view.cardRequired}
                  value={v.cardCvc ?? ''}
                />
              </div>
            </div>
            <label for="cardName">Name on card</label>
            <input
              id="cardName"
              name="cardName"
              autocomplete="cc-name"
              required={view.cardRequired}
              value={v.cardName ?? ''}
            />
          </div>
          {view.offersSepa ? <SepaFields values={v} /> : null}
          {allowCodes ? (
            <>
              <label for="promotionCode">Promotion code</label>
              <input
                id="promotionCode"
                name="promotionCode"
                value={v.promotionCode ?? view.appliedCode ?? ''}
              />
              <p class="muted">Submit with the card fields empty to apply a code first.</p>
            </>
          ) : null}
          <button type="submit" style={view.buttonColor ? `background:${view.buttonColor}` : undefined}>
            {submitLabel(view)}
          </button>
          <p class="muted">
            Test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined; 4000 0025 0000 3155
            asks for 3D Secure.
            {view.offersSepa
              ? ' SEPA: AT61 1904 3002 3457 3201 succeeds after processing; AT86 1904 3002 3547 3202 fails.'
              : ''}
          </p>
        </form>
      </main>
    </Layout>
  )
}

function AddressFields(props: { values: FormValues }): JSX.Element {
  const v = props.values
  return (
    <fieldset data-billing-address>
      <legend class="muted">Billing address</legend>
      <label for="addressLine1">Address</label>
      <input
        id="addressLine1"
        name="addressLine1"
        autocomplete="address-line1"
        required
        value={v.addressLine1 ?? ''}
      />
      <label for="addressCity">City</label>
      <input
        id="addressCity"
        name="addressCity"
        autocomplete="address-level2"
        required
        value={v.addressCity ?? ''}
      />
      <label for="addressPostalCode">Postal code</label>
      <input
        id="addressPostalCode"
        name="addressPostalCode"
        autocomplete="postal-code"
        required
        value={v.addressPostalCode ?? ''}
      />
      <label for="addressCountry">Country (two letters)</label>
      <input
        id="addressCountry"
        name="addressCountry"
        autocomplete="country"
        required
        value={v.addressCountry ?? ''}
      />
    </fieldset>
  )
}

function MethodChoice(props: { sepa: boolean }): JSX.Element {
  return (
    <fieldset>
      <legend class="muted">Pay with</legend>
      <label>
        <input type="radio" id="methodCard" name="paymentMethodType" value="card" checked={!props.sepa} />
        Card
      </label>
      <label>
        <input
          type="radio"
          id="methodSepa"
          name="paymentMethodType"
          value="sepa_debit"
          checked={props.sepa}
        />
        SEPA Direct Debit
      </label>
    </fieldset>
  )
}

function SepaFields(props: { values: FormValues }): JSX.Element {
  return (
    <div class="sepa-fields">
      <label for="iban">IBAN</label>
      <input
        id="iban"
        name="iban"
        placeholder="DE00 0000 0000 0000 0000 00"
        value={props.values.iban ?? ''}
      />
      <label for="ibanName">Account holder name</label>
      <input id="ibanName" name="ibanName" autocomplete="name" value={props.values.ibanName ?? ''} />
      <p class="muted">
        By paying, you authorise this merchant and Stripe to debit your account. The payment is confirmed once
        your bank accepts it, which can take a few days.
      </p>
    </div>
  )
}
