/**
 * Disputes, opened by Stripe's dispute test cards: a charge on `4000 0000 0000 0259` (fraudulent),
 * `…2685` (product not received) or `…1976` (an inquiry) succeeds and a dispute opens at once, in
 * the same request, as the Stripe CLI's dispute triggers expect: `charge.dispute.created`, then
 * `charge.dispute.funds_withdrawn` (not for inquiries). Evidence decides the end, as in test mode:
 * `evidence[uncategorized_text]=winning_evidence` with `submit` → `updated`, `closed` (won) and
 * `funds_reinstated`; `losing_evidence` → `updated`, `closed` (lost). `POST …/close` accepts the
 * dispute (lost). Routes: retrieve, list (`charge`, `payment_intent`, `created`), update, close.
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidRequest } from '../errors.js'
import { newId } from '../ids.js'
import { LIST_PARAMS, paginate } from '../list.js'
import {
  allowOnly,
  applyMetadata,
  inRange,
  optBool,
  optObject,
  optRange,
  optString,
  type Params,
} from '../params.js'
import { route } from '../registry.js'
import { getObject, insertObject, listObjects } from '../state.js'

export type DisputeKind = 'fraudulent' | 'product_not_received' | 'inquiry'

const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
] as const

const DAY = 86_400

function emptyEvidence(): Stripe.Dispute.Evidence {
  const evidence: Record<string, unknown> = { enhanced_evidence: {} }
  for (const field of EVIDENCE_FIELDS) evidence[field] = null
  return evidence as unknown as Stripe.Dispute.Evidence
}

/** Opens a dispute on a charge that just succeeded; emits its events after the charge's. */
export function openDispute(ctx: Ctx, charge: Stripe.Charge, kind: DisputeKind): Stripe.Dispute {
  const inquiry = kind === 'inquiry'
  const now = ctx.now()
  const dispute = {
    id: newId('dp', 24),
    object: 'dispute',
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: now,
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: emptyEvidence(),
    evidence_details: {
      due_by: now + 7 * DAY,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      submission_method: null,
    },
    intended_submission_method: null,
    is_charge_refundable: inquiry,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: {
      type: 'card',
      card: {
        brand: charge.payment_method_details?.card?.brand ?? 'visa',
        case_type: inquiry ? 'inquiry' : 'chargeback',
        network_reason_code: inquiry ? null : kind === 'fraudulent' ? '10.4' : '13.1',
      },
    },
    reason: inquiry ? 'general' : kind,
    status: inquiry ? 'warning_needs_response' : 'needs_response',
  } as unknown as Stripe.Dispute
  insertObject(ctx.state, dispute)
  charge.disputed = true
  ctx.emit('charge.dispute.created', dispute)
  if (!inquiry) ctx.emit('charge.dispute.funds_withdrawn', dispute)
  return dispute
}

function isClosed(dispute: Stripe.Dispute): boolean {
  return ['won', 'lost', 'warning_closed', 'prevented'].includes(dispute.status)
}

function refuseIfClosed(dispute: Stripe.Dispute): void {
  if (isClosed(dispute)) {
    throw invalidRequest(`This dispute is already closed (status: ${dispute.status}).`)
  }
}

/** The end test-mode evidence decides: won for `winning_evidence`, lost for `losing_evidence`. */
function decide(ctx: Ctx, dispute: Stripe.Dispute): void {
  const text = dispute.evidence.uncategorized_text
  if (text !== 'winning_evidence' && text !== 'losing_evidence') return
  const inquiry = dispute.status.startsWith('warning_')
  const won = text === 'winning_evidence'
  dispute.status = inquiry ? 'warning_closed' : won ? 'won' : 'lost'
  ctx.emit('charge.dispute.closed', dispute)
  if (won && !inquiry) ctx.emit('charge.dispute.funds_reinstated', dispute)
}

const DISPUTE_UPDATE = ['evidence', 'metadata', 'submit', 'intended_submission_method'] as const

function updateDispute(ctx: Ctx, dispute: Stripe.Dispute, params: Params): Stripe.Dispute {
  allowOnly(params, DISPUTE_UPDATE)
  refuseIfClosed(dispute)
  const evidence = optObject(params, 'evidence')
  if (evidence) {
    allowOnly(evidence, [...EVIDENCE_FIELDS, 'enhanced_evidence'], 'evidence')
    for (const field of EVIDENCE_FIELDS) {
      const value = optString(evidence, field, `evidence[${field}]`)
      if (value !== undefined) (dispute.evidence as unknown as Record<string, unknown>)[field] = value
    }
    dispute.evidence_details.has_evidence = true
  }
  dispute.metadata = applyMetadata(dispute.metadata ?? {}, params)
  // Evidence is staged until submitted; `submit` defaults to true, as on Stripe.
  const submit = optBool(params, 'submit') ?? true
  if (submit && evidence) {
    dispute.evidence_details.submission_count++
    dispute.status = dispute.status.startsWith('warning_') ? 'warning_under_review' : 'under_review'
  }
  ctx.emit('charge.dispute.updated', dispute)
  if (submit && evidence) decide(ctx, dispute)
  return dispute
}

function disputeOf(ctx: Ctx, id: string): Stripe.Dispute {
  return getObject<Stripe.Dispute>(ctx.state, 'dispute', id)
}

route('get', '/v1/disputes/:id', (ctx, _params, path) => disputeOf(ctx, path.id!))
route('post', '/v1/disputes/:id', (ctx, params, path) => {
  allowOnly(params, DISPUTE_UPDATE)
  return updateDispute(ctx, disputeOf(ctx, path.id!), params)
})
route('post', '/v1/disputes/:id/close', (ctx, params, path) => {
  allowOnly(params, [])
  const dispute = disputeOf(ctx, path.id!)
  refuseIfClosed(dispute)
  dispute.status = dispute.status.startsWith('warning_') ? 'warning_closed' : 'lost'
  ctx.emit('charge.dispute.closed', dispute)
  return dispute
})
route('get', '/v1/disputes', (ctx, params) => {
  allowOnly(params, [...LIST_PARAMS, 'charge', 'payment_intent', 'created'])
  const charge = optString(params, 'charge')
  const paymentIntent = optString(params, 'payment_intent')
  const created = optRange(params, 'created')
  const items = listObjects<Stripe.Dispute>(
    ctx.state,
    'dispute',
    (d) =>
      (!charge || d.charge === charge) &&
      (!paymentIntent || d.payment_intent === paymentIntent) &&
      inRange(d.created, created),
  )
  return paginate(items, params, '/v1/disputes')
})
