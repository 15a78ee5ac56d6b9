import { describe, expect, it } from 'vitest'
import { useEmulatorSuite } from './test-suite.js'

const suite = useEmulatorSuite()

async function session(branding?: Record<string, unknown>) {
  const price = await suite.stripe.prices.create({
    currency: 'usd',
    unit_amount: 500,
    product_data: { name: 'Poster' },
  })
  return suite.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: 'http://shop.test/ok',
    ...(branding ? { branding_settings: branding } : {}),
  })
}

describe('the store name and colours on hosted Checkout', () => {
  it("shows the account's name by default and branding_settings[display_name] when set", async () => {
    const plain = await session()
    expect(await (await fetch(plain.url!)).text()).toMatch(/data-store-name[^>]*>Tollgate test account</)
    const branded = await session({ display_name: 'Ada’s Posters', button_color: '#123456' })
    expect(branded.branding_settings).toMatchObject({
      display_name: 'Ada’s Posters',
      button_color: '#123456',
    })
    const html = await (await fetch(branded.url!)).text()
    expect(html).toMatch(/data-store-name[^>]*>Ada’s Posters</)
    expect(html).toContain('background:#123456')
  })

  it('shows a logo given by URL above the name, and keeps it on the session', async () => {
    const branded = await session({
      display_name: 'Ada’s Posters',
      logo: { type: 'url', url: 'https://shop.test/logo.png' },
    })
    expect(branded.branding_settings?.logo).toEqual({ type: 'url', url: 'https://shop.test/logo.png' })
    const html = await (await fetch(branded.url!)).text()
    expect(html).toMatch(/<img[^>]*data-store-logo[^>]*src="https:\/\/shop.test\/logo.png"/)
    const plain = await (await fetch((await session()).url!)).text()
    expect(plain).not.toContain('data-store-logo')
  })

  it('refuses a logo from a file upload (not modelled), a logo that is not a URL, and a colour that is not hex, by name', async () => {
    await expect(session({ logo: { type: 'file', file: 'file_123' } })).rejects.toMatchObject({
      code: 'parameter_unsupported',
      param: 'branding_settings[logo][type]',
    })
    await expect(session({ logo: { type: 'url', url: 'not a url' } })).rejects.toMatchObject({
      statusCode: 400,
      param: 'branding_settings[logo][url]',
    })
    await expect(session({ icon: { type: 'url', url: 'https://x.test/a.png' } })).rejects.toMatchObject({
      code: 'parameter_unsupported',
      param: 'branding_settings[icon]',
    })
    await expect(session({ button_color: 'red' })).rejects.toMatchObject({
      statusCode: 400,
      param: 'branding_settings[button_color]',
    })
  })
})
