import type { Catalog, CatalogFile, CatalogProduct } from '../catalog/index.js'

export type ProductFile = { file: CatalogFile; product: CatalogProduct }

/** Files are addressed by catalog id only; a user-supplied path never reaches the filesystem. */
export function findCatalogFile(catalog: Catalog, id: string): ProductFile | undefined {
  for (const product of catalog.products) {
    const file = product.files.find((f) => f.id === id)
    if (file) return { file, product }
  }
  return undefined
}

export function listCatalogFiles(catalog: Catalog): ProductFile[] {
  return catalog.products.flatMap((product) => product.files.map((file) => ({ file, product })))
}
