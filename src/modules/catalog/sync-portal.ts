/**
 * The Billing Portal configuration the store's members see, made from the catalog on every sync:
 * switching between the plans of the family (prorated at once, as the account page's upgrades
 * are), cancellation at the period end with a reason, card updates and invoice history. Found
 * again by metadata `tollgate_portal`; a rerun with the same catalog changes nothing. Switching is
 * offered only when the catalog has one plan family: the portal would let a member switch to any
 * listed price, across families, which would break one plan per family (the account page switches
 * within the family instead).
 * @module
 */
import type Stripe from 'stripe'
import type { CatalogContext } from './context.js'

/** What the sync did (or, in a dry run, would do) to the configuration. */
export type PortalAction = {
  kind: 'create-portal' | 'update-portal' | 'unchanged'
  target: string
  detail?: string
}

export const PORTAL_METADATA_KEY = 'tollgate_portal'

/** Stripe's cancellation reasons, all offered (the member picks one; we store it). */
const CANCEL_REASONS: Stripe.BillingPortal.ConfigurationCreateParams.Features.SubscriptionCancel.CancellationReason.Option[] =
  [
    'too_expensive',
    'missing_features',
    'switched_service',
    'unused',
    'customer_service',
    'too_complex',
    'low_quality',
    'other',
  ]

/** Recurring Stripe prices by Stripe product, as the sync left them. */
export type PlanPrices = Map<string, string[]>

function wantedFeatures(
  deps: CatalogContext,
  plans: PlanPrices,
): Stripe.BillingPortal.ConfigurationCreateParams.Features {
  const families = new Set(deps.catalog.prices.filter((p) => p.recurring).map((p) => p.family ?? p.productId))
  const products = [...plans].map(([product, prices]) => ({ product, prices: [...prices].sort() }))
  const switching = families.size === 1 && products.some((p) => p.prices.length > 1)
  return {
    invoice_history: { enabled: true },
    payment_method_update: { enabled: true },
    subscription_cancel: {
      enabled: true,
      mode: 'at_period_end',
      cancellation_reason: { enabled: true, options: CANCEL_REASONS },
    },
    subscription_update: switching
      ? {
          enabled: true,
          default_allowed_updates: ['price'],
          proration_behavior: 'create_prorations',
          products,
        }
      : { enabled: false },
  }
}

/** Whether the configuration already offers what `wanted` asks for (so nothing is sent). */
function matches(
  config: Stripe.BillingPortal.Configuration,
  wanted: Stripe.BillingPortal.ConfigurationCreateParams.Features,
): boolean {
  const f = config.features
  const update = wanted.subscription_update ?? { enabled: false }
  const haveProducts = (f.subscription_update.products ?? []).map((p) => ({
    product: p.product,
    prices: [...p.prices].sort(),
  }))
  return (
    f.invoice_history.enabled &&
    f.payment_method_update.enabled &&
    f.subscription_cancel.enabled &&
    f.subscription_cancel.mode === 'at_period_end' &&
    f.subscription_cancel.cancellation_reason.enabled &&
    JSON.stringify([...f.subscription_cancel.cancellation_reason.options].sort()) ===
      JSON.stringify([...CANCEL_REASONS].sort()) &&
    f.subscription_update.enabled === update.enabled &&
    (!update.enabled ||
      (f.subscription_update.proration_behavior === update.proration_behavior &&
        JSON.stringify(haveProducts) === JSON.stringify(update.products)))
  )
}

/** Finds the store's configuration (active, ours by metadata), if one was made before. */
export async function findPortalConfiguration(
  stripe: Stripe,
): Promise<Stripe.BillingPortal.Configuration | undefined> {
  for await (const config of stripe.billingPortal.configurations.list({ active: true, limit: 100 })) {
    if (config.metadata?.[PORTAL_METADATA_KEY]) return config
  }
  return undefined
}

export async function syncPortalConfiguration(
  deps: CatalogContext,
  plans: PlanPrices,
  dryRun: boolean,
): Promise<PortalAction | undefined> {
  if (!deps.catalog.prices.some((p) => p.recurring)) return undefined
  const wanted = wantedFeatures(deps, plans)
  const existing = await findPortalConfiguration(deps.stripe)
  const detail = wanted.subscription_update?.enabled
    ? 'plan switching, cancellation reasons'
    : 'cancellation reasons'
  if (existing && matches(existing, wanted)) return { kind: 'unchanged', target: `portal ${existing.id}` }
  const action: PortalAction = {
    kind: existing ? 'update-portal' : 'create-portal',
    target: existing ? `portal ${existing.id}` : 'portal',
    detail,
  }
  if (dryRun) return action
  if (existing) {
    await deps.stripe.billingPortal.configurations.update(existing.id, { features: wanted })
  } else {
    await deps.stripe.billingPortal.configurations.create({
      features: wanted,
      metadata: { [PORTAL_METADATA_KEY]: '1' },
    })
  }
  return action
}
