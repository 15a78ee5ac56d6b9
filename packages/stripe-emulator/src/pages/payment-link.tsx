/**
 * A payment link's public address, `/b/:id` (no API key, like Stripe's buy.stripe.com links):
 * each visit opens a new Checkout Session for the link and redirects to it; an inactive link shows
 * its `inactive_message`. `/b/:id/done` is the hosted confirmation page after payment.
 * @module
 */
import type Stripe from 'stripe'
import { page } from '../registry.js'
import { openLinkSession } from '../resources/payment-links.js'
import { MessagePage } from './layout.js'

page('get', '/b/:id', (c, ctx) => {
  const link = ctx.state.objects[c.req.param('id') ?? ''] as Stripe.PaymentLink | undefined
  if (link?.object !== 'payment_link')
    return c.html(
      <MessagePage title="Link not found" message="There is no payment link with this address." />,
      404,
    )
  if (!link.active)
    return c.html(
      <MessagePage
        title="Link unavailable"
        message={link.inactive_message ?? 'This link is no longer active.'}
      />,
      410,
    )
  return c.redirect(String(openLinkSession(ctx, link).url), 303)
})
page('get', '/b/:id/done', (c, ctx) => {
  const link = ctx.state.objects[c.req.param('id') ?? ''] as Stripe.PaymentLink | undefined
  const message = link?.after_completion.hosted_confirmation?.custom_message ?? 'Thanks for your payment.'
  return c.html(<MessagePage title="Payment complete" message={message} />)
})
