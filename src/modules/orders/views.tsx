/** The pages a buyer sees on returning from Checkout: thanks (with the access token once), processing, not paid, failed. */

export function TokenReveal({ token }: { token: string }) {
  return (
    <div data-access-token-box>
      <p>
        <strong>Your access token</strong> — shown only this once (it is also in your confirmation email). Use
        it with your email to sign in on any device.
      </p>
      <div class="token">
        <code id="access-token" data-access-token>
          {token}
        </code>
        <button type="button" class="button secondary" id="copy-token" data-copy="access-token">
          Copy
        </button>
      </div>
    </div>
  )
}

export function SuccessPage({
  productName,
  token,
  signedIn,
}: {
  productName: string
  token?: string
  signedIn: boolean
}) {
  return (
    <section class="card" data-checkout="paid">
      <h1>Thank you!</h1>
      <p>
        Your payment for <strong>{productName}</strong> went through.
      </p>
      {token ? <TokenReveal token={token} /> : <AlreadyShown signedIn={signedIn} />}
      <p>
        <a class="button" href="/library">
          Go to your library
        </a>
      </p>
    </section>
  )
}

function AlreadyShown({ signedIn }: { signedIn: boolean }) {
  return (
    <p class="notice" data-token-already-shown>
      {signedIn
        ? 'Your access token was shown when you first opened this page; it is also in your confirmation email.'
        : 'This confirmation was already opened. Sign in with your email and the access token from your confirmation email.'}
    </p>
  )
}

export function ProcessingPage() {
  return (
    <section class="card" data-checkout="processing">
      <h1>Payment processing</h1>
      <p>
        Your bank has not confirmed the payment yet. Bank debits can take a few days; this page refreshes by
        itself, and we will email you your access as soon as the payment clears. You can close it.
      </p>
      <div data-refresh-after="3" hidden />
    </section>
  )
}

export function NotPaidPage({ checkoutUrl }: { checkoutUrl: string | null }) {
  return (
    <section class="card" data-checkout="unpaid">
      <h1>Payment not completed</h1>
      <p>We have not received a payment for this checkout.</p>
      <p>
        {checkoutUrl ? (
          <a class="button" href={checkoutUrl}>
            Return to checkout
          </a>
        ) : (
          <a class="button" href="/">
            Back to the store
          </a>
        )}
      </p>
    </section>
  )
}

export function PaymentFailedPage() {
  return (
    <section class="card" data-checkout="failed">
      <h1>Payment failed</h1>
      <p>Your bank did not accept the debit, so the purchase is not complete and nothing was charged.</p>
      <p>
        <a class="button" href="/">
          Try again with another payment method
        </a>
      </p>
    </section>
  )
}
