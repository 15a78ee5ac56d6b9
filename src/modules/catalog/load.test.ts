import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findPrice, getPrice } from './find.js'
import { CatalogError, loadCatalog, parseCatalog } from './load.js'

const SOURCE = resolve('catalog.yaml')

function problemsOf(text: string): readonly string[] {
  try {
    parseCatalog(text, SOURCE)
  } catch (err) {
    if (err instanceof CatalogError) return err.problems
    throw err
  }
  throw new Error('expected a CatalogError')
}

const VALID = `features:
  - key: premium
    name: Premium
products:
  - id: guide
    name: Guide
    access: { days: 30 }
    files:
      - { id: guide-pdf, title: Guide, path: files/guide.pdf, contentType: application/pdf }
  - id: plan
    name: Plan
    features: [premium]
prices:
  - lookupKey: guide
    product: guide
    currency: usd
    amount: "19.00"
  - lookupKey: guide-jpy
    product: guide
    currency: jpy
    amount: "1500"
  - lookupKey: plan-monthly
    product: plan
    currency: usd
    amount: 800
    recurring: { interval: month }
    trialDays: 7
    family: plan
pages:
  - { path: /premium, title: Premium, feature: premium, markdown: "# Hi" }
`

describe('parseCatalog', () => {
  it('builds products with prices, files and lapse-policy defaults', () => {
    const catalog = parseCatalog(VALID, SOURCE)
    expect(catalog.features[0]).toEqual({
      key: 'premium',
      name: 'Premium',
      pastDueGraceDays: 0,
      accessUntilPeriodEnd: true,
      trialing: true,
    })
    const guide = catalog.products[0]
    expect(guide?.access).toEqual({ days: 30 })
    expect(guide?.files[0]?.path).toBe(resolve('files/guide.pdf'))
    expect(guide?.files[0]?.feature).toBe('file:guide-pdf')
    expect(guide?.prices.map((p) => [p.lookupKey, p.unitAmount])).toEqual([
      ['guide', 1900],
      ['guide-jpy', 1500],
    ])
    expect(catalog.products[1]?.access).toBe('forever')
    expect(findPrice(catalog, 'plan-monthly')?.recurring).toEqual({ interval: 'month', intervalCount: 1 })
    expect(findPrice(catalog, 'nope')).toBeUndefined()
    expect(() => getPrice(catalog, 'nope')).toThrow(expect.objectContaining({ code: 'PRICE_NOT_FOUND' }))
  })

  it('reports every problem with file, line and column', () => {
    const text = VALID.replace('currency: usd\n    amount: "19.00"', 'currency: USD\n    amount: "19.001"')
      .replace('amount: "1500"', 'amount: "1500.5"')
      .replace('features: [premium]', 'features: [premium, gold]')
      .replace('interval: month', 'interval: fortnight')
    const problems = problemsOf(text)
    expect(problems).toEqual(
      expect.arrayContaining([
        'catalog.yaml:16:15 prices[0].currency: must be a lower-case ISO currency code such as usd',
        'catalog.yaml:17:13 prices[0].amount: "19.001" has more decimals than USD allows (2)',
        'catalog.yaml:21:13 prices[1].amount: "1500.5" has more decimals than JPY allows (0)',
        'catalog.yaml:26:28 prices[2].recurring.interval: Invalid option: expected one of "day"|"week"|"month"|"year"',
      ]),
    )
    // "gold" (a reference to another section) is checked once the shape is valid.
    expect(problems).toHaveLength(4)
  })

  it('says how to write an amount that is neither minor units nor a decimal string', () => {
    const problems = problemsOf(
      VALID.replace('amount: "19.00"', 'amount: 19.99').replace('amount: 800', 'amount: -800'),
    )
    expect(problems).toEqual([
      'catalog.yaml:17:13 prices[0].amount: must be a whole number of minor units (1900 for 19.00) or a decimal string ("19.00"), not 19.99',
      expect.stringMatching(/prices\[\d\]\.amount: must not be negative$/),
    ])
  })

  it('cross-checks references once the shape is valid', () => {
    const text = VALID.replace('features: [premium]', 'features: [premium, gold]')
      .replace('product: guide\n    currency: jpy', 'product: guid\n    currency: jpy')
      .replace('lookupKey: plan-monthly', 'lookupKey: guide')
      .replace('feature: premium, markdown', 'feature: platinum, markdown')
    expect(problemsOf(text)).toEqual([
      'catalog.yaml:22:16 prices[2].lookupKey: duplicate "guide"',
      'catalog.yaml:12:25 products[1].features[1]: unknown feature "gold"',
      'catalog.yaml:19:14 prices[1].product: unknown product "guid"',
      'catalog.yaml:30:48 pages[0].feature: unknown feature "platinum"',
    ])
  })

  it('points at the parent when a required key is missing, and reports YAML syntax errors', () => {
    expect(problemsOf(VALID.replace('    name: Guide\n', ''))).toEqual([
      'catalog.yaml:5:5 products[0].name: is required',
    ])
    expect(problemsOf('products:\n  - id: [unclosed\n')[0]).toMatch(/^catalog\.yaml:\d+:\d+ /)
  })

  it('takes every interval Stripe bills by, up to its three years, and names the limit past it', () => {
    const every = (recurring: string) => VALID.replace('recurring: { interval: month }', `recurring: ${recurring}`)
    const weekly = parseCatalog(every('{ interval: week }'), SOURCE)
    expect(getPrice(weekly, 'plan-monthly').recurring).toEqual({ interval: 'week', intervalCount: 1 })
    for (const [interval, most] of [['day', 1095], ['week', 156], ['month', 36], ['year', 3]] as const) {
      const longest = parseCatalog(every(`{ interval: ${interval}, intervalCount: ${most} }`), SOURCE)
      expect(getPrice(longest, 'plan-monthly').recurring).toEqual({ interval, intervalCount: most })
      const [problem, ...others] = problemsOf(every(`{ interval: ${interval}, intervalCount: ${most + 1} }`))
      expect(others).toEqual([])
      // Line and column: where the count is written.
      expect(problem).toBe(
        `catalog.yaml:26:${45 + interval.length} prices[2].recurring.intervalCount: must be at most ${most} for ${interval} (Stripe's longest interval is three years)`,
      )
    }
  })

  it('refuses a trial or family on a one-time price', () => {
    const text = VALID.replace('amount: "19.00"', 'amount: "19.00"\n    trialDays: 3')
    expect(problemsOf(text)).toEqual([
      'catalog.yaml:18:16 prices[0].trialDays: only recurring prices can have a trial',
    ])
  })
})

