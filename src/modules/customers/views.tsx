/** Sign-in pages: email + access token, or "email me a sign-in link". */

/** Keeps the page the visitor was sent from when they switch to password sign-in or registration. */
function withNext(path: string, next: string | undefined): string {
  return next ? `${path}?next=${encodeURIComponent(next)}` : path
}

export function LoginPage({ email, next, error }: { email?: string; next?: string; error?: string }) {
  return (
    <section class="card narrow">
      <h1>Sign in</h1>
      <p class="muted">Use the email you bought with and the access token from your receipt.</p>
      <p class="small">
        Have a password? <a href={withNext('/signin', next)}>Sign in with your password</a> ·{' '}
        <a href={withNext('/register', next)}>Create an account</a>
      </p>
      {error ? (
        <p class="notice danger" role="alert" data-login-error>
          {error}
        </p>
      ) : null}
      <form method="post" action="/login">
        {next ? <input type="hidden" name="next" value={next} /> : null}
        <label for="login-email">Email</label>
        <input id="login-email" type="email" name="email" value={email ?? ''} required autocomplete="email" />
        <label for="login-token">Access token</label>
        <input id="login-token" type="password" name="token" autocomplete="current-password" />
        <p />
        <button type="submit" class="button" name="intent" value="token">
          Sign in
        </button>{' '}
        <button type="submit" class="button secondary" name="intent" value="link" formnovalidate>
          Email me a sign-in link
        </button>
      </form>
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
export function ConfirmLinkPage({ token }: { token: string }) {
  return (
    <section class="card narrow">
      <h1>Sign in to Tollgate</h1>
      <form method="post" action="/login/link">
        <input type="hidden" name="token" value={token} />
        <button type="submit" class="button">
          Continue
        </button>
      </form>
    </section>
  )
}
