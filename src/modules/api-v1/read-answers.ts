/**
 * Domain objects → `/api/v1` answers (snake_case, Stripe-like `object` names), in one place so the
 * handlers stay short and every answer matches its schema in `read-schemas.ts`.
 * @module
 */
import type { Customer } from '../customers/index.js'
import type { EntitlementView, GrantRow } from '../entitlements/index.js'
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

export function grantAnswer(g: GrantRow) {
  return {
    id: g.id,
    object: 'grant' as const,
    customer_id: g.customer_id,
    feature: g.feature,
    source: g.source_type,
    starts_at: g.starts_at,
    ends_at: g.ends_at,
    revoked_at: g.revoked_at,
  }
}
