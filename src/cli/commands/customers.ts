/**
 * `npx tollgate customers show <email> [--json]`: everything Tollgate knows of one customer —
 * orders, subscriptions, grants (why, until when), emails and audit entries.
 * @module
 */

import { formatMoney } from '../../lib/money.js'
import { listAuditEntries } from '../../modules/admin/index.js'
import { listSubscriptionsOfCustomer } from '../../modules/billing/index.js'
import { findCustomerForEmail } from '../../modules/customers/index.js'
import { listGrants } from '../../modules/entitlements/index.js'
import { listOutboxMail } from '../../modules/mail/index.js'
import { listOrdersOfCustomer } from '../../modules/orders/index.js'
import { type Command, checkEmail, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'

export const customersCommand: Command = {
  name: 'customers',
  usage: 'customers show <email> [--json]',
  summary: "Show a customer's orders, subscriptions, access, emails and audit entries",
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { json: { type: 'boolean' } },
      { min: 1, max: 2, names: ['show', '<email>'] },
    )
    const [action, email] = positionals as [string, string | undefined]
    // The action first: `customers list` is a wrong action, not a missing email.
    if (action !== 'show') throw new UsageError(`unknown action "${action}" (expected show)`)
    if (email === undefined) throw new UsageError('missing <email>')
    checkEmail(email)
    return withCliDeps(io, async ({ deps }) => {
      const customer = await findCustomerForEmail(deps.db, email)
      if (!customer) {
        io.err(`No customer ${email}.`)
        return 1
      }
      const [orders, subscriptions, grants, mail, audit] = await Promise.all([
        listOrdersOfCustomer(deps.db, customer.id),
        listSubscriptionsOfCustomer(deps.db, customer.id),
        listGrants(deps.db, customer.id),
        listOutboxMail(deps.db, customer.email, 50),
        listAuditEntries(deps.db, { customerId: customer.id, limit: 100, offset: 0 }),
      ])
      const view = {
        customer: {
          id: customer.id,
          email: customer.email,
          stripe_customer_id: customer.stripeCustomerId,
          created_at: customer.createdAt.toISOString(),
        },
        orders: orders.map((o) => ({
          id: o.id,
          product: o.product_id,
          amount: o.amount,
          amount_refunded: o.amount_refunded,
          currency: o.currency,
          status: o.status,
          created_at: o.created_at,
        })),
        subscriptions: subscriptions.map((s) => ({
          id: s.stripe_subscription_id,
          price: s.price_lookup_key,
          status: s.status,
          cancel_at_period_end: s.cancel_at_period_end === 1,
          current_period_end: s.current_period_end,
        })),
        grants: grants.map((g) => ({
          feature: g.feature,
          source: `${g.source_type}:${g.source_id}`,
          starts_at: g.starts_at,
          ends_at: g.ends_at,
          revoked_at: g.revoked_at,
          reason: g.reason,
        })),
        emails: mail.map((m) => ({ subject: m.subject, status: m.status, created_at: m.created_at })),
        audit: audit.map((a) => ({
          at: a.created_at,
          actor: a.actor_email,
          action: a.action,
          target: `${a.target_type}:${a.target_id}`,
          reason: a.reason,
        })),
      }
      if (values.json) {
        printJSON(io, view)
        return 0
      }
      io.out(`${customer.email} (${customer.id}), customer since ${view.customer.created_at}`)
      for (const o of view.orders)
        io.out(
          `  order ${o.id}  ${o.product}  ${formatMoney(o.amount, o.currency)}${o.amount_refunded > 0 ? `  refunded ${formatMoney(o.amount_refunded, o.currency)}` : ''}  ${o.status}`,
        )
      for (const s of view.subscriptions)
        io.out(
          `  subscription ${s.id}  ${s.price}  ${s.status}${s.cancel_at_period_end ? ' (cancels at period end)' : ''}`,
        )
      for (const g of view.grants)
        io.out(
          `  access ${g.feature}  from ${g.source}  until ${g.ends_at ?? 'forever'}${g.revoked_at ? `  revoked ${g.revoked_at}` : ''}`,
        )
      for (const m of view.emails) io.out(`  email ${m.created_at}  ${m.subject}  ${m.status}`)
      for (const a of view.audit) io.out(`  audit ${a.at}  ${a.actor}  ${a.action}  ${a.target}`)
      return 0
    })
  },
}
