/**
 * The typed codec for the metadata Tollgate puts on Checkout Sessions. Our keys are prefixed
 * `tollgate_`; caller-supplied metadata can never overwrite them.
 * @module
 */

export type CheckoutMetadata = {
  /** Catalog lookup key of the price bought. */
  price: string
  quantity: number
  /** Our customer id when the buyer was signed in (also in `client_reference_id`). */
  customerId?: string
}

const KEYS = {
  price: 'tollgate_price',
  quantity: 'tollgate_quantity',
  customerId: 'tollgate_customer_id',
} as const

export function writeCheckoutMetadata(
  value: CheckoutMetadata,
  extra: Record<string, string> = {},
): Record<string, string> {
  const ours: Record<string, string> = { [KEYS.price]: value.price, [KEYS.quantity]: String(value.quantity) }
  if (value.customerId) ours[KEYS.customerId] = value.customerId
  const theirs = Object.fromEntries(Object.entries(extra).filter(([k]) => !k.startsWith('tollgate_')))
  return { ...theirs, ...ours }
}

/** Reads our keys back; undefined when the session was not created by Tollgate. */
export function readCheckoutMetadata(
  metadata: Record<string, string> | null | undefined,
): CheckoutMetadata | undefined {
  const price = metadata?.[KEYS.price]
  if (!price) return undefined
  const quantity = Number.parseInt(metadata?.[KEYS.quantity] ?? '1', 10)
  const customerId = metadata?.[KEYS.customerId]
  return {
    price,
    quantity: Number.isSafeInteger(quantity) && quantity > 0 ? quantity : 1,
    ...(customerId ? { customerId } : {}),
  }
}
