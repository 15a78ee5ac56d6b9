/**
 * `GET/POST /login`, `GET/POST /login/link`, `POST /logout`. Every attempt counts against its
 * client; wrong access tokens make that client wait longer for that account (back-off), and sign-in
 * mails are capped per client and address and per address, so nobody can mail-bomb an inbox or
 * lock its owner out. The CSRF origin check in app.ts covers every form post here.
 * @module
 */
import { Hono } from 'hono'
import * as z from 'zod'
import type { Deps } from '../../deps.js'
import { clientIp } from '../../http/client-ip.js'
import type { AppEnv } from '../../http/env.js'
import { enforceBackOff, enforceRateLimit, SIGN_IN_BACK_OFF } from '../../http/rate-limit.js'
import { safeNext } from '../../http/safe-redirect.js'
import { validate } from '../../http/validate.js'
import { AppError } from '../../lib/errors.js'
import { refusalPage } from '../../web/error-handler.js'
import { renderPage } from '../../web/layout.js'
import { verifyAccessToken } from './access-tokens.js'
import { findCustomerForEmail, normalizeEmail } from './customers.js'
import { signIn, signOut } from './sessions.js'
import { redeemSignInLink, sendSignInLink } from './sign-in-links.js'
import { ConfirmLinkPage, LinkSentPage, LoginPage } from './views.js'

export const LOGIN_LIMITS = {
  /** Sign-in attempts of any kind from one client. */
  perClient: { limit: 30, windowSeconds: 900 },
  /** Sign-in mails one client may ask for one address. */
  mailPerClientAndAddress: { limit: 3, windowSeconds: 900 },
  /** Sign-in mails to one address, whoever asks. */
  mailPerAddress: { limit: 10, windowSeconds: 3600 },
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
    const ip = clientIp(c)
    await enforceRateLimit(deps, `login:${ip}`, LOGIN_LIMITS.perClient)
    // The form says "leave empty for a link": an empty token asks for one, whichever button was pressed.
    if (form.intent === 'link' || form.token === '') {
      await limitSignInMail(deps, ip, email)
      const customer = await findCustomerForEmail(deps.db, email)
      if (customer) await deps.db.transaction().execute((trx) => sendSignInLink(deps, trx, customer))
      return renderPage(c, { title: 'Check your email' }, <LinkSentPage />)
    }
    const backOffKey = `login:${ip}:${email}`
    await enforceBackOff(deps, backOffKey)
    const customer = await findCustomerForEmail(deps.db, email)
    if (!(await verifyAccessToken(deps.db, customer?.id, form.token)) || !customer) {
      await deps.rateLimits.recordFailure(backOffKey, SIGN_IN_BACK_OFF)
      const refused = new AppError('INVALID_LOGIN')
      const page = <LoginPage email={email} next={safeNext(form.next)} error={refused.message} />
      return refusalPage(c, refused, 'Sign in', page)
    }
    await deps.db.transaction().execute((trx) => signIn(c, trx, customer.id, 'token'))
    await deps.rateLimits.forgetFailures(backOffKey, SIGN_IN_BACK_OFF)
    return c.redirect(safeNext(form.next) ?? '/library', 303)
  })
  .get('/login/link', (c) => {
    const token = c.req.query('token') ?? ''
    return renderPage(
      c,
      { title: 'Sign in' },
      <ConfirmLinkPage token={token} shop={c.get('deps').config.brand.name} />,
    )
  })
  .post('/login/link', validate('form', LinkForm), async (c) => {
    const deps = c.get('deps')
    const { token } = c.req.valid('form')
    await enforceRateLimit(deps, `login:${clientIp(c)}`, LOGIN_LIMITS.perClient)
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

async function limitSignInMail(deps: Deps, ip: string, email: string): Promise<void> {
  await enforceRateLimit(deps, `login-mail:${ip}:${email}`, LOGIN_LIMITS.mailPerClientAndAddress)
  await enforceRateLimit(deps, `login-mail:${email}`, LOGIN_LIMITS.mailPerAddress)
}
