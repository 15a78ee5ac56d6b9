/** Checkout pages: canceled, already owned. */

export function CancelPage() {
  return (
    <section class="card" data-checkout="canceled">
      <h1>Checkout canceled</h1>
      <p>No payment was taken and nothing was bought. You can come back and buy whenever you are ready.</p>
      <p>
        <a class="button" href="/">
          Back to the store
        </a>
      </p>
    </section>
  )
}

export function AlreadyOwnedPage() {
  return (
    <section class="card" data-checkout="already-owned">
      <h1>You already own this</h1>
      <p>It is in your library, no need to buy it again.</p>
      <p>
        <a class="button" href="/library">
          Open your library
        </a>{' '}
        <a href="/login">Sign in</a>
      </p>
    </section>
  )
}
