/** Sign-in pages: email + access token, or "email me a sign-in link". */

/** Keeps the page the visitor was sent from when they switch to password sign-in or registration. */
function withNext(path: string, next: string | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path
}

/**
 * The one sign-in page every gated page sends a visitor to: a password, an emailed link, or the
 * access token from a purchase receipt, whichever they have.
 */
export function LoginPage({ email, next, error }: { email?: string; next?: string; error?: string }) {
  return (
    <section class="card narrow" data-login>
      <h1>Sign in</h1>
      <p class="muted">With your password, a link we email you, or the access token from your receipt.</p>
      {error ? (
        <p class="notice danger" role="alert" data-login-error>
          {error}
        </p>
      ) : null}
      <h2>With your password</h2>
      <form method="post" action="/signin" data-login-password>
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <label for="password-email">Email</label>
        <input
          id="password-email"
          type="email"
          name="email"
          value={email ?? ''}
          required
          autocomplete="email"
        />
        <label for="password-password">Password</label>
        <input
          id="password-password"
          type="password"
          name="password"
          required
          autocomplete="current-password"
        />
        <p />
        <button type="submit" class="button">
          Sign in with password
        </button>{' '}
        <a class="small" href="/password/forgot">
          Forgot your password?
        </a>
      </form>
      <h2>With an emailed link or your access token</h2>
      <form method="post" action="/login">
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <label for="login-email">Email</label>
        <input id="login-email" type="email" name="email" value={email ?? ''} required autocomplete="email" />
        <label for="login-token">Access token (from your receipt; leave empty for a link)</label>
        <input id="login-token" type="password" name="token" autocomplete="off" />
        <p />
        <button type="submit" class="button secondary" name="intent" value="link" formnovalidate>
          Email me a sign-in link
        </button>{' '}
        <button type="submit" class="button secondary" name="intent" value="token">
          Sign in with token
        </button>
      </form>
      <p class="small">
        No account yet? <a href={withNext('/register', next)}>Create one</a>, or buy or subscribe and we make
        it for you. <a href={withNext('/signin', next)}>Password sign-in only</a>
      </p>
    </section>
  )
}

export function LinkSentPage() {
  return (
    <section class="card narrow" data-link-sent>
      <h1>Check your email</h1>
      <p>If we know that address, a sign-in link is on its way. It works once, for 15 minutes.</p>
    </section>
  )
}

/** GET /login/link shows a button instead of signing in, so mail scanners that follow links use nothing up. */
export function ConfirmLinkPage({ token, shop }: { token: string; shop: string }) {
  return (
    <section class="card narrow">
      <h1>Sign in to {shop}</h1>
      <form method="post" action="/login/link">
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="button">
          Continue
        </button>
      </form>
    </section>
  )
}
