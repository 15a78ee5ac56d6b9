/**
 * For the emulator's own tests: an emulator plus an SDK client pointed at it, and a local webhook
 * receiver that verifies every delivery with the SDK's `constructEvent`, as a real integration does.
 * @module
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import Stripe from 'stripe'
import { createEmulator, type Emulator, type EmulatorOptions } from './index.js'

export const TEST_KEY = 'sk_test_tollgate_local'

export type Received = { event: Stripe.Event; raw: string; signature: string }

export type Receiver = {
  url: string
  secret: string
  received: Received[]
  types(): string[]
  /** Status to answer with for the next n deliveries (then 200 again). */
  failNext(n: number, status?: number): void
  close(): Promise<void>
}

export type TestEmulator = { emulator: Emulator; stripe: Stripe; url: string; close(): Promise<void> }

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = createEmulator({ port: 0, webhookRetrySchedule: [0.05, 0.1, 0.2], ...options })
  const { url } = await emulator.start()
  const stripe = new Stripe(TEST_KEY, {
    host: '127.0.0.1',
    port: Number(new URL(url).port),
    protocol: 'http',
    maxNetworkRetries: 0,
  })
  return { emulator, stripe, url, close: () => emulator.stop() }
}

/** Starts a receiver and registers it as a webhook endpoint for `events` (default: all). */
export async function startReceiver(stripe: Stripe, events: string[] = ['*']): Promise<Receiver> {
  const received: Received[] = []
  let failures = 0
  let failStatus = 500
  const receiver = { secret: '' } as Receiver
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      const signature = String(req.headers['stripe-signature'] ?? '')
      if (failures > 0) {
        failures--
        res.writeHead(failStatus).end()
        return
      }
      try {
        const event = stripe.webhooks.constructEvent(raw, signature, receiver.secret)
        received.push({ event, raw, signature })
        res.writeHead(200).end('ok')
      } catch {
        res.writeHead(400).end('bad signature')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`
  const endpoint = await stripe.webhookEndpoints.create({
    url,
    enabled_events: events as Stripe.WebhookEndpointCreateParams.EnabledEvent[],
  })
  return Object.assign(receiver, {
    url,
    secret: endpoint.secret ?? '',
    received,
    types: () => received.map((r) => r.event.type),
    failNext(n: number, status = 500) {
      failures = n
      failStatus = status
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  })
}

/** Posts a hosted page's form exactly as a browser without JavaScript would; redirects not followed. */
export async function postPageForm(
  url: string,
  form: Record<string, string | undefined>,
): Promise<{ status: number; location: string | null; html: string }> {
  const fields = Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined)
  const res = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  })
  return { status: res.status, location: res.headers.get('location'), html: await res.text() }
}

/** The official Stripe CLI binary, from the `@stripe/cli-linux-x64` dev dependency. */
export const STRIPE_CLI = join(
  dirname(createRequire(import.meta.url).resolve('@stripe/cli-linux-x64/package.json')),
  'bin/stripe',
)

const execFileAsync = promisify(execFile)

/**
 * Runs `stripe trigger <event>` against an emulator, as an independent client whose request
 * recipes we did not write. Rejects on a non-zero exit; resolves with the CLI's output.
 */
export async function stripeTrigger(apiBase: string, event: string): Promise<string> {
  if (!existsSync(STRIPE_CLI)) throw new Error(`Stripe CLI not found at ${STRIPE_CLI}`)
  const { stdout, stderr } = await execFileAsync(
    STRIPE_CLI,
    ['trigger', event, '--api-base', apiBase, '--api-key', TEST_KEY],
    {
      env: { ...process.env, STRIPE_CLI_TELEMETRY_OPTOUT: '1' },
      timeout: 60_000,
    },
  )
  return `${stdout}\n${stderr}`
}

/** `stripe trigger --help`: the CLI's own list of the fixtures it embeds. */
export async function stripeTriggerHelp(): Promise<string> {
  const { stdout } = await execFileAsync(STRIPE_CLI, ['trigger', '--help'], {
    env: { ...process.env, STRIPE_CLI_TELEMETRY_OPTOUT: '1' },
    timeout: 60_000,
  })
  return stdout
}
