/**
 * Domain objects → `/api/v1` answers (snake_case, Stripe-like `object` names), in one place so the
 * handlers stay short and every answer matches its schema in `read-schemas.ts`.
 * @module
 */
import type { Customer } from '../customers/index.js'
import { type EntitlementView, grantObject } from '../entitlements/index.js'
import { orderObject } from '../orders/index.js'

/** The order as `GET /api/v1/orders/{id}` answers it: the same object its events carry. */
export const orderAnswer = orderObject

export function customerAnswer(c: Customer) {
  return { id: c.id, object: 'customer' as const, email: c.email, created_at: c.createdAt.toISOString() }
}

export function entitlementAnswer(e: EntitlementView) {
  return {
    feature: e.feature,
    allowed: e.allowed,
    ...(e.via ? { via: e.via } : {}),
    ...(e.sourceId ? { source_id: e.sourceId } : {}),
    ...(e.until !== undefined ? { until: e.until } : {}),
  }
}

/** A grant as `/api/v1/grants` answers it: the same object its events carry. */
export const grantAnswer = grantObject
