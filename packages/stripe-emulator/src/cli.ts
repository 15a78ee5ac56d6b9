/**
 * `npx stripe-emulator [--port 12111] [--state file] [--start-time unix]` runs the emulator on its
 * own; `npx stripe-emulator advance <duration> [--url …]` moves a running emulator's clock.
 * @module
 */
import { parseArgs } from 'node:util'
import type { DunningOptions } from './context.js'
import { parseDuration } from './control.js'
import { createEmulator, type EmulatorOptions } from './index.js'

export const HELP = `Usage:
  stripe-emulator [--port 12111] [--host 127.0.0.1] [--state ./data/emulator.json] [--start-time <unix>]
                    [--webhook-retries 300,1800,7200] [--webhook-concurrency 1] [--async-payment-seconds 10]
                    [--dunning-days 3,5,7] [--dunning-final cancel|unpaid] [--verbose]
  stripe-emulator advance <duration: 90s | 15m | 2h | 30d> [--url http://127.0.0.1:12111]
  stripe-emulator reset [--url http://127.0.0.1:12111]

Point any Stripe SDK at it: host 127.0.0.1, port 12111, protocol http, any sk_test_… key.`

/** A flag, value or command the CLI refuses: printed with the usage, exit code 2. */
export class EmulatorUsageError extends Error {
  override name = 'EmulatorUsageError'
}

export async function runEmulatorCli(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(argv)
  if (values.help) return void console.log(HELP)
  const [command, arg] = positionals
  if (command === 'advance') return advance(values.url, arg)
  if (command === 'reset') return post(values.url, '/_emulator/reset', {})
  if (command !== undefined) throw new EmulatorUsageError(`Unknown emulator command: ${command}`)
  const emulator = createEmulator({
    ...serverOptions(values),
    ...(values.verbose ? { log: (line: string) => console.log(line) } : {}),
  })
  const { url } = await emulator.start()
  console.log(`Stripe emulator (test mode) listening at ${url}`)
  console.log(
    `  new Stripe('sk_test_…', { host: '${values.host}', port: ${new URL(url).port}, protocol: 'http' })`,
  )
  const shutdown = async (): Promise<void> => {
    await emulator.stop()
    process.exit(0)
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

/** node's strict parser; an unknown option or a missing value is a usage error naming it. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: FLAGS,
    })
  } catch (err) {
    throw new EmulatorUsageError(err instanceof Error ? err.message : String(err))
  }
}

const FLAGS = {
  port: { type: 'string', default: '12111' },
  host: { type: 'string', default: '127.0.0.1' },
  state: { type: 'string' },
  'start-time': { type: 'string' },
  'webhook-retries': { type: 'string' },
  'webhook-concurrency': { type: 'string' },
  'async-payment-seconds': { type: 'string' },
  'dunning-days': { type: 'string' },
  'dunning-final': { type: 'string' },
  url: { type: 'string', default: 'http://127.0.0.1:12111' },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const

type Flags = {
  port?: string
  host?: string
  state?: string
  'start-time'?: string
  'webhook-retries'?: string
  'webhook-concurrency'?: string
  'async-payment-seconds'?: string
  'dunning-days'?: string
  'dunning-final'?: string
}

/** The standalone server's options from its flags; a bad value stops the start with its flag named. */
export function serverOptions(flags: Flags): EmulatorOptions {
  const number = (flag: keyof Flags, text: string): number => {
    const n = Number(text)
    if (text.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new EmulatorUsageError(`--${flag}: not a number of seconds or days: ${text}`)
    return n
  }
  const count = (flag: keyof Flags, text: string): number => {
    const n = Number(text)
    if (!Number.isInteger(n) || n < 1)
      throw new EmulatorUsageError(`--${flag}: a whole number of 1 or more, not ${text}`)
    return n
  }
  const list = (flag: keyof Flags, text: string): number[] =>
    text.split(',').map((part) => number(flag, part))
  const final = flags['dunning-final']
  if (final !== undefined && final !== 'cancel' && final !== 'unpaid') {
    throw new EmulatorUsageError(`--dunning-final: cancel or unpaid, not ${final}`)
  }
  const dunning: Partial<DunningOptions> = {
    ...(flags['dunning-days'] ? { retryDays: list('dunning-days', flags['dunning-days']) } : {}),
    ...(final ? { finalAction: final } : {}),
  }
  return {
    port: port(flags.port ?? '12111'),
    host: flags.host ?? '127.0.0.1',
    ...(flags.state ? { statePath: flags.state } : {}),
    ...(flags['start-time'] ? { startTime: unixSeconds(flags['start-time']) } : {}),
    ...(flags['webhook-retries']
      ? { webhookRetrySchedule: list('webhook-retries', flags['webhook-retries']) }
      : {}),
    ...(flags['webhook-concurrency']
      ? { webhookConcurrency: count('webhook-concurrency', flags['webhook-concurrency']) }
      : {}),
    ...(flags['async-payment-seconds']
      ? { asyncPaymentSeconds: number('async-payment-seconds', flags['async-payment-seconds']) }
      : {}),
    ...(Object.keys(dunning).length > 0 ? { dunning } : {}),
  }
}

/** A TCP port: 0 (any free one) to 65535. */
function port(text: string): number {
  const n = Number(text)
  if (!/^\d{1,5}$/.test(text) || n > 65535)
    throw new EmulatorUsageError(`--port: a port number from 0 to 65535, not ${text}`)
  return n
}

/** The emulator's clock at start: Unix time in whole seconds. */
function unixSeconds(text: string): number {
  if (!/^\d{1,12}$/.test(text)) throw new EmulatorUsageError(`--start-time: Unix seconds, not ${text}`)
  return Number(text)
}

async function advance(url: string, duration: string | undefined): Promise<void> {
  const seconds = duration === undefined ? undefined : parseDuration(duration)
  if (seconds === undefined) throw new EmulatorUsageError('Give a duration such as 90s, 15m, 2h or 30d.')
  await post(url, '/_emulator/clock/advance', { seconds })
}

async function post(url: string, path: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`Emulator answered ${res.status}: ${text}`)
  console.log(text)
}
