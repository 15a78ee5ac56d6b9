/**
 * Turns schema-valid catalog input into the Catalog: converts amounts exactly, resolves file
 * paths, and checks what a schema cannot (unique ids, references between sections).
 * @module
 */
import { resolve } from 'node:path'
import type { BrandSettings } from '../../lib/brand.js'
import { parseMoney } from '../../lib/money.js'
import type { CatalogInput } from './schema.js'
import type { Catalog, CatalogPrice, CatalogProduct, Problem } from './types.js'

export function buildCatalog(
  input: CatalogInput,
  source: string,
  baseDir: string,
): { catalog: Catalog; problems: Problem[] } {
  const problems: Problem[] = []
  const featureKeys = new Set(input.features.map((f) => f.key))
  checkUnique(
    input.features.map((f) => f.key),
    'features',
    'key',
    problems,
  )
  checkUnique(
    input.products.map((p) => p.id),
    'products',
    'id',
    problems,
  )
  checkUnique(
    input.prices.map((p) => p.lookupKey),
    'prices',
    'lookupKey',
    problems,
  )
  checkUnique(
    input.pages.map((p) => p.path),
    'pages',
    'path',
    problems,
  )
  const fileIds = input.products.flatMap((p, i) =>
    p.files.map((f, j) => ({ id: f.id, path: ['products', i, 'files', j, 'id'] })),
  )
  checkUniqueAt(fileIds, problems)

  const products: CatalogProduct[] = input.products.map((p, i) => {
    p.features.forEach((f, j) => {
      if (!featureKeys.has(f))
        problems.push({ path: ['products', i, 'features', j], message: `unknown feature "${f}"` })
    })
    p.files.forEach((f, j) => {
      if (f.stamp && f.contentType !== 'application/pdf')
        problems.push({
          path: ['products', i, 'files', j, 'stamp'],
          message: 'only a PDF (application/pdf) can be stamped',
        })
    })
    const files = p.files.map((f) => ({ ...f, path: resolve(baseDir, f.path), feature: `file:${f.id}` }))
    return {
      id: p.id,
      name: p.name,
      description: p.description,
      features: p.features,
      files,
      access: p.access,
      prices: [],
    }
  })
  const byId = new Map(products.map((p) => [p.id, p]))
  const prices = input.prices.flatMap((p, i) => {
    const price = buildPrice(p)
    const product = byId.get(p.product)
    if (!product) problems.push({ path: ['prices', i, 'product'], message: `unknown product "${p.product}"` })
    if (!product) return []
    product.prices.push(price)
    return [price]
  })
  const fileFeatures = new Set(products.flatMap((p) => p.files.map((f) => f.feature)))
  input.pages.forEach((page, i) => {
    if (!featureKeys.has(page.feature) && !fileFeatures.has(page.feature)) {
      problems.push({ path: ['pages', i, 'feature'], message: `unknown feature "${page.feature}"` })
    }
  })
  const store = Object.freeze(
    Object.fromEntries(Object.entries(input.store).filter(([, v]) => v !== undefined)),
  ) as BrandSettings
  return {
    catalog: { source, store, features: input.features, products, prices, pages: input.pages },
    problems,
  }
}

function buildPrice(p: CatalogInput['prices'][number]): CatalogPrice {
  return {
    lookupKey: p.lookupKey,
    productId: p.product,
    currency: p.currency,
    // The schema already proved a string amount converts exactly.
    unitAmount: typeof p.amount === 'number' ? p.amount : parseMoney(p.amount, p.currency),
    nickname: p.nickname,
    recurring: p.recurring,
    trialDays: p.trialDays,
    trialCard: p.trialCard,
    trialEndWithoutCard: p.trialEndWithoutCard,
    allowPromotionCodes: p.allowPromotionCodes,
    family: p.family,
  }
}

function checkUnique(values: string[], section: string, field: string, problems: Problem[]): void {
  checkUniqueAt(
    values.map((id, i) => ({ id, path: [section, i, field] })),
    problems,
  )
}

function checkUniqueAt(entries: { id: string; path: (string | number)[] }[], problems: Problem[]): void {
  const seen = new Set<string>()
  for (const { id, path } of entries) {
    if (seen.has(id)) problems.push({ path, message: `duplicate "${id}"` })
    seen.add(id)
  }
}
