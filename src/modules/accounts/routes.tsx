/**
 * Accounts: `GET/POST /register`, `GET/POST /signin` (email + password), `GET/POST
 * /account/confirm`, `GET/POST /password/forgot`, `GET/POST /password/reset`. Registration always
 * answers "check your email": the password takes effect only once the email is proven, so nobody
 * can squat an address (or a guest buyer's purchases), and the answer does not reveal whether an
 * address is known. Every secret-checking or mail-sending route counts against its client, keyed
 * with its target (address or link): wrong passwords make that client wait longer for that account
 * (back-off, never a lock on the account), and mails are also capped per address. The CSRF origin
 * check in app.ts covers every form post.
 * @module
 */
import { type Context, Hono } from 'hono'
import * as z from 'zod'
import { clientIp } from '../../http/client-ip.js'
import type { AppEnv } from '../../http/env.js'
import { enforceBackOff, enforceRateLimit, SIGN_IN_BACK_OFF } from '../../http/rate-limit.js'
import { safeNext } from '../../http/safe-redirect.js'
import { validate } from '../../http/validate.js'
import { AppError, isAppError } from '../../lib/errors.js'
import { refusalPage } from '../../web/error-handler.js'
import { renderPage } from '../../web/layout.js'
import {
  findCustomerForEmail,
  findOrCreateCustomerByEmail,
  findPasswordHash,
  normalizeEmail,
  setPasswordHash,
  signIn,
  signOutEverywhere,
} from '../customers/index.js'
import { isPasswordLinkLive, redeemPasswordLink, sendPasswordLink } from './password-links.js'
import { hashPassword, PASSWORD_MAX_LENGTH, verifyPassword } from './passwords.js'
import { CheckEmailPage, ForgotPage, RegisterPage, SignInPage, TokenFormPage } from './views.js'

export const ACCOUNT_LIMITS = {
  /** Attempts of one kind (register, signin, forgot, confirm, reset) from one client. */
  perClient: { limit: 30, windowSeconds: 900 },
  /** Mails (confirm, reset) one client may ask for one address. */
  mailPerClientAndAddress: { limit: 3, windowSeconds: 900 },
  /** Mails to one address, whoever asks. */
  mailPerAddress: { limit: 10, windowSeconds: 3600 },
}

const email = z.email().max(320)
const password = z.string().max(PASSWORD_MAX_LENGTH)
const next = z.string().max(500).optional()
const CredentialsForm = z.object({ email, password, next })
const EmailForm = z.object({ email })
const TokenForm = z.object({ token: z.string().min(16).max(200), password: password.optional() })

/** Counts one `action` attempt against the client; returns the client's address for further keys. */
async function limitClient(c: Context<AppEnv>, action: string): Promise<string> {
  const ip = clientIp(c)
  await enforceRateLimit(c.get('deps'), `${action}:${ip}`, ACCOUNT_LIMITS.perClient)
  return ip
}

/** Caps the mails one client can make us send to `address`, and those anyone can. */
async function limitMail(c: Context<AppEnv>, action: string, address: string): Promise<void> {
  const deps = c.get('deps')
  const ip = await limitClient(c, action)
  await enforceRateLimit(deps, `${action}-mail:${ip}:${address}`, ACCOUNT_LIMITS.mailPerClientAndAddress)
  await enforceRateLimit(deps, `account-mail:${address}`, ACCOUNT_LIMITS.mailPerAddress)
}

