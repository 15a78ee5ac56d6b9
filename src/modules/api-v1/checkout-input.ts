/**
 * From a validated `POST /api/v1/checkout-sessions` body to the checkout module's input: redirect
 * URLs only to origins the owner allowed (PUBLIC_URL's and API_REDIRECT_ORIGINS), grants only of
 * the catalog's features, then grants and the recurring interval in the checkout module's terms.
 * @module
 */
import type { Config } from '../../config.js'
import type { Deps } from '../../deps.js'
import { AppError } from '../../lib/errors.js'
import type { ApiCheckoutInput } from '../checkout/index.js'
import type { CheckoutSessionBody } from './checkout-schema.js'
import { refuseUnknownFeature } from './errors.js'

function checkOrigin(config: Config, field: 'success_url' | 'cancel_url', url: string | undefined): void {
  if (url === undefined) return
  const origin = new URL(url).origin
  if (origin === new URL(config.publicUrl).origin || config.apiRedirectOrigins.includes(origin)) return
  throw new AppError('API_INVALID_PARAMETER', {
    message: `${field}: origin ${origin} is not allowed (API_REDIRECT_ORIGINS)`,
    details: { field },
  })
}

export function toApiCheckoutInput(
  deps: Pick<Deps, 'config' | 'catalog'>,
  body: CheckoutSessionBody,
  apiKeyId: string,
): Omit<ApiCheckoutInput, 'idempotencyKey'> {
  checkOrigin(deps.config, 'success_url', body.success_url)
  checkOrigin(deps.config, 'cancel_url', body.cancel_url)
  for (const [i, grant] of body.grants.entries()) {
    refuseUnknownFeature(deps.catalog, grant.feature, `grants.${i}.feature`)
  }
  const line: ApiCheckoutInput['line'] =
    body.price !== undefined
      ? { price: body.price, skipTrial: body.skip_trial }
      : {
          amount: body.amount as number,
          currency: body.currency as string,
          productName: body.product_name as string,
          ...(body.recurring
            ? {
                recurring: {
                  interval: body.recurring.interval,
                  intervalCount: body.recurring.interval_count,
                },
              }
            : {}),
        }
  return {
    line,
    quantity: body.quantity,
    ...(body.customer_email ? { customerEmail: body.customer_email } : {}),
    ...(body.customer_id ? { customerId: body.customer_id } : {}),
    billingAddressCollection: body.billing_address_collection,
    ...(body.success_url ? { successUrl: body.success_url } : {}),
    ...(body.cancel_url ? { cancelUrl: body.cancel_url } : {}),
    metadata: body.metadata ?? {},
    grants: body.grants.map((g) => ({ feature: g.feature, days: g.duration_days })),
    apiKeyId,
  }
}
