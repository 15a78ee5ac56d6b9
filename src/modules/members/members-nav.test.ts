/**
 * The "Members" link and `/members`: every signed-in customer gets the same link in the cached
 * frame, and the list behind it is decided per customer (a member's pages never show up for
 * another customer, before or after the member's visit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Agent, createAgent, createTestDeps, type TestDeps } from '../../../test/harness.js'
import { createApp } from '../../app.js'
import { hashPassword } from '../accounts/passwords.js'
import { findOrCreateCustomerByEmail } from '../customers/customers.js'
import { setPasswordHash } from '../customers/repo.js'
import { grantManually } from './manual-grants.js'

describe('members nav', () => {
  let t: TestDeps
  let app: ReturnType<typeof createApp>
  let origin: string

  async function signedIn(email: string): Promise<Agent> {
    const customer = await findOrCreateCustomerByEmail(t.deps.db, email, t.deps.clock.now())
    await setPasswordHash(t.deps.db, customer.id, await hashPassword('nav password'))
    const agent = createAgent(async (path, init) => app.request(new URL(path, origin).href, init), origin)
    expect((await agent.postForm('/signin', { email, password: 'nav password' })).status).toBe(303)
    return agent
  }

  beforeAll(async () => {
    t = await createTestDeps('sqlite')
    app = createApp(t.deps)
    origin = t.deps.config.publicUrl
  })
  afterAll(async () => {
    await t.close()
  })

  it('shows no Members link to a visitor, and sends them to sign in', async () => {
    const home = await app.request(new URL('/pricing', origin).href)
    expect(await home.text()).not.toContain('href="/members"')
    const members = await app.request(new URL('/members', origin).href)
    expect(members.status).toBe(303)
    expect(members.headers.get('location')).toBe('/login?next=%2Fmembers')
  })

  it('lists the pages a member may open, and only those, per customer', async () => {
    const member = await signedIn('nav-member@example.com')
    const other = await signedIn('nav-other@example.com')
    await t.deps.db
      .transaction()
      .execute((trx) =>
        grantManually(t.deps, trx, { email: 'nav-member@example.com', feature: 'premium', reason: 'test' }),
      )

    const memberLibrary = await (await member.request('/library')).text()
    expect(memberLibrary).toContain('<a href="/members">Members</a>')
    const memberList = await member.request('/members')
    expect(memberList.status).toBe(200)
    expect(memberList.headers.get('cache-control')).toBe('private, no-store')
    const memberHtml = await memberList.text()
    expect(memberHtml).toContain('data-member-link="/premium"')
    expect(memberHtml).toContain('<a href="/premium">Premium articles</a>')
    expect(memberHtml).not.toContain('data-member-closed')

    // Right after the member's pages: the other customer's frame and list carry none of it.
    const otherLibrary = await (await other.request('/library')).text()
    expect(otherLibrary).toContain('<a href="/members">Members</a>')
    expect(otherLibrary).not.toContain('/premium')
    const otherHtml = await (await other.request('/members')).text()
    expect(otherHtml).not.toContain('data-member-link')
    expect(otherHtml).toContain('data-member-closed="/premium"')
    expect(otherHtml).toContain('comes with Premium articles')
    expect(otherHtml).toContain('href="/pricing"')
  })
})
