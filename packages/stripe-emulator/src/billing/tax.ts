/**
 * Fixed-rate tax (`txr_…`) applied to amounts, as Stripe applies manual tax rates: per line, on the
 * line's amount after its share of the discount, rounded to whole minor units half away from zero.
 * Inclusive rates are carved out of the amount (`amount × p / (100 + p)`); exclusive rates are
 * added on the amount net of inclusive tax. Invoices, their previews and Checkout line items all
 * compute through here. Automatic tax is not modelled (refused where it is asked for).
 * @module
 */
import type Stripe from 'stripe'
import type { Ctx } from '../context.js'
import { invalidParam } from '../errors.js'
import type { ParamValue } from '../params.js'
import { getObject } from '../state.js'

export type TaxShare = { rate: Stripe.TaxRate; amount: number; taxable: number }

/** `num / den` rounded half away from zero (den > 0), in integers. */
function roundDiv(num: number, den: number): number {
  const sign = num < 0 ? -1 : 1
  return sign * Math.floor((2 * Math.abs(num) + den) / (2 * den))
}

/** A percentage (at most 4 decimals) as an integer number of 1/10 000 %. */
const scaled = (rate: Stripe.TaxRate): number => Math.round(rate.percentage * 10_000)

/**
 * The tax each rate adds to (or carves out of) `amount`. `taxable` is the amount net of inclusive
 * tax, the base of every rate, as Stripe reports it.
 */
export function taxShares(amount: number, rates: readonly Stripe.TaxRate[]): TaxShare[] {
  const inclusive = rates.filter((r) => r.inclusive)
  const pIn = inclusive.reduce((sum, r) => sum + scaled(r), 0)
  const carved = pIn === 0 ? 0 : roundDiv(amount * pIn, 1_000_000 + pIn)
  const taxable = amount - carved
  let carvedLeft = carved
  return rates.map((rate) => {
    if (!rate.inclusive) return { rate, amount: roundDiv(taxable * scaled(rate), 1_000_000), taxable }
    // Several inclusive rates split the carved-out tax by percentage; the last takes the remainder.
    const last = inclusive[inclusive.length - 1] === rate
    const share = last ? carvedLeft : roundDiv(carved * scaled(rate), pIn)
    carvedLeft -= share
    return { rate, amount: share, taxable }
  })
}

/**
 * `tax_rates` / `default_tax_rates`: an array of `txr_` ids (`''` clears it, then `[]`); undefined
 * when absent. Each must exist and be active, as on Stripe.
 */
export function readTaxRates(
  ctx: Ctx,
  value: ParamValue | undefined,
  name: string,
): Stripe.TaxRate[] | undefined {
  if (value === undefined) return undefined
  if (value === '') return []
  const ids = typeof value === 'string' ? [value] : value
  if (!Array.isArray(ids) || ids.some((v) => typeof v !== 'string'))
    throw invalidParam(name, `Invalid array: ${name}`)
  const rates = (ids as string[]).map((id, i) =>
    getObject<Stripe.TaxRate>(ctx.state, 'tax_rate', id, `${name}[${i}]`, 'tax rate'),
  )
  const inactive = rates.find((r) => !r.active)
  if (inactive) throw invalidParam(name, `Tax rate ${inactive.id} is inactive and cannot be applied.`)
  if (new Set(rates.map((r) => r.id)).size !== rates.length)
    throw invalidParam(name, `${name} lists the same tax rate twice.`)
  return rates
}

/** An invoice line's tax entry for `rate` (amounts filled in by `applyInvoiceTaxes`). */
export function lineTax(rate: Stripe.TaxRate, amount = 0, taxable = 0): Stripe.InvoiceLineItem.Tax {
  return {
    amount,
    tax_behavior: rate.inclusive ? 'inclusive' : 'exclusive',
    tax_rate_details: { tax_rate: rate.id },
    taxability_reason: 'standard_rated',
    taxable_amount: taxable,
    type: 'tax_rate_details',
  } as Stripe.InvoiceLineItem.Tax
}

/** The rates a line is taxed at, read back from its `taxes` entries. */
function ratesOfLine(ctx: Ctx, line: Stripe.InvoiceLineItem): Stripe.TaxRate[] {
  return (line.taxes ?? []).flatMap((t) => {
    const id = t.tax_rate_details?.tax_rate
    const rate = typeof id === 'string' ? (ctx.state.objects[id] as Stripe.TaxRate | undefined) : undefined
    return rate ? [rate] : []
  })
}

/** Splits `discount` over `amounts` in proportion (the last share takes the remainder). */
export function allocate(discount: number, amounts: readonly number[]): number[] {
  const base = amounts.reduce((sum, a) => sum + Math.max(0, a), 0)
  let left = discount
  const lastPositive = amounts.findLastIndex((a) => a > 0)
  return amounts.map((a, i) => {
    if (a <= 0 || base === 0) return 0
    const share = i === lastPositive ? left : Math.floor((discount * a) / base)
    left -= share
    return share
  })
}

/**
 * Sets an invoice's amounts from its lines, the invoice-level `discount` and each line's tax
 * rates: every line's `taxes`, `total_taxes` (one entry per rate), `subtotal` /
 * `subtotal_excluding_tax`, `total` / `total_excluding_tax`, `amount_due` / `amount_remaining`.
 */
export function applyInvoiceTaxes(ctx: Ctx, invoice: Stripe.Invoice, discount: number): void {
  const lines = invoice.lines.data
  const discountable = lines.some((l) => l.discountable && l.amount > 0)
  const shares = allocate(
    discount,
    lines.map((l) => (!discountable || l.discountable ? l.amount : 0)),
  )
  const totals = new Map<string, Stripe.Invoice.TotalTax>()
  let inclusive = 0
  let exclusive = 0
  lines.forEach((line, i) => {
    const computed = taxShares(line.amount - shares[i]!, ratesOfLine(ctx, line))
    line.taxes = computed.map((s) => lineTax(s.rate, s.amount, s.taxable))
    for (const s of computed) {
      if (s.rate.inclusive) inclusive += s.amount
      else exclusive += s.amount
      const entry = totals.get(s.rate.id)
      if (entry) {
        entry.amount += s.amount
        entry.taxable_amount = (entry.taxable_amount ?? 0) + s.taxable
      } else totals.set(s.rate.id, { ...lineTax(s.rate, s.amount, s.taxable) } as Stripe.Invoice.TotalTax)
    }
  })
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0)
  const total = subtotal - discount + exclusive
  invoice.subtotal = subtotal
  invoice.subtotal_excluding_tax = subtotal - inclusive
  invoice.total = total
  invoice.total_excluding_tax = total - inclusive - exclusive
  invoice.total_taxes = [...totals.values()]
  invoice.amount_due = Math.max(0, total)
  invoice.amount_remaining = Math.max(0, total)
}

/** A subscription item's rates: its own `tax_rates`, else the subscription's `default_tax_rates`. */
export function ratesOfSubscriptionItem(
  sub: Stripe.Subscription,
  itemId: string | null | undefined,
): Stripe.TaxRate[] {
  const item = sub.items.data.find((it) => it.id === itemId)
  const own = item?.tax_rates ?? []
  return own.length > 0 ? own : (sub.default_tax_rates ?? [])
}
