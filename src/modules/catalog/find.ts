import { AppError } from '../../lib/errors.js'
import type { Catalog, CatalogPrice, CatalogProduct } from './types.js'

export function findPrice(catalog: Catalog, lookupKey: string): CatalogPrice | undefined {
  return catalog.prices.find((p) => p.lookupKey === lookupKey)
}

/** Like findPrice, but throws AppError('PRICE_NOT_FOUND'). */
export function getPrice(catalog: Catalog, lookupKey: string): CatalogPrice {
  const price = findPrice(catalog, lookupKey)
  if (!price) throw new AppError('PRICE_NOT_FOUND', { details: { price: lookupKey } })
  return price
}

export function findProduct(catalog: Catalog, id: string): CatalogProduct | undefined {
  return catalog.products.find((p) => p.id === id)
}

export function getProduct(catalog: Catalog, id: string): CatalogProduct {
  const product = findProduct(catalog, id)
  if (!product) throw new AppError('PRODUCT_NOT_FOUND', { details: { product: id } })
  return product
}

export function productOfPrice(catalog: Catalog, price: CatalogPrice): CatalogProduct {
  return getProduct(catalog, price.productId)
}

/** Features a product grants: its declared features plus `file:<id>` for each attached file. */
export function featuresOfProduct(product: CatalogProduct): string[] {
  return [...product.features, ...product.files.map((f) => f.feature)]
}

export function findFeature(catalog: Catalog, key: string): Catalog['features'][number] | undefined {
  return catalog.features.find((f) => f.key === key)
}

/** A feature as a buyer reads it: its catalog name, or the title of the file it opens. */
export function featureLabel(catalog: Catalog, key: string): string {
  const feature = findFeature(catalog, key)
  if (feature) return feature.name
  const file = catalog.products.flatMap((p) => p.files).find((f) => f.feature === key)
  return file?.title ?? key.replace(/^file:/, '')
}
