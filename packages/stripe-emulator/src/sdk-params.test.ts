import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { allRoutes } from './registry.js'
import { listedEndpoints, sdkParams } from './sdk-params.js'
import { useEmulatorSuite } from './test-suite.js'
import { TEST_KEY } from './testing.js'

const suite = useEmulatorSuite()

// Endpoints with no SDK params type of their own to check: retrieves (only `expand`), the Stripe
// CLI's private payment_pages API, the legacy list of a customer's subscriptions (the URL its
// `subscriptions` names; no SDK method) and the test-only routes core.test.ts registers.
const UNLISTED =
  /^(get \/v1\/.*\/:[a-z]+$|(get|post) \/v1\/payment_pages|get \/v1\/customers\/:id\/subscriptions$|post \/v1\/test_|delete \/v1\/)/

async function call(method: string, path: string, params: Record<string, string>): Promise<Response> {
  const url = new URL(`${suite.t.url}${path.replaceAll(/:[a-z]+/g, 'x_missing')}`)
  const body = new URLSearchParams(params).toString()
  if (method !== 'post') url.search = body
  return fetch(url, {
    method: method.toUpperCase(),
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
    ...(method === 'post' ? { body } : {}),
  })
}

describe("parameters, from the pinned SDK's types", () => {
  it('the checked-in list is what scripts/stripe-params.mjs generates from node_modules/stripe', async () => {
    const script = fileURLToPath(new URL('../scripts/stripe-params.mjs', import.meta.url))
    const { stdout } = await promisify(execFile)(process.execPath, [script, '--check'], { timeout: 500_000 })
    expect(stdout).toContain('is current')
  }, 600_000) // type-checks the SDK in a child process: slow on a loaded machine

  it('covers every endpoint that takes parameters', () => {
    const routes = allRoutes().map((r) => `${r.method} ${r.path}`)
    const missing = routes.filter(
      (r) => !UNLISTED.test(r) && !sdkParams(...(r.split(' ') as [string, string])),
    )
    expect(missing).toEqual([])
    for (const endpoint of listedEndpoints()) expect(routes).toContain(endpoint)
  })

  it('never calls a parameter Stripe knows "unknown", and calls a name Stripe does not know unknown', async () => {
    const problems: string[] = []
    for (const endpoint of listedEndpoints()) {
      const [method, path] = endpoint.split(' ') as [string, string]
      for (const name of sdkParams(method, path) ?? []) {
        const res = await call(method, path, { [name]: 'x' })
        const body = (await res.json()) as { error?: { code?: string; message?: string; param?: string } }
        if (res.status >= 500) problems.push(`${endpoint} ${name}: ${res.status}`)
        if (body.error?.code === 'parameter_unknown' && body.error.param === name)
          problems.push(`${endpoint} ${name}: called unknown`)
        if (body.error?.code === 'parameter_unsupported' && body.error.param === name)
          expect(body.error.message).toContain(name)
      }
      const res = await call(method, path, { not_a_stripe_param: '1' })
      const body = (await res.json()) as { error?: { code?: string; param?: string } }
      if (body.error?.code !== 'parameter_unknown' || body.error.param !== 'not_a_stripe_param')
        problems.push(`${endpoint}: an unknown name was not refused as unknown (${res.status})`)
    }
    expect(problems).toEqual([])
  }, 120_000)

  it('refuses what it does not model by name, and honours what it accepts (customers)', async () => {
    await expect(suite.stripe.customers.create({ tax: { validate_location: 'auto' } })).rejects.toMatchObject(
      {
        statusCode: 400,
        code: 'parameter_unsupported',
        param: 'tax',
        message: expect.stringContaining('does not support the parameter tax'),
      },
    )
    await expect(
      suite.stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'automatic' } } }),
    ).rejects.toMatchObject({
      code: 'parameter_unsupported',
      param: 'cash_balance',
    })
    const c = await suite.stripe.customers.create({ invoice_prefix: 'SHOP1', next_invoice_sequence: 7 })
    expect(c).toMatchObject({ invoice_prefix: 'SHOP1', next_invoice_sequence: 7 })
    await suite.stripe.invoiceItems.create({ customer: c.id, amount: 100, currency: 'usd' })
    const invoice = await suite.stripe.invoices.create({
      customer: c.id,
      pending_invoice_items_behavior: 'include',
    })
    expect((await suite.stripe.invoices.finalizeInvoice(invoice.id)).number).toBe('SHOP1-0007')
  })
})
