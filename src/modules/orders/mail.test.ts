import { describe, expect, it } from 'vitest'
import { DEFAULT_BRAND } from '../../lib/brand.js'
import { PURCHASE_CONFIRMATION_TEMPLATE, type PurchaseConfirmationMail } from './mail.js'

const base: PurchaseConfirmationMail = {
  productName: 'Starter kit',
  libraryUrl: 'https://shop.example/library',
  loginUrl: 'https://shop.example/login',
  accessToken: 'tok',
}
const firstLine = (data: PurchaseConfirmationMail): string =>
  PURCHASE_CONFIRMATION_TEMPLATE.render(data, DEFAULT_BRAND).text.split('\n')[0] ?? ''

describe('purchase confirmation: what the purchase opened, and until when', () => {
  it('one end for everything, each its own end, or nothing to say', () => {
    const premium = { name: 'Premium articles', until: '2027-01-07T10:00:00.000Z' }
    const guide = { name: 'Field guide (PDF)', until: null }
    expect(firstLine({ ...base, access: [premium] })).toBe(
      'Thank you for buying Starter kit. You have access until 2027-01-07.',
    )
    expect(firstLine({ ...base, access: [guide] })).toBe(
      'Thank you for buying Starter kit. You have access forever.',
    )
    expect(firstLine({ ...base, access: [guide, premium] })).toBe(
      'Thank you for buying Starter kit. Your access: Field guide (PDF) forever; Premium articles until 2027-01-07.',
    )
    expect(firstLine({ ...base, access: [] })).toBe('Thank you for buying Starter kit.')
  })

  it('renders a mail queued before per-feature access the way it was written', () => {
    expect(firstLine({ ...base, accessUntil: null })).toBe(
      'Thank you for buying Starter kit. You have access forever.',
    )
    expect(firstLine({ ...base, accessUntil: '2027-02-01T00:00:00.000Z' })).toBe(
      'Thank you for buying Starter kit. You have access until 2027-02-01.',
    )
  })
})
