import type { Context } from 'hono'
import type { AppEnv } from '../http/env.js'
import { Layout } from './layout.js'

type ErrorView = { code: string; message: string; requestId: string }

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
    <Layout title={title} testMode={deps?.config.testMode ?? false} customer={c.get('customer')}>
      <section class="card error" data-error-code={error.code}>
        <h1>{title}</h1>
        <p>{error.message}</p>
        {status === 401 ? (
          <p>
            <a class="button" href="/login">
              Sign in
            </a>
          </p>
        ) : (
          <p>
            <a href="/">Back to the store</a>
          </p>
        )}
        <p class="muted small">
          Error <code>{error.code}</code> · request <code>{error.requestId}</code>
        </p>
      </section>
    </Layout>
  )
}
