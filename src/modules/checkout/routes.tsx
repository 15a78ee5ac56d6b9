/**
 * `POST /checkout` (form), `POST /api/checkout-sessions` (JSON, CORS for CORS_ORIGINS),
 * `GET /tollgate.js`, `GET /checkout/cancel` (the return from a paid Checkout is the orders module's).
 * A recurring price on the buy button starts a subscription: that flow belongs to the subscriptions
 * module above this one, so the composition root passes it in (`createCheckoutRoutes`).
 * @module
 */
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import * as z from 'zod'
import type { Deps } from '../../deps.js'
import type { AppEnv } from '../../http/env.js'
import { validate } from '../../http/validate.js'
import { AppError, isAppError } from '../../lib/errors.js'
import { refusalPage } from '../../web/error-handler.js'
import { renderPage } from '../../web/layout.js'
import { findPrice } from '../catalog/index.js'
import { BUY_BUTTON_SCRIPT } from './buy-button.js'
import { startOneTimeCheckout } from './service.js'
import { AlreadyOwnedPage, CancelPage } from './views.js'

const emptyToUndefined = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? undefined : v)

const CheckoutForm = z.object({
  price: z.string().min(1).max(200),
  email: z.preprocess(emptyToUndefined, z.email().max(320).optional()),
  quantity: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).optional()),
})

const CheckoutJSON = z.object({
  price: z.string().min(1).max(200),
  quantity: z.number().int().min(1).max(100).optional(),
  email: z.email().max(320).optional(),
})

const apiCors = cors({
  origin: (origin, c) => (c.get('deps').config.corsOrigins.includes(origin) ? origin : null),
  allowMethods: ['POST', 'OPTIONS'],
  allowHeaders: ['Content-Type', 'Accept'],
  maxAge: 600,
})

/** Starts a subscription Checkout for a recurring price (the subscriptions module's flow). */
export type StartSubscription = (
  deps: Deps,
  input: { lookupKey: string; email?: string; customerId?: string },
) => Promise<{ id: string; url: string }>

const NO_SUBSCRIPTIONS: StartSubscription = async (_deps, input) => {
  throw new AppError('PRICE_NOT_ONE_TIME', { details: { price: input.lookupKey } })
}

export function createCheckoutRoutes(startSubscription: StartSubscription = NO_SUBSCRIPTIONS): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .post('/checkout', validate('form', CheckoutForm), async (c) => {
      const form = c.req.valid('form')
      const customer = c.get('customer')
      try {
        const started = await startOneTimeCheckout(c.get('deps'), {
          priceLookupKey: form.price,
          quantity: form.quantity ?? 1,
          ...(form.email ? { email: form.email } : {}),
          ...(customer ? { customer } : {}),
        })
        return c.redirect(started.url, 303)
      } catch (err) {
        if (!isAppError(err, 'ALREADY_OWNED')) throw err
        return refusalPage(c, err, 'Already yours', <AlreadyOwnedPage />)
      }
    })
    .use('/api/checkout-sessions', apiCors)
    .post('/api/checkout-sessions', validate('json', CheckoutJSON), async (c) => {
      const deps = c.get('deps')
      const body = c.req.valid('json')
      const customer = c.get('customer')
      if (findPrice(deps.catalog, body.price)?.recurring) {
        if ((body.quantity ?? 1) !== 1)
          throw new AppError('INVALID_REQUEST', { message: 'A plan is bought one at a time.' })
        const started = await startSubscription(deps, {
          lookupKey: body.price,
          ...(body.email ? { email: body.email } : {}),
          ...(customer ? { customerId: customer.id } : {}),
        })
        return c.json({ id: started.id, url: started.url }, 201)
      }
      const started = await startOneTimeCheckout(deps, {
        priceLookupKey: body.price,
        quantity: body.quantity ?? 1,
        ...(body.email ? { email: body.email } : {}),
        ...(customer ? { customer } : {}),
      })
      return c.json({ id: started.id, url: started.url }, 201)
    })
    .get('/tollgate.js', (c) => {
      c.header('Cache-Control', 'public, max-age=300')
      return c.body(BUY_BUTTON_SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' })
    })
    .get('/checkout/cancel', (c) => renderPage(c, { title: 'Checkout canceled' }, <CancelPage />))
}
