/**
 * `GET/POST /login`, `GET/POST /login/link`, `POST /logout`. Attempts are rate-limited per IP and
 * per email; the CSRF origin check in app.ts covers every form post here.
 * @module
 */
import { type Context, Hono } from 'hono'
import * as z from 'zod'
import type { Deps } from '../../deps.js'
import { clientIp } from '../../http/client-ip.js'
import type { AppEnv } from '../../http/env.js'
import { clearRateLimit, enforceRateLimit } from '../../http/rate-limit.js'
import { safeNext } from '../../http/safe-redirect.js'
import { validate } from '../../http/validate.js'
import { AppError } from '../../lib/errors.js'
import { renderPage } from '../../web/layout.js'
import { verifyAccessToken } from './access-tokens.js'
import { findCustomerForEmail, normalizeEmail } from './customers.js'
import { signIn, signOut } from './sessions.js'
import { redeemSignInLink, sendSignInLink } from './sign-in-links.js'
import { ConfirmLinkPage, LinkSentPage, LoginPage } from './views.js'

export const LOGIN_LIMITS = {
  perIp: { limit: 30, windowSeconds: 900 },
  perEmail: { limit: 8, windowSeconds: 900 },
}

const LoginForm = z.object({
  email: z.email().max(320),
  token: z.string().max(200).optional().default(''),
  intent: z.enum(['token', 'link']).default('token'),
  next: z.string().max(500).optional(),
})

const LinkForm = z.object({ token: z.string().min(16).max(200) })

export const customerRoutes = new Hono<AppEnv>()
  .get('/login', (c) => {
    const next = safeNext(c.req.query('next'))
    if (c.get('customer')) return c.redirect(next ?? '/library', 303)
    return renderPage(c, { title: 'Sign in' }, <LoginPage next={next} />)
  })
  .post('/login', validate('form', LoginForm), async (c) => {
    const deps = c.get('deps')
    const form = c.req.valid('form')
    const email = normalizeEmail(form.email)
    await limitLogin(c, deps, email)
    const customer = await findCustomerForEmail(deps.db, email)
    if (form.intent === 'link') {
      if (customer) await deps.db.transaction().execute((trx) => sendSignInLink(deps, trx, customer))
      return renderPage(c, { title: 'Check your email' }, <LinkSentPage />)
    }
    if (!(await verifyAccessToken(deps.db, customer?.id, form.token)) || !customer) {
      const error = new AppError('INVALID_LOGIN').message
      const page = <LoginPage email={email} next={safeNext(form.next)} error={error} />
      return renderPage(c, { title: 'Sign in', status: 401 }, page)
    }
    await deps.db.transaction().execute((trx) => signIn(c, trx, customer.id, 'token'))
    await clearRateLimit(deps.db, `login:email:${email}`)
    return c.redirect(safeNext(form.next) ?? '/library', 303)
  })
  .get('/login/link', (c) => {
    const token = c.req.query('token') ?? ''
    return renderPage(c, { title: 'Sign in' }, <ConfirmLinkPage token={token} />)
  })
  .post('/login/link', validate('form', LinkForm), async (c) => {
    const deps = c.get('deps')
    const { token } = c.req.valid('form')
    const signedIn = await deps.db.transaction().execute(async (trx) => {
      const customerId = await redeemSignInLink(trx, token, deps.clock.now())
      if (customerId) await signIn(c, trx, customerId, 'link')
      return customerId !== undefined
    })
    if (!signedIn) throw new AppError('SIGN_IN_LINK_INVALID')
    return c.redirect('/library', 303)
  })
  .post('/logout', async (c) => {
    await signOut(c)
    return c.redirect('/', 303)
  })

async function limitLogin(c: Context<AppEnv>, deps: Deps, email: string): Promise<void> {
  await enforceRateLimit(deps.db, deps.clock, `login:ip:${clientIp(c)}`, LOGIN_LIMITS.perIp)
  await enforceRateLimit(deps.db, deps.clock, `login:email:${email}`, LOGIN_LIMITS.perEmail)
}
