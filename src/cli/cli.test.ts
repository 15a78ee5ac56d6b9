import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, MYSQL_URL } from '../../test/dialects.js'
import { stripeOptions } from '../../test/harness.js'

const run = promisify(execFile)
const BIN = resolve('bin/tollgate.js')

import { findFreePort } from '../lib/ports.js'
import { type Emulator, startEmulator } from '../test-mode/emulator.js'

/** Runs `node bin/tollgate.js …` exactly as `npx tollgate …` would, with a clean environment. */
async function tollgate(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout: 60_000,
      ...(cwd ? { cwd } : {}),
    })
    return { code: 0, out: stdout + stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? 1, out: (e.stdout ?? '') + (e.stderr ?? '') }
  }
}

describe('npx tollgate sync', () => {
  let emulator: Emulator
  let url: string
  let env: Record<string, string>
  beforeAll(async () => {
    ;({ emulator, url } = await startEmulator({ port: 0 }))
    const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'))
    env = {
      STRIPE_SECRET_KEY: 'sk_test_tollgate_local',
      STRIPE_API_URL: url,
      STRIPE_WEBHOOK_SECRET: 'whsec_cli_test',
      SESSION_SECRET: 'cli-test-session-secret-0123456789',
      DATA_DIR: dir,
      DATABASE_URL: join(dir, 'cli.db'),
      CATALOG: resolve('catalog.yaml'),
    }
  })
  afterAll(() => emulator.stop())

  it('prints a plan on --dry-run and changes nothing, then syncs, then a rerun changes nothing', async () => {
    const stripe = new Stripe('sk_test_tollgate_local', stripeOptions(url))
    const dry = await tollgate(['sync', '--dry-run'], env)
    expect(dry.code).toBe(0)
    expect(dry.out).toMatch(/Plan \(dry run\): \d+ change\(s\)/)
    // Five products and six prices (features too, where the Entitlements API is offered).
    expect(dry.out.match(/^ {2}create-product /gm)).toHaveLength(5)
    expect(dry.out.match(/^ {2}create-price /gm)).toHaveLength(6)
    expect(dry.out).toMatch(/create-product\s+field-guide/)
    expect(dry.out).toMatch(/create-price\s+tokyo-edition-jpy\s+¥1,500\n/)
    expect(dry.out).toMatch(/create-price\s+membership-yearly\s+\$80\.00 yearly\n/)
    expect((await stripe.products.list()).data).toEqual([])

    const first = await tollgate(['sync'], env)
    expect(first.code).toBe(0)
    expect(first.out.match(/^ {2}create-(product|price) /gm)).toHaveLength(11)
    expect((await stripe.prices.list({ lookup_keys: ['membership-yearly'] })).data[0]?.unit_amount).toBe(8000)

    const again = await tollgate(['sync'], env)
    expect(again.out).toContain('Synced: 0 change(s)')
    // A product and its price of the same name say which is which.
    expect(again.out).toMatch(/^ {2}unchanged +product field-guide$/m)
    expect(again.out).toMatch(/^ {2}unchanged +price field-guide$/m)
    const json = await tollgate(['sync', '--json'], env)
    const { actions } = JSON.parse(json.out) as { actions: { kind: string; target: string }[] }
    expect(actions).toEqual(
      expect.arrayContaining([
        { kind: 'unchanged', target: 'product field-guide' },
        { kind: 'unchanged', target: 'price field-guide' },
      ]),
    )
  }, 120_000)

  it('reports configuration problems and unknown commands with exit code 1', async () => {
    const bad = await tollgate(['sync'], { ...env, PORT: 'x', STRIPE_WEBHOOK_SECRET: '' })
    expect(bad.code).toBe(1)
    expect(bad.out).toContain('PORT: must be a port number')
    expect(bad.out).toContain('STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set')
    const unknown = await tollgate(['frobnicate'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.out).toContain('Unknown command "frobnicate"')
  }, 120_000)
})

describe('npx tollgate migrate and help', () => {
  it('migrates a fresh SQLite database once, and lists the commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-cli-migrate-'))
    const env = { DATA_DIR: dir, DATABASE_URL: join(dir, 'm.db'), CATALOG: resolve('catalog.yaml') }
    const first = await tollgate(['migrate'], env)
    expect(first.code).toBe(0)
    expect(first.out).toContain('2026_11_22_2330_create_foundation')
    const again = await tollgate(['migrate'], env)
    expect(again.out).toContain('Database is up to date.')
    const help = await tollgate(['help'], env)
    expect(help.out).toMatch(/sync \[--dry-run\] \[--json\]\s+Create or update Stripe products/)
    // It fits a terminal: no line over 100 columns, and a long usage breaks between bracketed groups.
    const widest = Math.max(
      ...help.out
        .trimEnd()
        .split('\n')
        .map((line) => line.length),
    )
    expect(widest).toBeLessThanOrEqual(100)
    expect(help.out).toContain('coupons list | create (--percent P | --amount N --currency C)')
    expect(help.out).toMatch(/\n {4}\[--max-redemptions N\]/)
    // The emulator's own flags are strict too: a bad value is a usage error naming it (exit 2).
    const badPort = await tollgate(['emulator', '--port', 'abc'], env)
    expect(badPort.code).toBe(2)
    expect(badPort.out).toContain('tollgate emulator: --port: a port number from 0 to 65535, not abc')
  }, 120_000)

  it("prints its version, and one command's usage for `help <command>`", async () => {
    const env = { PATH: process.env.PATH ?? '' }
    const { version } = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }
    for (const flag of ['--version', '-v']) {
      const printed = await tollgate([flag], env)
      expect(printed, flag).toEqual({ code: 0, out: `tollgate ${version}\n` })
    }
    const grant = await tollgate(['help', 'grant'], env)
    expect(grant.code).toBe(0)
    expect(grant.out).toBe(
      'Usage: tollgate grant <email> <feature> [--until YYYY-MM-DD] [--reason TEXT] [--json]\n\nGrant a feature to a customer by hand (until a date, or forever)\n',
    )
    const unknown = await tollgate(['help', 'frobnicate'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.out).toMatch(/^Unknown command "frobnicate"/)
    const extra = await tollgate(['help', 'grant', 'revoke'], env)
    expect(extra.code).toBe(2)
    expect(extra.out).toContain('unexpected argument "revoke"')
  }, 120_000)

  it("serves its pages when started from another folder (its own tsconfig, not the working directory's)", async () => {
    // A store's own folder, holding only its data: tsx used to look for a tsconfig there, found
    // none, and compiled the pages' JSX for React ("React is not defined" on every page).
    const dir = mkdtempSync(join(tmpdir(), 'tg-cli-elsewhere-'))
    const port = await findFreePort(24000 + Math.floor(Math.random() * 2000))
    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        PORT: String(port),
        DATA_DIR: join(dir, 'data'),
        CATALOG: resolve('catalog.yaml'),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    })
    try {
      let page: Response | undefined
      for (let i = 0; i < 150 && !page; i++) {
        page = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined)
        if (!page) await new Promise((r) => setTimeout(r, 200))
      }
      expect(page?.status).toBe(200)
      expect(page?.headers.get('content-type')).toMatch(/^text\/html/)
      expect(await page?.text()).toMatch(/^<!doctype html>/i)
      // The embedded emulator's pages are JSX from another package: the hosted Checkout page a buyer
      // is sent to must render too (it answered 500, "React is not defined", outside the test runner).
      const checkout = await fetch(`http://127.0.0.1:${port}/checkout`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://localhost:${port}` },
        body: 'price=field-guide',
      })
      expect(checkout.status).toBe(303)
      const hosted = await fetch(checkout.headers.get('location') ?? '')
      expect(hosted.status).toBe(200)
      expect(await hosted.text()).toContain('4242')
    } finally {
      child.kill('SIGTERM')
    }
  }, 60_000)

  it('exits after a catalog error in test mode, stopping the emulator it started for the command', async () => {
    // It used to print the error and then hang: the emulator's listening socket kept it alive.
    const dir = mkdtempSync(join(tmpdir(), 'tg-cli-no-catalog-'))
    const env = { DATA_DIR: dir, DATABASE_URL: join(dir, 'n.db'), CATALOG: join(dir, 'missing.yaml') }
    const outcome = await run(process.execPath, [BIN, 'grant', 'a@example.com', 'premium'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, killed: false, err: '' }),
      (e: { code?: number; killed?: boolean; stderr?: string }) => ({
        code: e.code,
        killed: e.killed,
        err: e.stderr ?? '',
      }),
    )
    expect(outcome.killed).toBe(false)
    expect(outcome.code).toBe(1)
    expect(outcome.err).toContain('Invalid catalog')
  }, 60_000)

  it('refuses a DATABASE_URL it cannot use and creates nothing (no SQLite file named mysql:)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-cli-badurl-'))
    const env = { DATA_DIR: join(dir, 'data'), SESSION_SECRET: 'cli-test-session-secret-0123456789' }
    {
      const refused = await tollgate(['migrate'], { ...env, DATABASE_URL: 'mysql:/db/shop' }, dir)
      expect(refused.code).toBe(1)
      expect(refused.out).toMatch(
        /^ {2}- DATABASE_URL: .*use a SQLite file .*or mysql:\/\/user:password@host:3306\/database/m,
      )
    }
    expect(readdirSync(dir)).toEqual([])
  }, 120_000)

  it.skipIf(!MYSQL_URL)(
    'migrates a MySQL/MariaDB database from DATABASE_URL=mysql://…',
    async () => {
      const database = await createTestDatabase('mysql')
      try {
        const env = {
          DATABASE_URL: database.databaseUrl,
          SESSION_SECRET: 'cli-test-session-secret-0123456789',
        }
        const first = await tollgate(['migrate', '--json'], env)
        expect(first.code).toBe(0)
        expect((JSON.parse(first.out) as { applied: string[] }).applied).toContain(
          '2026_11_22_2330_create_foundation',
        )
        expect((await tollgate(['migrate'], env)).out).toContain('Database is up to date.')
      } finally {
        await database.close()
      }
    },
    120_000,
  )
})
