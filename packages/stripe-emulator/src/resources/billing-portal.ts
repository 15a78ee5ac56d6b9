/**
 * Billing Portal configurations (`bpc_`) and sessions (`bps_`). A default configuration exists
 * from the first use (invoice history, card update, cancel at period end); a session's `url` opens
 * the hosted portal page (`pages/portal.tsx`).
 * @module
 */
import type Stripe from 'stripe'
import { defaultFeatures, mergeFeatures, portalDefaultFeatures } from '../billing/portal-config.js'
import type { Ctx } from '../context.js'
import { invalidParam, missingParam } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  nullableString,
  optBool,
  optObject,
  optString,
  type Params,
  reqString,
} from '../params.js'
import { route } from '../registry.js'
import { findObject, getObject, insertObject, listObjects } from '../state.js'
import '../pages/portal.js'

type Configuration = Stripe.BillingPortal.Configuration
type Session = Stripe.BillingPortal.Session

function buildConfiguration(
  ctx: Ctx,
  features: Stripe.BillingPortal.Configuration.Features,
  isDefault: boolean,
): Configuration {
  const now = ctx.now()
  return {
    id: newId('bpc', 24),
    object: 'billing_portal.configuration',
    active: true,
    application: null,
    business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
    created: now,
    default_return_url: null,
    features,
    is_default: isDefault,
    livemode: false,
    login_page: { enabled: false, url: null },
    metadata: {},
    name: null,
    updated: now,
  }
}

/** The account's default configuration, created on first need (as a dashboard-saved one would be). */
export function defaultConfiguration(ctx: Ctx): Configuration {
  const found = listObjects<Configuration>(ctx.state, 'billing_portal.configuration', (c) => c.is_default)[0]
  if (found) return found
  const config = buildConfiguration(ctx, portalDefaultFeatures(), true)
  insertObject(ctx.state, config)
  return config
}

function applyConfigParams(config: Configuration, params: Params): void {
  const profile = optObject(params, 'business_profile')
  if (profile) {
    allowOnly(profile, ['headline', 'privacy_policy_url', 'terms_of_service_url'], 'business_profile')
    const bp = config.business_profile
    bp.headline = nullableString(profile, 'headline') ?? bp.headline
    bp.privacy_policy_url = optString(profile, 'privacy_policy_url') ?? bp.privacy_policy_url
    bp.terms_of_service_url = optString(profile, 'terms_of_service_url') ?? bp.terms_of_service_url
  }
  const returnUrl = nullableString(params, 'default_return_url')
  if (returnUrl !== undefined) config.default_return_url = returnUrl
  const name = nullableString(params, 'name')
  if (name !== undefined) config.name = name
  config.metadata = applyMetadata(config.metadata ?? {}, params)
  const features = optObject(params, 'features')
  if (features) mergeFeatures(config.features, features)
  const login = optObject(params, 'login_page')
  if (login) config.login_page.enabled = optBool(login, 'enabled') ?? config.login_page.enabled
}

const CONFIG_PARAMS = ['business_profile', 'default_return_url', 'features', 'login_page', 'metadata', 'name']

route('post', '/v1/billing_portal/configurations', (ctx, params) => {
  allowOnly(params, CONFIG_PARAMS)
  if (!optObject(params, 'features')) throw missingParam('features')
  const config = buildConfiguration(ctx, defaultFeatures(), false)
  applyConfigParams(config, params)
  insertObject(ctx.state, config)
  ctx.emit('billing_portal.configuration.created', config)
  return config
})

route('post', '/v1/billing_portal/configurations/:id', (ctx, params, path) => {
  allowOnly(params, [...CONFIG_PARAMS, 'active'])
  const config = getObject<Configuration>(
    ctx.state,
    'billing_portal.configuration',
    path.id!,
    'configuration',
  )
  const before = JSON.parse(JSON.stringify(config)) as Configuration
  applyConfigParams(config, params)
  const active = optBool(params, 'active')
  if (active !== undefined) {
    if (config.is_default && !active)
      throw invalidParam('active', 'The default configuration cannot be deactivated.')
    config.active = active
  }
  config.updated = ctx.now()
  const prev: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(before)) {
    if (JSON.stringify(v) !== JSON.stringify((config as unknown as Record<string, unknown>)[k])) prev[k] = v
  }
  ctx.emit('billing_portal.configuration.updated', config, prev)
  return config
})

route('get', '/v1/billing_portal/configurations/:id', (ctx, _params, path) =>
  getObject(ctx.state, 'billing_portal.configuration', path.id!, 'id'),
)

