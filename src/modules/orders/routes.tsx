/**
 * `GET /checkout/success`: the buyer's return from Checkout. Paid → the order (fulfilled here if
 * the webhook has not yet) with the access token shown once; a bank debit still processing → a
 * page that refreshes itself; refused → says so. The route owns the transaction in which the
 * order is fulfilled, the token taken and the buyer signed in.
 * `GET /account/orders/:id`: the buyer's receipt of one of their orders (404 for anyone else's).
 * @module
 */
import { Hono } from 'hono'
import { transactionRetryingDeadlocks } from '../../db/retry.js'
import type { AppEnv } from '../../http/env.js'
import { AppError } from '../../lib/errors.js'
import { renderPage } from '../../web/layout.js'
import { findProduct } from '../catalog/index.js'
import { signIn } from '../customers/index.js'
import { OrderReceiptPage } from './receipt-view.js'
import { findOrderReceipt } from './receipts.js'
import { completePaidReturn, readCheckoutReturn } from './success.js'
import { NotPaidPage, PaymentFailedPage, ProcessingPage, SuccessPage } from './views.js'

export const orderRoutes = new Hono<AppEnv>()
  .get('/account/orders/:id', async (c) => {
    const customer = c.get('customer')
    if (!customer) return c.redirect(`/signin?next=${encodeURIComponent(c.req.path)}`, 303)
    const deps = c.get('deps')
    const orderId = c.req.param('id')
    const receipt = /^ord_[A-Za-z0-9]{4,100}$/.test(orderId)
      ? await findOrderReceipt(deps, deps.db, { customerId: customer.id, orderId })
      : undefined
    if (!receipt) throw new AppError('NOT_FOUND')
    c.header('Cache-Control', 'private, no-store')
    return renderPage(c, { title: 'Receipt' }, <OrderReceiptPage receipt={receipt} email={customer.email} />)
  })
  .get('/checkout/success', async (c) => {
    const deps = c.get('deps')
    const sessionId = c.req.query('session_id') ?? ''
    if (!/^cs_[A-Za-z0-9_]{4,200}$/.test(sessionId)) return c.redirect('/', 303)
    const result = await readCheckoutReturn(deps, sessionId)
    if (result.kind === 'processing') {
      c.header('Refresh', '3')
      return renderPage(c, { title: 'Payment processing' }, <ProcessingPage />)
    }
    if (result.kind === 'failed') return renderPage(c, { title: 'Payment failed' }, <PaymentFailedPage />)
    if (result.kind === 'unpaid') {
      return renderPage(
        c,
        { title: 'Payment not completed' },
        <NotPaidPage checkoutUrl={result.checkoutUrl} />,
      )
    }
    if (result.kind === 'other') return c.redirect('/account', 303)
    const paid = await transactionRetryingDeadlocks(deps.db, async (trx) => {
      const done = await completePaidReturn(deps, trx, result.session)
      if (done?.token) await signIn(c, trx, done.order.customer_id, 'token')
      return done
    })
    if (!paid) return c.redirect('/account', 303)
    const product = findProduct(deps.catalog, paid.order.product_id)
    const signedIn = paid.token !== undefined || c.get('customer')?.id === paid.order.customer_id
    c.header('Cache-Control', 'no-store')
    return renderPage(
      c,
      { title: 'Thank you' },
      <SuccessPage
        productName={product?.name ?? paid.order.product_name ?? paid.order.product_id}
        token={paid.token}
        signedIn={signedIn}
      />,
    )
  })
