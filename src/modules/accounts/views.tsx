/** Account pages: register, password sign-in, forgot/reset password, confirm. Plain forms. */

function ErrorNotice({ error }: { error?: string | undefined }) {
  return error ? (
    <p class="notice danger" role="alert" data-form-error>
      {error}
    </p>
  ) : null
}

function NextField({ next }: { next?: string | undefined }) {
  return next ? <input type="hidden" name="next" value={next} /> : null
}

export function RegisterPage(props: { email?: string; next?: string | undefined; error?: string }) {
  return (
    <section class="card narrow">
      <h1>Create your account</h1>
      <ErrorNotice error={props.error} />
      <form method="post" action="/register">
        <NextField next={props.next} />
        <label for="register-email">Email</label>
        <input
          id="register-email"
          type="email"
          name="email"
          value={props.email ?? ''}
          required
          autocomplete="email"
        />
        <label for="register-password">Password (at least 10 characters)</label>
        <input
          id="register-password"
          type="password"
          name="password"
          minlength={10}
          required
          autocomplete="new-password"
        />
        <p />
        <button type="submit" class="button">
          Create account
        </button>
      </form>
      <p class="muted small">
        Bought something before? Use the same email: we will send a link to claim your purchases.
      </p>
      <p>
        <a href="/signin">Already have an account? Sign in</a>
      </p>
    </section>
  )
}

export function SignInPage(props: { email?: string; next?: string | undefined; error?: string }) {
  return (
    <section class="card narrow">
      <h1>Sign in</h1>
      <ErrorNotice error={props.error} />
      <form method="post" action="/signin">
        <NextField next={props.next} />
        <label for="signin-email">Email</label>
        <input
          id="signin-email"
          type="email"
          name="email"
          value={props.email ?? ''}
          required
          autocomplete="email"
        />
        <label for="signin-password">Password</label>
        <input
          id="signin-password"
          type="password"
          name="password"
          required
          autocomplete="current-password"
        />
        <p />
        <button type="submit" class="button">
          Sign in
        </button>
      </form>
      <form method="post" action="/login">
        <input type="hidden" name="intent" value="link" />
        <label for="signin-link-email">Or get a sign-in link by email</label>
        <input id="signin-link-email" type="email" name="email" required autocomplete="email" />
        <button type="submit" class="button secondary">
          Email me a sign-in link
        </button>
      </form>
      <p>
        <a href="/password/forgot">Forgot your password?</a> · <a href="/register">Create an account</a> ·{' '}
        <a href="/login">Sign in with an access token</a>
      </p>
    </section>
  )
}

export function CheckEmailPage({ message }: { message: string }) {
  return (
    <section class="card narrow" data-check-email>
      <h1>Check your email</h1>
      <p>{message}</p>
    </section>
  )
}

export function ForgotPage() {
  return (
    <section class="card narrow">
      <h1>Forgot your password?</h1>
      <form method="post" action="/password/forgot">
        <label for="forgot-email">Email</label>
        <input id="forgot-email" type="email" name="email" required autocomplete="email" />
        <p />
        <button type="submit" class="button">
          Email me a reset link
        </button>
      </form>
    </section>
  )
}

/** The link's GET shows a form; only the POST uses the link up (mail scanners follow links). */
export function TokenFormPage(props: {
  action: string
  token: string
  title: string
  askPassword: boolean
  error?: string
}) {
  return (
    <section class="card narrow">
      <h1>{props.title}</h1>
      <ErrorNotice error={props.error} />
      <form method="post" action={props.action}>
        <input type="hidden" name="token" value={props.token} />
        {props.askPassword ? (
          <>
            <label for="new-password">New password (at least 10 characters)</label>
            <input
              id="new-password"
              type="password"
              name="password"
              minlength={10}
              required
              autocomplete="new-password"
            />
          </>
        ) : null}
        <p />
        <button type="submit" class="button">
          Continue
        </button>
      </form>
    </section>
  )
}