route('get', '/v1/billing_portal/configurations', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'active', 'is_default'])
  defaultConfiguration(ctx)
  const active = optBool(params, 'active')
  const isDefault = optBool(params, 'is_default')
  const all = listObjects<Configuration>(
    ctx.state,
    'billing_portal.configuration',
    (c) =>
      (active === undefined || c.active === active) &&
      (isDefault === undefined || c.is_default === isDefault),
  )
  return paginate(all, params, '/v1/billing_portal/configurations')
})

const FLOWS = [
  'customer_update',
  'payment_method_update',
  'subscription_cancel',
  'subscription_pause',
  'subscription_update',
  'subscription_update_confirm',
]

/** `flow_data` echoed as `flow` (with Stripe's nulls for the parts not given). */
function readFlow(params: Params): Stripe.BillingPortal.Session.Flow | null {
  const data = optObject(params, 'flow_data')
  if (!data) return null
  allowOnly(
    data,
    ['type', 'after_completion', 'subscription_cancel', 'subscription_update', 'subscription_update_confirm'],
    'flow_data',
  )
  const type = reqString(data, 'type', 'flow_data[type]')
  if (!FLOWS.includes(type))
    throw invalidParam('flow_data[type]', `Invalid flow_data[type]: must be one of ${FLOWS.join(', ')}`)
  const after = optObject(data, 'after_completion')
  const afterType = (after && optString(after, 'type')) ?? 'portal_homepage'
  const redirect = after && optObject(after, 'redirect')
  const subOf = (key: string) => {
    const o = optObject(data, key)
    return o ? { ...o } : null
  }
  return {
    after_completion: {
      hosted_confirmation: afterType === 'hosted_confirmation' ? { custom_message: null } : null,
      redirect:
        afterType === 'redirect'
          ? { return_url: (redirect && optString(redirect, 'return_url')) ?? '' }
          : null,
      type: afterType,
    },
    subscription_cancel: subOf('subscription_cancel'),
    subscription_update: subOf('subscription_update'),
    subscription_update_confirm: subOf('subscription_update_confirm'),
    type,
  } as unknown as Stripe.BillingPortal.Session.Flow
}

/** The subscription a subscription flow is about (`flow_data[<type>][subscription]`), if any. */
export function flowSubscription(flow: Session['flow']): string | null {
  if (!flow) return null
  const part = (flow as unknown as Record<string, { subscription?: string } | null>)[flow.type]
  return typeof part?.subscription === 'string' ? part.subscription : null
}

/** Subscription flows must name one of the customer's subscriptions, as Stripe checks. */
function checkFlowSubscription(ctx: Ctx, flow: Session['flow'], customerId: string): void {
  if (!flow?.type.startsWith('subscription_') || flow.type === 'subscription_pause') return
  const subId = flowSubscription(flow)
  const param = `flow_data[${flow.type}][subscription]`
  if (!subId) throw missingParam(param)
  const sub = getObject<Stripe.Subscription>(ctx.state, 'subscription', subId, param)
  if (sub.customer !== customerId)
    throw invalidParam(param, 'The subscription does not belong to this customer.')
}

route('post', '/v1/billing_portal/sessions', (ctx, params) => {
  allowOnly(params, [
    'customer',
    'customer_account',
    'return_url',
    'configuration',
    'flow_data',
    'locale',
    'on_behalf_of',
  ])
  const customer = getObject<Stripe.Customer>(
    ctx.state,
    'customer',
    reqString(params, 'customer'),
    'customer',
  )
  const configId = optString(params, 'configuration')
  const config = configId
    ? getObject<Configuration>(ctx.state, 'billing_portal.configuration', configId, 'configuration')
    : defaultConfiguration(ctx)
  const flow = readFlow(params)
  checkFlowSubscription(ctx, flow, customer.id)
  const id = newId('bps', 24)
  const session: Session = {
    id,
    object: 'billing_portal.session',
    configuration: config.id,
    created: ctx.now(),
    customer: customer.id,
    customer_account: null,
    flow,
    livemode: false,
    locale: (optString(params, 'locale') ?? null) as Stripe.BillingPortal.Session['locale'],
    on_behalf_of: null,
    return_url: optString(params, 'return_url') ?? config.default_return_url,
    url: `${ctx.baseUrl}/p/session/${id}`,
  }
  insertObject(ctx.state, session)
  ctx.emit('billing_portal.session.created', session)
  return session
})

export function findPortalSession(ctx: Ctx, id: string): Session | undefined {
  return findObject<Session>(ctx.state, id, 'billing_portal.session')
}
