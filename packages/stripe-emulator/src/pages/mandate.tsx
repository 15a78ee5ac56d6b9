/**
 * A Mandate's hosted page, `/mandates/:id` (its `payment_method_details.sepa_debit.url`; no API
 * key, like the page Stripe hosts for the customer): the mandate reference, its kind and status,
 * and the account it debits.
 * @module
 */
import type Stripe from 'stripe'
import { page } from '../registry.js'
import { MessagePage } from './layout.js'

page('get', '/mandates/:id', (c, ctx) => {
  const mandate = ctx.state.objects[c.req.param('id') ?? ''] as Stripe.Mandate | undefined
  if (mandate?.object !== 'mandate')
    return c.html(
      <MessagePage title="Mandate not found" message="There is no mandate with this address." />,
      404,
    )
  const pm = ctx.state.objects[String(mandate.payment_method)] as Stripe.PaymentMethod | undefined
  const use = mandate.type === 'multi_use' ? 'recurring' : 'one-off'
  return c.html(
    <MessagePage
      title={`SEPA Direct Debit mandate ${mandate.payment_method_details.sepa_debit?.reference ?? ''}`}
      message={`A ${use} mandate (${mandate.status}) to debit the account ending ${pm?.sepa_debit?.last4 ?? '????'}.`}
    />,
  )
})