export const accountRoutes = new Hono<AppEnv>()
  .get('/register', (c) =>
    renderPage(c, { title: 'Create account' }, <RegisterPage next={safeNext(c.req.query('next'))} />),
  )
  .post('/register', validate('form', CredentialsForm), async (c) => {
    const deps = c.get('deps')
    const form = c.req.valid('form')
    const address = normalizeEmail(form.email)
    await limitMail(c, 'register', address)
    let pendingPasswordHash: string
    try {
      pendingPasswordHash = await hashPassword(form.password)
    } catch (err) {
      if (!isAppError(err, 'INVALID_REQUEST')) throw err
      return refusalPage(c, err, 'Create account', <RegisterPage email={address} error={err.message} />)
    }
    await deps.db.transaction().execute(async (trx) => {
      const customer = await findOrCreateCustomerByEmail(trx, address, deps.clock.now())
      const taken = (await findPasswordHash(trx, customer.id)) !== null
      if (taken) await sendPasswordLink(deps, trx, { customer, kind: 'exists' })
      else await sendPasswordLink(deps, trx, { customer, kind: 'confirm', pendingPasswordHash })
    })
    const message = `We sent a link to ${address}. Open it to finish: it works once, for 30 minutes.`
    return renderPage(c, { title: 'Check your email' }, <CheckEmailPage message={message} />)
  })
  .get('/account/confirm', (c) =>
    renderPage(
      c,
      { title: 'Confirm account' },
      <TokenFormPage
        action="/account/confirm"
        token={c.req.query('token') ?? ''}
        title="Confirm your account"
        askPassword={false}
      />,
    ),
  )
  .post('/account/confirm', validate('form', TokenForm), async (c) => {
    const deps = c.get('deps')
    const { token } = c.req.valid('form')
    await limitClient(c, 'confirm')
    const ok = await deps.db.transaction().execute(async (trx) => {
      const link = await redeemPasswordLink(trx, token, deps.clock.now())
      if (link?.purpose !== 'claim') return false
      if (link.pending_password_hash) await setPasswordHash(trx, link.customer_id, link.pending_password_hash)
      await signIn(c, trx, link.customer_id, 'link')
      return true
    })
    if (!ok) throw new AppError('PASSWORD_LINK_INVALID')
    return c.redirect('/account', 303)
  })
  .get('/signin', (c) => {
    const target = safeNext(c.req.query('next'))
    if (c.get('customer')) return c.redirect(target ?? '/account', 303)
    return renderPage(c, { title: 'Sign in' }, <SignInPage next={target} />)
  })
  .post('/signin', validate('form', CredentialsForm), async (c) => {
    const deps = c.get('deps')
    const form = c.req.valid('form')
    const address = normalizeEmail(form.email)
    const backOffKey = `signin:${await limitClient(c, 'signin')}:${address}`
    await enforceBackOff(deps, backOffKey)
    const customer = await findCustomerForEmail(deps.db, address)
    const stored = customer ? await findPasswordHash(deps.db, customer.id) : null
    // Same argon2 work whether or not the address is known or has a password.
    if (!(await verifyPassword(stored, form.password)) || !customer) {
      await deps.rateLimits.recordFailure(backOffKey, SIGN_IN_BACK_OFF)
      const refused = new AppError('INVALID_CREDENTIALS')
      const page = <SignInPage email={address} next={safeNext(form.next)} error={refused.message} />
      return refusalPage(c, refused, 'Sign in', page)
    }
    await deps.db.transaction().execute((trx) => signIn(c, trx, customer.id, 'password'))
    await deps.rateLimits.forgetFailures(backOffKey, SIGN_IN_BACK_OFF)
    return c.redirect(safeNext(form.next) ?? '/account', 303)
  })
  .get('/password/forgot', (c) => renderPage(c, { title: 'Forgot password' }, <ForgotPage />))
  .post('/password/forgot', validate('form', EmailForm), async (c) => {
    const deps = c.get('deps')
    const address = normalizeEmail(c.req.valid('form').email)
    await limitMail(c, 'forgot', address)
    const customer = await findCustomerForEmail(deps.db, address)
    if (customer)
      await deps.db.transaction().execute((trx) => sendPasswordLink(deps, trx, { customer, kind: 'reset' }))
    const message =
      'If we know that address, a link to choose a new password is on its way. It works once, for 30 minutes.'
    return renderPage(c, { title: 'Check your email' }, <CheckEmailPage message={message} />)
  })
  .get('/password/reset', async (c) => {
    const deps = c.get('deps')
    const token = c.req.query('token') ?? ''
    await limitClient(c, 'reset')
    const live = token.length >= 16 && (await isPasswordLinkLive(deps.db, token, deps.clock.now()))
    if (!live) throw new AppError('PASSWORD_LINK_INVALID')
    return renderPage(
      c,
      { title: 'New password' },
      <TokenFormPage action="/password/reset" token={token} title="Choose a new password" askPassword />,
    )
  })
  .post('/password/reset', validate('form', TokenForm), async (c) => {
    const deps = c.get('deps')
    const form = c.req.valid('form')
    await limitClient(c, 'reset')
    const newHash = await hashPassword(form.password ?? '')
    const ok = await deps.db.transaction().execute(async (trx) => {
      const link = await redeemPasswordLink(trx, form.token, deps.clock.now())
      if (link?.purpose !== 'reset') return false
      await setPasswordHash(trx, link.customer_id, newHash)
      await signOutEverywhere(trx, link.customer_id)
      await signIn(c, trx, link.customer_id, 'link')
      return true
    })
    if (!ok) throw new AppError('PASSWORD_LINK_INVALID')
    return c.redirect('/account', 303)
  })
