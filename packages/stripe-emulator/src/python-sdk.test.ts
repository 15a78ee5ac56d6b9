import { execFile, spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestEmulator, type TestEmulator } from './testing.js'

// Debian's python3-stripe (.ci/run installs it); outside CI the test is skipped when it is absent.
const PYTHON = '/usr/bin/python3'
const available = spawnSync(PYTHON, ['-c', 'import stripe']).status === 0
const SCRIPT = fileURLToPath(new URL('./clients/python_common_calls.py', import.meta.url))

let t: TestEmulator

describe.skipIf(!available && process.env.CI !== 'true')(
  'the official Python SDK against the emulator',
  () => {
    beforeAll(async () => {
      t = await startTestEmulator()
    })
    afterAll(() => t?.close())

    it('runs catalog, customers, Checkout, refunds, subscriptions, invoices, tax rates, legacy card sources, schedules and customer discounts, errors and a webhook check', async () => {
      const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, t.url], { timeout: 60_000 })
      expect(stdout.trim().split('\n')).toEqual(
        [
          'catalog',
          'customers',
          'checkout',
          'refunds',
          'subscriptions',
          'invoices',
          'tax rates',
          'legacy sources, schedules and customer discounts',
          'errors',
          'webhooks',
        ].map((s) => `ok ${s}`),
      )
    }, 90_000)
  },
)
