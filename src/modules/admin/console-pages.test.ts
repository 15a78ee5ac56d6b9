/**
 * The catalog page (what is loaded, and the drift `tollgate sync --dry-run` would fix, planned by
 * the sync itself against the emulator) and "Resend" on the emails page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS } from '../../../test/dialects.js'
import { createTestApp, type TestApp } from '../../../test/harness.js'
import { createMember, type Member, settle } from '../../../test/lifecycle.js'
import { buyAndPay } from '../../../test/purchase.js'
import { syncCatalog } from '../catalog/index.js'
import { findCustomerByEmail } from '../customers/repo.js'
import { listGrants } from '../entitlements/index.js'
import { defineMailTemplate, enqueueMail } from '../mail/index.js'
import { SCRUBBED } from '../mail/worker.js'
import { listOrdersOfCustomer } from '../orders/index.js'
import { listAuditEntries } from './repo.js'
import { PAGE_SIZE } from './views.js'

const ADMIN = 'owner@example.com'
const NOTE = defineMailTemplate('test-note', (d: { n: number }) => ({
  subject: `Note ${d.n}`,
  text: `Note ${d.n}`,
  html: `<p>Note ${d.n}</p>`,
}))

describe.each(DIALECTS)('console catalog and emails on %s', (dialect) => {
  let t: TestApp
  let admin: Member

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { adminEmails: [ADMIN] }, workers: 'manual' })
    admin = await createMember(t, ADMIN)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('shows the loaded catalog and no drift right after a sync', async () => {
    const page = await (await admin.agent()).request('/admin/catalog')
    expect(page.status).toBe(200)
    const html = await page.text()
    for (const product of t.deps.catalog.products) expect(html).toContain(`data-product="${product.id}"`)
    for (const price of t.deps.catalog.prices) expect(html).toContain(`data-price="${price.lookupKey}"`)
    for (const feature of t.deps.catalog.features) expect(html).toContain(`data-feature="${feature.key}"`)
    expect(html).toContain('data-drift="0"')
  })

  it('shows the same drift as the dry run when Stripe was changed by hand', async () => {
    const product = t.deps.catalog.products[0]
    if (!product) throw new Error('empty catalog')
    const stripeProduct = (await t.stripe.products.list({ limit: 100 })).data.find(
      (p) => p.metadata.tollgate_product_id === product.id,
    )
    if (!stripeProduct) throw new Error('catalog not synced')
    await t.stripe.products.update(stripeProduct.id, { name: 'Renamed in the dashboard' })
    const plan = await syncCatalog(t.deps, { dryRun: true })
    expect(plan.changes).toBeGreaterThan(0)
    const html = await (await (await admin.agent()).request('/admin/catalog')).text()
    expect(html).toContain(`data-drift="${plan.changes}"`)
    for (const action of plan.actions.filter((a) => a.kind !== 'unchanged'))
      expect(html).toContain(`data-action="${action.kind}" data-target="${action.target}"`)
    expect(html).toContain(`data-action="update-product" data-target="${product.id}"`)
    // Looking changed nothing at Stripe.
    expect((await t.stripe.products.retrieve(stripeProduct.id)).name).toBe('Renamed in the dashboard')
    await syncCatalog(t.deps)
  })

  it('resends a kept email as a new outbox row, audited', async () => {
    const id = await enqueueMail(t.deps.db, { to: 'ann@example.com', template: NOTE, data: { n: 1 } }, t.deps)
    await t.drain()
    const console = await admin.agent()
    expect(await (await console.request('/admin/emails')).text()).toContain(`/admin/emails/${id}/resend`)
    const res = await console.postForm(`/admin/emails/${id}/resend`, {})
    expect(res.status).toBe(303)
    const mail = await t.mail('ann@example.com')
    expect(mail.map((m) => [m.subject, m.status])).toEqual([
      ['Note 1', 'pending'],
      ['Note 1', 'sent'],
    ])
    const [entry] = await listAuditEntries(t.deps.db, { limit: 1, offset: 0 })
    expect(entry).toMatchObject({ actor_email: ADMIN, action: 'email.resend', target_id: id })
    // The audit log is searched by actor, action or target id (any case, wildcards literal), and
    // its CSV takes the same search.
    const found = await (await console.request(`/admin/audit?q=${id.toUpperCase()}`)).text()
    expect(found).toContain(id)
    expect(found).toContain(`href="/admin/audit.csv?q=${id.toUpperCase()}"`)
    const csv = (await (await console.request('/admin/audit.csv?q=EMAIL.RESEND')).text())
      .trimEnd()
      .split('\n')
    expect(csv.length).toBeGreaterThan(1)
    expect(csv.slice(1).every((line) => line.includes(',email.resend,'))).toBe(true)
    for (const q of ['%', 'emai_', 'no-such-actor'])
      expect(await listAuditEntries(t.deps.db, { query: q, limit: 10, offset: 0 })).toEqual([])
  })

  it('exports the emails, audit log, events and subscriptions as CSV, linked from each page', async () => {
    const console = await admin.agent()
    const csvOf = async (path: string): Promise<string[]> => {
      const res = await console.request(path)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      return (await res.text()).trimEnd().split('\n')
    }
    for (const page of ['/admin/emails', '/admin/audit', '/admin/events', '/admin/subscriptions'])
      expect(await (await console.request(page)).text()).toContain(`href="${page}.csv`)
    const emails = await csvOf('/admin/emails.csv')
    expect(emails[0]).toBe('id,created_at,to,subject,status,attempts,last_error')
    expect(emails.filter((line) => line.includes(',ann@example.com,Note 1,'))).toHaveLength(2)
    const audit = await csvOf('/admin/audit.csv')
    expect(audit[0]).toBe('created_at,actor,action,target_type,target_id,before,after,reason')
    expect(audit.some((line) => line.includes(`,${ADMIN},email.resend,`))).toBe(true)
    const events = await csvOf('/admin/events.csv')
    expect(events[0]).toBe('event,type,status,attempts,last_error,handled_at')
    const inbox = await t.deps.db.selectFrom('stripe_events').select('stripe_event_id').execute()
    expect(events).toHaveLength(1 + inbox.length)
    // The filter offers Stripe's statuses and the catalog's plans to pick from, not blank boxes.
    const filtered = await (
      await console.request('/admin/subscriptions?status=past_due&plan=membership-yearly')
    ).text()
    expect(filtered).toContain('<option value="past_due" selected="">past_due</option>')
    expect(filtered).toContain('<option value="membership-yearly" selected="">membership-yearly</option>')
    expect(filtered).toContain('<option value="membership-monthly">membership-monthly</option>')
    expect(filtered).not.toContain('<option value="field-guide"')
    // Orders suggest the catalog's products but take any id (an integrator's ad-hoc orders).
    const orders = await (await console.request('/admin/orders?product=adhoc-42')).text()
    expect(orders).toContain('name="product" list="catalog-products" value="adhoc-42"')
    expect(orders).toContain('<option value="field-guide">The Tollgate Field Guide</option>')
    const subscriptions = await csvOf('/admin/subscriptions.csv?status=active')
    expect(subscriptions[0]).toBe(
      'id,customer_id,status,price,current_period_end,cancel_at_period_end,canceled_at,start_date',
    )
  })

  it('searches the emails by address or subject and status, pages them, and exports what it found', async () => {
    for (let n = 0; n < PAGE_SIZE + 1; n++)
      await enqueueMail(t.deps.db, { to: 'pager@example.com', template: NOTE, data: { n: 100 + n } }, t.deps)
    await enqueueMail(t.deps.db, { to: 'dora@example.com', template: NOTE, data: { n: 7 } }, t.deps)
    const console = await admin.agent()
    const rowsOf = async (query: string): Promise<string[]> => {
      const html = await (await console.request(`/admin/emails?${query}`)).text()
      return [
        ...html.matchAll(
          /<tr data-mail="[^"]+" data-status="[^"]+"><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)</g,
        ),
      ].map((m) => `${m[1]} ${m[2]}`)
    }
    expect(await rowsOf('q=dora')).toEqual(['dora@example.com Note 7'])
    // The subject in any case; `%` and `_` are letters, not wildcards.
    expect(await rowsOf('q=NOTE+7')).toEqual(['dora@example.com Note 7'])
    expect(await rowsOf('q=%25')).toEqual([])
    expect(await rowsOf('q=dora&status=failed')).toEqual([])
    expect(await rowsOf('q=dora&status=pending')).toEqual(['dora@example.com Note 7'])
    const first = await (await console.request('/admin/emails?q=pager')).text()
    expect(first).toContain('href="/admin/emails?q=pager&amp;status=&amp;page=2"')
    // Two pages hold every one of them once (mails of the same millisecond have no set order).
    const pageOne = await rowsOf('q=pager')
    const pageTwo = await rowsOf('q=pager&page=2')
    expect(pageOne).toHaveLength(PAGE_SIZE)
    expect(pageTwo).toHaveLength(1)
    expect(new Set([...pageOne, ...pageTwo]).size).toBe(PAGE_SIZE + 1)
    expect(first).toContain('href="/admin/emails.csv?q=pager&amp;status="')
    const csv = (await (await console.request('/admin/emails.csv?q=dora')).text()).trimEnd().split('\n')
    expect(csv).toHaveLength(2)
    expect(csv[1]).toContain(',dora@example.com,Note 7,pending,')
  })

  it('exports the coupons (a row per promotion code) and the catalog (a row per price) as CSV', async () => {
    const console = await admin.agent()
    for (const page of ['/admin/coupons', '/admin/catalog'])
      expect(await (await console.request(page)).text()).toContain(`href="${page}.csv"`)
    const coupon = await t.stripe.coupons.create({
      percent_off: 25,
      duration: 'repeating',
      duration_in_months: 3,
      name: 'Spring',
    })
    const code = await t.stripe.promotionCodes.create({
      promotion: { type: 'coupon', coupon: coupon.id },
      code: 'SPRING25',
    })
    const bare = await t.stripe.coupons.create({ amount_off: 500, currency: 'usd', duration: 'once' })
    // The form takes an amount off as money in its currency ("5.50"), as the refund form does.
    const typed = await console.postForm('/admin/coupons', {
      name: 'Typed',
      amount_off: '5.50',
      currency: 'usd',
      duration: 'once',
    })
    expect(typed.status).toBe(303)
    const made = (await t.stripe.coupons.list({ limit: 100 })).data.find((c) => c.name === 'Typed')
    expect([made?.amount_off, made?.currency]).toEqual([550, 'usd'])
    expect(await (await console.request('/admin/coupons?q=typed')).text()).toContain('<td>$5.50</td>')
    for (const [amount, currency] of [
      ['5.555', 'usd'],
      ['5.50', ''],
    ]) {
      const refused = await console.postForm('/admin/coupons', {
        name: 'Refused',
        amount_off: amount as string,
        currency: currency as string,
        duration: 'once',
      })
      expect(refused.status).toBe(422)
    }
    expect((await t.stripe.coupons.list({ limit: 100 })).data.some((c) => c.name === 'Refused')).toBe(false)
    const coupons = (await (await console.request('/admin/coupons.csv')).text()).trimEnd().split('\n')
    expect(coupons[0]).toBe(
      'coupon,name,percent_off,amount_off,currency,duration,duration_in_months,times_redeemed,max_redemptions,redeem_by,valid,promotion_code,code,code_active,code_times_redeemed',
    )
    expect(coupons).toContain(`${coupon.id},Spring,25,,,repeating,3,0,,,true,${code.id},SPRING25,true,0`)
    expect(coupons).toContain(`${bare.id},,,500,usd,once,,0,,,true,,,,`)
    // Searched by coupon id, name or promotion code (any case), and paged; the CSV takes the search.
    const found = await (await console.request('/admin/coupons?q=spring25')).text()
    expect(found).toContain(`data-coupon="${coupon.id}"`)
    expect(found).not.toContain(`data-coupon="${bare.id}"`)
    expect(found).toContain('href="/admin/coupons.csv?q=spring25"')
    const searched = (await (await console.request('/admin/coupons.csv?q=SPRING')).text()).trimEnd()
    expect(searched.split('\n')).toHaveLength(2)
    for (let i = 0; i < PAGE_SIZE; i++)
      await t.stripe.coupons.create({ percent_off: 5, duration: 'once', name: `Bulk ${i}` })
    const rowsOf = async (query: string) => [
      ...(await (await console.request(`/admin/coupons?${query}`)).text()).matchAll(/data-coupon="([^"]+)"/g),
    ]
    expect(await rowsOf('q=bulk')).toHaveLength(PAGE_SIZE)
    const first = (await rowsOf('page=1')).map((m) => m[1])
    const second = (await rowsOf('page=2')).map((m) => m[1])
    expect(first).toHaveLength(PAGE_SIZE)
    expect(second.filter((id) => first.includes(id))).toEqual([])
    expect([...first, ...second]).toEqual(expect.arrayContaining([coupon.id, bare.id]))
    const catalog = (await (await console.request('/admin/catalog.csv')).text()).trimEnd().split('\n')
    expect(catalog[0]).toBe(
      'product,product_name,access_days,features,files,price,currency,unit_amount,interval,interval_count,trial_days,family',
    )
    expect(catalog).toHaveLength(1 + t.deps.catalog.prices.length)
    for (const price of t.deps.catalog.prices)
      expect(
        catalog.some((line) => line.includes(`,${price.lookupKey},${price.currency},${price.unitAmount},`)),
      ).toBe(true)
  })

  it('refuses to resend a delivered email whose body was dropped, changing nothing', async () => {
    const id = await enqueueMail(t.deps.db, { to: 'bo@example.com', template: NOTE, data: { n: 2 } }, t.deps)
    await t.deps.db
      .updateTable('mail_outbox')
      .set({ status: 'sent', ...SCRUBBED })
      .where('id', '=', id)
      .execute()
    const res = await (await admin.agent()).postForm(`/admin/emails/${id}/resend`, {})
    expect(res.status).toBe(409)
    expect(await res.text()).toContain('MAIL_BODY_NOT_KEPT')
    expect(await t.mail('bo@example.com')).toHaveLength(1)
    const missing = await (await admin.agent()).postForm('/admin/emails/msg_nope/resend', {})
    expect(missing.status).toBe(404)
  })

  it("lists the inbox events of a customer who bought, and not another customer's", async () => {
    await buyAndPay(t.agent(), { price: 'field-guide', email: 'cara@example.com' })
    await buyAndPay(t.agent(), { price: 'field-guide', email: 'dan@example.com' })
    await settle(t)
    // A one-time purchase makes no Stripe customer: the events name the Checkout Session.
    const eventOf = async (email: string): Promise<string> => {
      const customer = await findCustomerByEmail(t.deps.db, email)
      const [order] = customer ? await listOrdersOfCustomer(t.deps.db, customer.id) : []
      if (!order) throw new Error(`${email} has no order`)
      const events = await t.stripe.events.list({ limit: 100, type: 'checkout.session.completed' })
      const mine = events.data.find(
        (e) => (e.data.object as { id: string }).id === order.stripe_checkout_session_id,
      )
      if (!mine) throw new Error(`no Stripe event names ${email}'s session`)
      return mine.id
    }
    const caraEvent = await eventOf('cara@example.com')
    const danEvent = await eventOf('dan@example.com')
    const cara = await findCustomerByEmail(t.deps.db, 'cara@example.com')
    const console = await admin.agent()
    const html = await (await console.request(`/admin/customers/${cara?.id}`)).text()
    const section = html.slice(html.indexOf('<h2>Events</h2>'), html.indexOf('<h2>Audit</h2>'))
    expect(section).toContain(`data-event="${caraEvent}" data-status="handled"`)
    expect(section).toContain(`href="/admin/events?event=${caraEvent}"`)
    expect(section).not.toContain(`data-event="${danEvent}"`)
    const one = await (await console.request(`/admin/events?event=${caraEvent}`)).text()
    expect(one).toContain(`data-event="${caraEvent}"`)
    expect(one).not.toContain(`data-event="${danEvent}"`)
  })

  it('records the grants a revoke ended as its "before"', async () => {
    const cara = await findCustomerByEmail(t.deps.db, 'cara@example.com')
    if (!cara) throw new Error('cara has not bought')
    const [grant] = (await listGrants(t.deps.db, cara.id)).filter((g) => g.revoked_at === null)
    if (!grant) throw new Error('cara holds no grant')
    const res = await (await admin.agent()).postForm(`/admin/customers/${cara.id}/grants`, {
      intent: 'revoke',
      feature: grant.feature,
      reason: 'chargeback',
    })
    expect(res.status).toBe(303)
    const [entry] = await listAuditEntries(t.deps.db, { customerId: cara.id, limit: 1, offset: 0 })
    expect(entry).toMatchObject({ action: 'grant.revoke', target_id: grant.feature, reason: 'chargeback' })
    expect(JSON.parse(entry?.before_json ?? 'null')).toEqual({
      grants: [{ id: grant.id, source: `${grant.source_type} ${grant.source_id}`, ends_at: grant.ends_at }],
    })
    expect(JSON.parse(entry?.after_json ?? 'null')).toEqual({ revoked: 1 })

    // Revoked again, there is nothing live to end: the console says so and audits nothing.
    const again = await (await admin.agent()).postForm(`/admin/customers/${cara.id}/grants`, {
      intent: 'revoke',
      feature: grant.feature,
      reason: 'twice',
    })
    expect(again.headers.get('location')).toContain(
      `done=No+live+grant+of+${encodeURIComponent(grant.feature)}`,
    )
    const [latest] = await listAuditEntries(t.deps.db, { customerId: cara.id, limit: 1, offset: 0 })
    expect(latest?.id).toBe(entry?.id)
  })
})
