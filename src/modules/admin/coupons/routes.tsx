/**
 * `/admin/coupons`: coupons and promotion codes at Stripe, with redemptions; create and deactivate.
 * The list is read from Stripe (up to 1,000 of each, newest first), then searched and paged here
 * with the same `?q=` for the page and its CSV.
 */
import { Hono } from 'hono'
import * as z from 'zod'
import type { AppEnv } from '../../../http/env.js'
import { validate } from '../../../http/validate.js'
import { AppError } from '../../../lib/errors.js'
import { renderPage } from '../../../web/layout.js'
import { adminOf } from '../access.js'
import { recordAudit } from '../audit.js'
import { toCsv } from '../csv.js'
import { moneyOrRefuse } from '../money-input.js'
import { ActionForm, AdminFrame, PAGE_SIZE, Pager, pageOf } from '../views.js'
import {
  couponOffText,
  createCoupon,
  DURATIONS,
  deactivateCoupon,
  listCoupons,
  searchCoupons,
} from './service.js'

/** The typed amount off in minor units; it needs its currency to be read at all. */
function amountOff(text: string, currency: string | undefined): number {
  if (!currency || !/^[a-z]{3}$/.test(currency))
    throw new AppError('INVALID_REQUEST', { message: 'An amount off needs its currency (e.g. usd).' })
  return moneyOrRefuse(text, currency)
}

const optionalNumber = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : Number(v)))
  .pipe(z.number({ error: 'must be a number' }).optional())

const CouponForm = z.object({
  name: z.string().trim().max(100).optional(),
  percent_off: optionalNumber,
  /** A decimal amount in `currency` ("5.00"), as the refund form takes it. */
  amount_off: z.string().trim().max(30).optional(),
  currency: z
    .string()
    .trim()
    .toLowerCase()
    .max(3)
    .optional()
    .transform((v) => v || undefined),
  duration: z.enum(DURATIONS),
  duration_in_months: optionalNumber,
  max_redemptions: optionalNumber,
  redeem_by: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'must be a date, YYYY-MM-DD')
    .optional(),
  code: z
    .string()
    .trim()
    .max(40)
    .optional()
    .transform((v) => v || undefined),
})

