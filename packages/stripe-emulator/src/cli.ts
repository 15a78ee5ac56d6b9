/**
 * `npx stripe-emulator [--port 12111] [--state file] [--start-time unix]` runs the emulator on its
 * own; `npx stripe-emulator advance <duration> [--url … | --port N]` moves a running emulator's
 * clock and `reset` empties it. An app that embeds the emulator tells `advance` and `reset` which
 * one is its own (`target`); on its own the CLI goes to 127.0.0.1:12111.
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
  stripe-emulator advance <duration: 90s | 15m | 2h | 30d> [--url http://127.0.0.1:12111 | --port 12111]
  stripe-emulator reset [--url http://127.0.0.1:12111 | --port 12111]

Point any Stripe SDK at it: host 127.0.0.1, port 12111, protocol http, any sk_test_… key.`

/** A flag, value or command the CLI refuses: printed with the usage, exit code 2. */
export class EmulatorUsageError extends Error {
  override name = 'EmulatorUsageError'
}

/** The emulator `advance` and `reset` go to when neither `--url` nor `--port` names one. */
const DEFAULT_URL = 'http://127.0.0.1:12111'

export type EmulatorCliOptions = {
  /**
   * The emulator `advance` and `reset` act on when neither `--url` nor `--port` names one, asked
   * only then (an app embedding the emulator knows where its own listens; it may throw when it has
   * none running). Without it, DEFAULT_URL.
   */
  target?: () => Promise<string>
}

/** Flags of `advance` and `reset`; the others are the server's. */
const CLIENT_FLAGS = new Set(['url', 'port', 'help'])

export async function runEmulatorCli(argv: string[], options: EmulatorCliOptions = {}): Promise<void> {
  const { values, positionals } = parseFlags(argv)
  if (values.help) return void console.log(HELP)
  const [command, arg, extra] = positionals
  if (command === 'advance' || command === 'reset') {
    const unexpected = command === 'advance' ? extra : arg
    if (unexpected !== undefined) throw new EmulatorUsageError(`Unexpected argument: ${unexpected}`)
    const serverFlag = Object.keys(values).find((flag) => !CLIENT_FLAGS.has(flag))
    if (serverFlag)
      throw new EmulatorUsageError(`--${serverFlag} is an option of the server, not of ${command}`)
    const seconds = command === 'advance' ? durationSeconds(arg) : undefined
    const url = await targetUrl(values, options)
    if (seconds === undefined) return post(url, '/_emulator/reset', {})
    return post(url, '/_emulator/clock/advance', { seconds })
  }
  if (command !== undefined) throw new EmulatorUsageError(`Unknown emulator command: ${command}`)
  if (positionals.length > 1) throw new EmulatorUsageError(`Unexpected argument: ${positionals[1]}`)
  if (values.url !== undefined) throw new EmulatorUsageError('--url goes with advance and reset')
  const server = serverOptions(values)
  const emulator = createEmulator({
    ...server,
    ...(values.verbose ? { log: (line: string) => console.log(line) } : {}),
  })
  const { url } = await emulator.start()
  console.log(`Stripe emulator (test mode) listening at ${url}`)
  console.log(
    `  new Stripe('sk_test_…', { host: '${server.host}', port: ${new URL(url).port}, protocol: 'http' })`,
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
  port: { type: 'string' },
  host: { type: 'string' },
  state: { type: 'string' },
  'start-time': { type: 'string' },
  'webhook-retries': { type: 'string' },
  'webhook-concurrency': { type: 'string' },
  'async-payment-seconds': { type: 'string' },
  'dunning-days': { type: 'string' },
  'dunning-final': { type: 'string' },
  url: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean' },
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

function durationSeconds(duration: string | undefined): number {
  const seconds = duration === undefined ? undefined : parseDuration(duration)
  if (seconds === undefined) throw new EmulatorUsageError('Give a duration such as 90s, 15m, 2h or 30d.')
  return seconds
}

/** `--url`, else `--port` on the loopback, else the caller's emulator, else DEFAULT_URL. */
async function targetUrl(
  flags: { url?: string; port?: string },
  options: EmulatorCliOptions,
): Promise<string> {
  if (flags.url !== undefined && flags.port !== undefined)
    throw new EmulatorUsageError('--url and --port both name the emulator; give one')
  if (flags.url !== undefined) {
    if (!URL.canParse(flags.url) || !/^https?:$/.test(new URL(flags.url).protocol))
      throw new EmulatorUsageError(`--url: an http(s) URL, not ${flags.url}`)
    return flags.url
  }
  if (flags.port !== undefined) {
    const n = port(flags.port)
    if (n === 0) throw new EmulatorUsageError('--port: the port the emulator listens on, not 0')
    return `http://127.0.0.1:${n}`
  }
  return options.target ? options.target() : DEFAULT_URL
}

async function post(url: string, path: string, body: Record<string, unknown>): Promise<void> {
  let res: Response
  try {
    res = await fetch(new URL(path, url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
    throw new Error(`No emulator answered at ${url}${cause}`)
  }
  const text = await res.text()
  if (!res.ok) throw new Error(`Emulator answered ${res.status}: ${text}`)
  console.log(text)
}
