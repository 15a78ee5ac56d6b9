import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { Layout } from './layout.js'

type ErrorView = { code: string; message: string; requestId: string; details?: unknown }

/** Form fields as a buyer reads them, for "Please check …" under a refused form. */
const FIELD_WORDS: Record<string, string> = {
  email: 'the email address',
  password: 'the password',
  price: 'the plan or product',
  quantity: 'the quantity',
  subscription: 'the membership',
  token: 'the access token',
}

/** The fields a validation refusal names (`z.flattenError`'s fieldErrors), in words. */
function fieldsToCheck(error: ErrorView): string | undefined {
  if (error.code !== 'INVALID_REQUEST') return undefined
  const fields = Object.keys((error.details as { fieldErrors?: object } | undefined)?.fieldErrors ?? {})
  if (fields.length === 0) return undefined
  return `Please check ${fields.map((f) => FIELD_WORDS[f] ?? f).join(', ')} and try again.`
}

const TITLES: Record<number, string> = {
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Not found',
  429: 'Slow down',
}

/** The HTML face of the error envelope; carries the same code, message and request id. */
export function ErrorPage({ c, status, error }: { c: Context<AppEnv>; status: number; error: ErrorView }) {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request refused')
  const deps = c.get('deps')
  return (
    <Layout
      title={title}
      testMode={deps?.config.testMode ?? false}
      customer={c.get('customer')}
      membersLink={(deps?.catalog.pages.length ?? 0) > 0}
      {...(deps ? { brand: deps.config.brand } : {})}
    >
      <section class="card error" data-error-code={error.code}>
        <h1>{title}</h1>
        <p>{error.message}</p>
        {fieldsToCheck(error) ? <p data-check-fields>{fieldsToCheck(error)}</p> : null}
        {status === 401 ? (
          <p>
            <a class="button" href={`/login?next=${encodeURIComponent(c.req.path)}`}>
              Sign in
            </a>
          </p>
        ) : (
          <p>
            <a href="/">Back to the store</a>
            {c.get('customer') ? (
              <>
                {' · '}
                <a href="/account">Your account</a>
              </>
            ) : null}
          </p>
        )}
        <p class="muted small">{`If you write to us about this, mention the reference ${error.requestId}.`}</p>
      </section>
    </Layout>
  )
}