export const couponRoutes = new Hono<AppEnv>()
  .get('/admin/coupons', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 100)
    const page = pageOf(c.req.query('page'))
    const found = searchCoupons(await listCoupons(c.get('deps')), q)
    const listing = found.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
    const params: Record<string, string> = q ? { q } : {}
    return renderPage(
      c,
      { title: 'Coupons' },
      <AdminFrame title="Coupons and promotion codes" notice={c.req.query('done')}>
        <form method="get" action="/admin/coupons" class="filters">
          <label>
            Coupon, name or code <input type="search" name="q" value={q} />
          </label>
          <button type="submit">Search</button>
        </form>
        <p>
          {found.length} found ·{' '}
          <a href={q ? `/admin/coupons.csv?${new URLSearchParams({ q })}` : '/admin/coupons.csv'}>CSV</a>
        </p>
        <table tabindex={0} id="coupons">
          <thead>
            <tr>
              <th>Coupon</th>
              <th>Off</th>
              <th>Duration</th>
              <th>Redeemed</th>
              <th>Codes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {listing.map(({ coupon, codes }) => (
              <tr data-coupon={coupon.id}>
                <td>{coupon.name ?? coupon.id}</td>
                <td>{couponOffText(coupon)}</td>
                <td>
                  {coupon.duration === 'repeating' ? `${coupon.duration_in_months} months` : coupon.duration}
                </td>
                <td>
                  {coupon.times_redeemed}
                  {coupon.max_redemptions ? ` / ${coupon.max_redemptions}` : ''}
                </td>
                <td>
                  {codes.map((p) => (
                    <span>
                      <code>{p.code}</code> {p.active ? '' : '(off)'}{' '}
                      {p.active ? (
                        <ActionForm
                          action="/admin/coupons/deactivate"
                          label="Switch off"
                          fields={{ id: p.id }}
                        />
                      ) : null}
                    </span>
                  ))}
                </td>
                <td>
                  <ActionForm
                    action="/admin/coupons/deactivate"
                    label="Delete coupon"
                    fields={{ id: coupon.id }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager path="/admin/coupons" params={params} page={page} count={listing.length} />
        <h2>New coupon</h2>
        <form method="post" action="/admin/coupons" class="filters">
          <label>
            Name <input name="name" />
          </label>
          <label>
            Percent off <input name="percent_off" inputmode="decimal" />
          </label>
          <label>
            or amount off <input name="amount_off" inputmode="decimal" placeholder="5.00" />
          </label>
          <label>
            Currency <input name="currency" size={3} />
          </label>
          <label>
            Duration{' '}
            <select name="duration">
              {DURATIONS.map((d) => (
                <option value={d}>{d}</option>
              ))}
            </select>
          </label>
          <label>
            Months (repeating) <input name="duration_in_months" inputmode="numeric" />
          </label>
          <label>
            Max redemptions <input name="max_redemptions" inputmode="numeric" />
          </label>
          <label>
            Expires <input type="date" name="redeem_by" />
          </label>
          <label>
            Code <input name="code" />
          </label>
          <button type="submit">Create</button>
        </form>
      </AdminFrame>,
    )
  })
  /** One row per promotion code (a coupon without codes has one row with the code columns empty). */
  .get('/admin/coupons.csv', async (c) => {
    const listing = searchCoupons(await listCoupons(c.get('deps')), (c.req.query('q') ?? '').slice(0, 100))
    const csv = toCsv(
      [
        'coupon',
        'name',
        'percent_off',
        'amount_off',
        'currency',
        'duration',
        'duration_in_months',
        'times_redeemed',
        'max_redemptions',
        'redeem_by',
        'valid',
        'promotion_code',
        'code',
        'code_active',
        'code_times_redeemed',
      ],
      listing.flatMap(({ coupon, codes }) => {
        const couponCells = [
          coupon.id,
          coupon.name ?? '',
          coupon.percent_off ?? '',
          coupon.amount_off ?? '',
          coupon.currency ?? '',
          coupon.duration,
          coupon.duration_in_months ?? '',
          coupon.times_redeemed,
          coupon.max_redemptions ?? '',
          coupon.redeem_by ? new Date(coupon.redeem_by * 1000).toISOString() : '',
          String(coupon.valid),
        ]
        if (codes.length === 0) return [[...couponCells, '', '', '', '']]
        return codes.map((p) => [...couponCells, p.id, p.code, String(p.active), p.times_redeemed])
      }),
    )
    c.header('Content-Disposition', 'attachment; filename="coupons.csv"')
    return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
  })
  .post('/admin/coupons', validate('form', CouponForm), async (c) => {
    const deps = c.get('deps')
    const f = c.req.valid('form')
    const created = await createCoupon(deps, {
      name: f.name || undefined,
      percentOff: f.percent_off,
      amountOff: f.amount_off ? amountOff(f.amount_off, f.currency) : undefined,
      currency: f.currency,
      duration: f.duration,
      durationInMonths: f.duration_in_months,
      maxRedemptions: f.max_redemptions,
      redeemBy: f.redeem_by ? new Date(`${f.redeem_by}T00:00:00.000Z`) : undefined,
      code: f.code,
    })
    await recordAudit(deps.db, deps.clock.now(), {
      actor: adminOf(c).email,
      action: 'coupon.create',
      target: { type: 'coupon', id: created.coupon.id },
      after: { coupon: created.coupon.id, code: created.promotionCode?.code ?? null },
    })
    return c.redirect(`/admin/coupons?done=${encodeURIComponent(`Created ${created.coupon.id}`)}`, 303)
  })
  .post(
    '/admin/coupons/deactivate',
    validate('form', z.object({ id: z.string().min(1).max(255) })),
    async (c) => {
      const deps = c.get('deps')
      const { id } = c.req.valid('form')
      const { kind, before } = await deactivateCoupon(deps, id)
      await recordAudit(deps.db, deps.clock.now(), {
        actor: adminOf(c).email,
        action: kind === 'coupon' ? 'coupon.delete' : 'promotion_code.deactivate',
        target: { type: kind, id },
        before,
        after: kind === 'coupon' ? { deleted: true } : { active: false },
      })
      return c.redirect(`/admin/coupons?done=${encodeURIComponent(`Deactivated ${id}`)}`, 303)
    },
  )
