/**
 * Subscribing without an account, on every dialect: a visitor gives an email on /pricing, pays on
 * the emulator's Checkout, and the return page finds or makes the customer by that email, signs
 * them in (once) and mails a link to choose a password (once, whichever of page and webhook came
 * first). A known subscriber's email is refused before Checkout; a known email without the plan
 * is not signed in by the payment but gets a sign-in link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_COOKIE } from '../../src/http/session.js'
import { findCustomerForEmail } from '../../src/modules/customers/index.js'
import { DIALECTS } from '../dialects.js'
import { createTestApp, type TestApp } from '../harness.js'
import { createMember, payOnHostedCheckout, settle, subscribe, writeLifecycleCatalog } from '../lifecycle.js'

const catalogPath = writeLifecycleCatalog()
let counter = 0
const email = (label: string): string => `${label}-${++counter}-${Date.now()}@example.com`

describe.each(DIALECTS)('guest subscribe (%s)', (dialect) => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ dialect, config: { catalogPath } })
  }, 60_000)
  afterAll(async () => {
    await t?.close()
  })

  async function pendingCount(): Promise<number> {
    const row = await t.deps.db
      .selectFrom('pending_checkouts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  it('a visitor pays with an email, lands signed in, and gets one set-password link', async () => {
    const address = email('guest')
    const visitor = t.agent()
    const start = await visitor.postForm('/subscribe', { price: 'basic-monthly', email: address })
    expect(start.status, await start.clone().text()).toBe(303)
    const successPath = await payOnHostedCheckout(start.headers.get('location') ?? '', { email: address })
    const landed = await visitor.request(successPath)
    const page = await landed.text()
    expect(landed.status).toBe(200)
    expect(page).toContain('data-new-account')
    expect(page).toContain('data-subscribed="active"')
    expect(visitor.cookies.has(SESSION_COOKIE)).toBe(true)
    const account = await visitor.request('/account')
    expect(account.status).toBe(200)
    expect(await account.text()).toContain(address)

    // A second viewer of the same return URL (a shared link) is not signed in.
    const other = t.agent()
    const again = await other.request(successPath)
    expect(again.status).toBe(200)
    expect(other.cookies.has(SESSION_COOKIE)).toBe(false)
    expect(await again.text()).not.toContain('data-new-account')

    await settle(t)
    const mails = (await t.mail(address)).map((m) => m.template)
    expect(mails.filter((m) => m === 'account-set-password')).toHaveLength(1)
    const link = (await t.mail(address)).find((m) => m.template === 'account-set-password')
    const url = new URL(String(link?.data.url))
    expect(url.pathname).toBe('/password/reset')
    const form = await t.agent().request(`${url.pathname}${url.search}`)
    expect(form.status).toBe(200)
  }, 60_000)

  it('the webhook alone makes the customer and mails the link when the buyer never returns', async () => {
    const address = email('away')
    const start = await t.agent().postForm('/subscribe', { price: 'basic-yearly', email: address })
    await payOnHostedCheckout(start.headers.get('location') ?? '', { email: address })
    await settle(t)
    const customer = await findCustomerForEmail(t.deps.db, address)
    expect(customer).toBeDefined()
    const mails = (await t.mail(address)).map((m) => m.template)
    expect(mails.filter((m) => m === 'account-set-password')).toHaveLength(1)
  }, 60_000)

  it('an email that already holds a plan of the family is refused before Checkout, with a sign-in link', async () => {
    const member = await createMember(t, email('member'))
    await subscribe(member, 'basic-monthly')
    await settle(t)
    const before = await pendingCount()
    const res = await t
      .agent()
      .postForm('/subscribe', { price: 'basic-yearly', email: member.email.toUpperCase() })
    expect(res.status).toBe(409)
    const page = await res.text()
    expect(page).toContain('data-known-subscriber')
    expect(page).toContain('href="/signin?next=%2Faccount"')
    expect(await pendingCount()).toBe(before)
    const json = await t.request('/subscribe', {
      method: 'POST',
      headers: {
        origin: t.url,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: new URLSearchParams({ price: 'basic-yearly', email: member.email }).toString(),
    })
    expect(json.status).toBe(409)
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('ALREADY_SUBSCRIBED_SIGN_IN')
  }, 60_000)

  it('a mistyped email is refused on a page that says which field to check, never with a code', async () => {
    const res = await t.agent().postForm('/subscribe', { price: 'member-monthly', email: 'not-an-email' })
    expect(res.status).toBe(422)
    const page = await res.text()
    expect(page).toContain('Please check the email address and try again.')
    expect(page).not.toMatch(/>[^<]*INVALID_REQUEST/)
  })

  it('a known email without the plan pays, but is sent a sign-in link instead of being signed in', async () => {
    const member = await createMember(t, email('known'))
    const visitor = t.agent()
    const start = await visitor.postForm('/subscribe', { price: 'member-monthly', email: member.email })
    expect(start.status).toBe(303)
    const successPath = await payOnHostedCheckout(start.headers.get('location') ?? '', {
      email: member.email,
    })
    const page = await (await visitor.request(successPath)).text()
    expect(page).toContain('data-emailed-sign-in')
    expect(visitor.cookies.has(SESSION_COOKIE)).toBe(false)
    await settle(t)
    const mails = (await t.mail(member.email)).map((m) => m.template)
    expect(mails).toContain('login-link')
    const customer = await findCustomerForEmail(t.deps.db, member.email)
    expect(customer?.id).toBe(member.id)
  }, 60_000)

  it('the buy button API starts a subscription for a recurring price; Checkout asks for the email', async () => {
    const address = email('button')
    const api = (body: unknown): Promise<Response> =>
      t.request('/api/checkout-sessions', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      })
    const refused = await api({ price: 'basic-monthly', quantity: 2 })
    expect(refused.status).toBe(422)
    const res = await api({ price: 'basic-monthly' })
    expect(res.status).toBe(201)
    const { url } = (await res.json()) as { url: string }
    const session = await t.stripe.checkout.sessions.retrieve(/\/(cs_[A-Za-z0-9_]+)/.exec(url)?.[1] ?? '')
    expect(session.mode).toBe('subscription')
    expect(session.customer_email).toBeNull()
    const successPath = await payOnHostedCheckout(url, { email: address })
    const visitor = t.agent()
    expect(await (await visitor.request(successPath)).text()).toContain('data-new-account')
    expect(visitor.cookies.has(SESSION_COOKIE)).toBe(true)
  }, 60_000)
})
