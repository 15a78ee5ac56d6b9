/**
 * Properties of the catalog loader: any valid catalog written out as YAML loads back to the same
 * products, prices (amounts exact in minor units), features and pages; any other text is refused
 * with a CatalogError naming file:line:col for each problem, never another kind of error.
 * @see issue 9
 */
import { resolve } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { minorToDecimal } from '../../lib/money.js'
import { CatalogError, parseCatalog } from './load.js'

const SOURCE = resolve('catalog.yaml')
const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,11}$/)
const text = fc.string({ minLength: 1, maxLength: 30 })
const CURRENCIES = ['usd', 'eur', 'jpy', 'kwd'] as const

type Generated = {
  doc: Record<string, unknown>
  amounts: Map<string, number>
}

const catalog: fc.Arbitrary<Generated> = fc
  .record({
    features: fc.uniqueArray(slug, { maxLength: 4 }),
    products: fc.uniqueArray(slug, { minLength: 1, maxLength: 4 }),
    prices: fc.uniqueArray(slug, { maxLength: 6 }),
    pages: fc.uniqueArray(slug, { maxLength: 3 }),
  })
  .chain((keys) =>
    fc.record({
      features: fc.constant(keys.features.map((key) => ({ key, name: `Feature ${key}` }))),
      products: fc.tuple(
        ...keys.products.map((id) =>
          fc.record({
            id: fc.constant(id),
            name: text,
            description: text,
            features: fc.subarray(keys.features),
            files: fc.constant([
              { id: `${id}-file`, title: 'File', path: `files/${id}.pdf`, contentType: 'application/pdf' },
            ]),
            access: fc.oneof(
              fc.constant('forever'),
              fc.record({ days: fc.integer({ min: 1, max: 36_500 }) }),
            ),
          }),
        ),
      ),
      prices: fc.tuple(
        ...keys.prices.map((lookupKey) =>
          fc.record({
            lookupKey: fc.constant(lookupKey),
            product: fc.constantFrom(...keys.products),
            currency: fc.constantFrom(...CURRENCIES),
            minor: fc.integer({ min: 0, max: 10_000_000_000 }),
            decimal: fc.boolean(),
            recurring: fc.option(fc.record({ interval: fc.constantFrom('month', 'year') }), {
              nil: undefined,
            }),
          }),
        ),
      ),
      pages: fc.constant(
        keys.features.length === 0
          ? []
          : keys.pages.map((p, i) => ({
              path: `/${p}`,
              title: `Page ${p}`,
              feature: keys.features[i % keys.features.length],
              markdown: '# Hi',
            })),
      ),
    }),
  )
  .map((c) => {
    const amounts = new Map(c.prices.map((p) => [p.lookupKey, p.minor]))
    const prices = c.prices.map(({ minor, decimal, recurring, ...p }) => ({
      ...p,
      amount: decimal ? minorToDecimal(minor, p.currency) : minor,
      ...(recurring ? { recurring } : {}),
    }))
    return { doc: { ...c, prices }, amounts }
  })

function problemsOf(yaml: string): readonly string[] | 'loaded' {
  try {
    parseCatalog(yaml, SOURCE)
    return 'loaded'
  } catch (err) {
    if (err instanceof CatalogError) return err.problems
    throw err
  }
}

describe('parseCatalog (properties)', () => {
  it('a valid catalog written as YAML loads back the same, amounts exact in minor units', () => {
    fc.assert(
      fc.property(catalog, ({ doc, amounts }) => {
        const loaded = parseCatalog(stringify(doc), SOURCE)
        const products = doc.products as { id: string; name: string; features: string[] }[]
        expect(loaded.products.map((p) => [p.id, p.name, p.features])).toEqual(
          products.map((p) => [p.id, p.name, p.features]),
        )
        expect(new Map(loaded.prices.map((p) => [p.lookupKey, p.unitAmount]))).toEqual(amounts)
        expect(loaded.pages.map((p) => p.path)).toEqual((doc.pages as { path: string }[]).map((p) => p.path))
      }),
      { numRuns: 60 },
    )
  })

  it('any other text is refused with a CatalogError naming file:line:col, never another error', () => {
    const token = fc.constantFrom(
      'features:',
      'products:',
      'prices:',
      'pages:',
      '- ',
      '  ',
      '\n',
      ':',
      '[',
      ']',
      '{',
      '}',
      ',',
      '"',
      "'",
      '&a ',
      '*a',
      '!!binary ',
      '!!js/function ',
      '<<: *a',
      'id: x',
      'amount: 1.5',
      'currency: usd',
      '~',
      '0x1f',
      '#',
    )
    const garbage = fc.oneof(
      fc.string(),
      fc.array(token, { maxLength: 40 }).map((t) => t.join('')),
    )
    fc.assert(
      fc.property(garbage, (yaml) => {
        const result = problemsOf(yaml)
        if (result === 'loaded') return
        expect(result.length).toBeGreaterThan(0)
        for (const problem of result) expect(problem).toMatch(/^catalog\.yaml:\d+:\d+ /)
      }),
      { numRuns: 300 },
    )
  })

  it('a valid catalog with one price amount broken is refused, naming that price', () => {
    const broken = fc.constantFrom('-1', '1.2.3', '19,00', 'abc', '1e3', '0.0001')
    fc.assert(
      fc.property(catalog, broken, ({ doc }, amount) => {
        const prices = doc.prices as { amount: unknown }[]
        fc.pre(prices.length > 0)
        const bad = { ...doc, prices: prices.map((p, i) => (i === 0 ? { ...p, amount } : p)) }
        const result = problemsOf(stringify(bad))
        expect(result).not.toBe('loaded')
        expect((result as readonly string[]).some((p) => p.includes('prices[0].amount'))).toBe(true)
      }),
      { numRuns: 40 },
    )
  })

  /** Found by the property above: `*a` threw the yaml library's ReferenceError, a stack trace at start-up. */
  it('an alias before its anchor, and a billion-laughs document, are CatalogErrors', () => {
    const laughs = ['a: &a [x, x, x, x, x, x, x, x, x]']
    for (const name of 'bcdefgh')
      laughs.push(
        `${name}: &${name} [${Array(9)
          .fill(`*${String.fromCharCode(name.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      )
    for (const yaml of ['*a', 'products: [*x]', laughs.join('\n')]) {
      const problems = problemsOf(yaml)
      expect(problems).not.toBe('loaded')
      expect((problems as readonly string[])[0]).toMatch(/^catalog\.yaml:\d+:\d+ /)
    }
  })
})