describe('the store section', () => {
  it('gives the brand fields it sets, the accent colour in lower case, and nothing else', () => {
    const store = `store:
  name: Ada Books
  accentColor: "#AA3300"
  supportEmail: help@ada.example
  termsUrl: https://ada.example/terms
`
    expect(parseCatalog(store + VALID, SOURCE).store).toEqual({
      name: 'Ada Books',
      accentColor: '#aa3300',
      supportEmail: 'help@ada.example',
      termsUrl: 'https://ada.example/terms',
    })
    expect(parseCatalog(VALID, SOURCE).store).toEqual({})
  })

  it('reports each bad field with its line, and a key it does not know', () => {
    const store = `store:
  name: ""
  logoUrl: javascript:alert(1)
  accentColor: blue
  supportEmail: help
  privacyUrl: ftp://ada.example/privacy
  colour: "#aa3300"
`
    expect(problemsOf(store + VALID)).toEqual([
      'catalog.yaml:2:9 store.name: must not be empty',
      'catalog.yaml:3:12 store.logoUrl: must be an http(s) URL',
      'catalog.yaml:4:16 store.accentColor: must be a hex colour like #2454d6',
      'catalog.yaml:5:17 store.supportEmail: must be an email address',
      'catalog.yaml:6:15 store.privacyUrl: must be an http(s) URL',
      'catalog.yaml:2:3 store: Unrecognized key: "colour"',
    ])
  })
})

describe('file stamping', () => {
  it('defaults to off, and is refused on a file that is not a PDF', () => {
    expect(parseCatalog(VALID, SOURCE).products[0]?.files[0]?.stamp).toBe(false)
    const stamped = VALID.replace(
      'contentType: application/pdf }',
      'contentType: application/pdf, stamp: true }',
    )
    expect(parseCatalog(stamped, SOURCE).products[0]?.files[0]?.stamp).toBe(true)
    const text = stamped.replace('contentType: application/pdf', 'contentType: application/zip')
    expect(problemsOf(text)).toEqual([
      'catalog.yaml:9:100 products[0].files[0].stamp: only a PDF (application/pdf) can be stamped',
    ])
  })
})

describe('the demo catalog', () => {
  it('loads: two PDFs in usd (forever and 30 days), one in jpy, monthly and yearly plans, /premium', () => {
    const catalog = loadCatalog('catalog.yaml')
    expect(findPrice(catalog, 'tokyo-edition-jpy')).toMatchObject({ currency: 'jpy', unitAmount: 1500 })
    const access = catalog.products.filter((p) => p.files.length > 0).map((p) => p.access)
    expect(access).toContainEqual('forever')
    expect(access).toContainEqual({ days: 30 })
    const plans = catalog.prices.filter((p) => p.recurring)
    expect(plans.map((p) => p.recurring?.interval).sort()).toEqual(['month', 'year'])
    expect(new Set(plans.map((p) => p.family)).size).toBe(1)
    expect(plans.every((p) => (p.trialDays ?? 0) > 0)).toBe(true)
    expect(catalog.pages.map((p) => p.path)).toEqual(['/premium'])
  })
})
