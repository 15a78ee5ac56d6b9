/**
 * The typed codec for the metadata Tollgate puts on Checkout Sessions. Our keys are prefixed
 * `tollgate_`; caller-supplied metadata can never overwrite them.
 * @module
 */

/** What an integrator's checkout gives besides the product: a feature for some days or forever. */
export type GrantSpec = { feature: string; days: number | null }

export type CheckoutMetadata = {
  /** Catalog lookup key of the price bought, or ADHOC_PRICE for an integrator's ad-hoc line. */
  price: string
  quantity: number
  /** Our customer id when the buyer was signed in (also in `client_reference_id`). */
  customerId?: string
  /** The ad-hoc line's product name (ad-hoc lines have no catalog product). */
  productName?: string
  /** Extra grants an integrator asked for (`/api/v1/checkout-sessions`). */
  grants?: GrantSpec[]
  /** The API key that started the checkout. */
  apiKeyId?: string
}

/** The `price` of an ad-hoc line: no catalog price has a colon in its lookup key. */
export const ADHOC_PRICE = 'api:adhoc'

const KEYS = {
  price: 'tollgate_price',
  quantity: 'tollgate_quantity',
  customerId: 'tollgate_customer_id',
  productName: 'tollgate_product_name',
  grants: 'tollgate_grants',
  apiKeyId: 'tollgate_api_key',
} as const

/** Our reserved prefix: metadata keys starting with it are Tollgate's. */
export const RESERVED_METADATA_PREFIX = 'tollgate_'

export function writeCheckoutMetadata(
  value: CheckoutMetadata,
  extra: Record<string, string> = {},
): Record<string, string> {
  const ours: Record<string, string> = { [KEYS.price]: value.price, [KEYS.quantity]: String(value.quantity) }
  if (value.customerId) ours[KEYS.customerId] = value.customerId
  if (value.productName) ours[KEYS.productName] = value.productName
  if (value.grants?.length) ours[KEYS.grants] = JSON.stringify(value.grants.map((g) => [g.feature, g.days]))
  if (value.apiKeyId) ours[KEYS.apiKeyId] = value.apiKeyId
  return { ...callerMetadata(extra), ...ours }
}

/** The caller's part of a session's metadata (our keys removed). */
export function callerMetadata(metadata: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(metadata ?? {}).filter(([k]) => !k.startsWith(RESERVED_METADATA_PREFIX)),
  )
}

/** Reads our keys back; undefined when the session was not created by Tollgate. */
export function readCheckoutMetadata(
  metadata: Record<string, string> | null | undefined,
): CheckoutMetadata | undefined {
  const price = metadata?.[KEYS.price]
  if (!price) return undefined
  const quantity = Number.parseInt(metadata?.[KEYS.quantity] ?? '1', 10)
  const customerId = metadata?.[KEYS.customerId]
  const productName = metadata?.[KEYS.productName]
  const grants = readGrants(metadata?.[KEYS.grants])
  const apiKeyId = metadata?.[KEYS.apiKeyId]
  return {
    price,
    quantity: Number.isSafeInteger(quantity) && quantity > 0 ? quantity : 1,
    ...(customerId ? { customerId } : {}),
    ...(productName ? { productName } : {}),
    ...(grants.length ? { grants } : {}),
    ...(apiKeyId ? { apiKeyId } : {}),
  }
}

function readGrants(text: string | undefined): GrantSpec[] {
  if (!text) return []
  try {
    const parsed: unknown = JSON.parse(text)
    if (!Array.isArray(parsed)) return []
    return parsed.flatMap((entry): GrantSpec[] => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') return []
      const days = entry[1]
      return typeof days === 'number' || days === null ? [{ feature: entry[0], days }] : []
    })
  } catch {
    return []
  }
}
