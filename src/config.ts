/**
 * Configuration: one Zod schema over the environment (plus an optional `.env` file), parsed once
 * into a frozen `Config` that is passed to `createDeps`. Nothing else reads `process.env`.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import * as z from 'zod'
import { ALERT_ENV, type AlertSettings, alertSettingsFromEnv } from './lib/alert-settings.js'
import { BRAND_ENV, type Brand, type BrandSettings, brandFromEnv, brandSettingsFromEnv } from './lib/brand.js'
import { DatabaseUrlError, parseDatabaseUrl } from './lib/database-url.js'
import {
  DOWNLOAD_OFFLOAD_PATTERN,
  type DownloadOffload,
  parseDownloadOffload,
} from './lib/download-offload.js'
import { type FilesLocation, parseFilesLocation } from './lib/files-url.js'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
/** `auto`: readable lines on a terminal, JSON lines otherwise (log collectors, files, CI). */
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })

/** A SQLite path or a postgres:// / mysql:// URL; anything else stops start-up naming the accepted forms. */
const databaseUrl = z.string().superRefine((value, ctx) => {
  try {
    parseDatabaseUrl(value)
  } catch (err) {
    if (!(err instanceof DatabaseUrlError)) throw err
    ctx.addIssue({ code: 'custom', message: err.message })
  }
})

const flag = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true')

/** A size in bytes (a plain integer). */
const bytes = z.coerce
  .number({ error: 'must be a number of bytes' })
  .int()
  .min(1024)
  .max(1024 ** 3)

const EnvSchema = z.object({
  STRIPE_SECRET_KEY: optionalText.pipe(
    z
      .string()
      .regex(
        /^(sk|rk)_(test|live)_\w{8,}$/,
        'must be a whole Stripe secret or restricted key: sk_test_, sk_live_, rk_test_ or rk_live_ and at least 8 more letters or digits (check that it was not cut off when pasted)',
      )
      .optional(),
  ),
  STRIPE_WEBHOOK_SECRET: optionalText.pipe(z.string().startsWith('whsec_').optional()),
  STRIPE_PUBLISHABLE_KEY: optionalText.pipe(z.string().startsWith('pk_').optional()),
  STRIPE_API_URL: optionalText.pipe(httpUrl.optional()),
  DATA_DIR: z.string().trim().default('./data'),
  DATABASE_URL: optionalText.pipe(databaseUrl.optional()),
  // PostgreSQL: repeated statements run as named prepared statements (db/pg-statements.ts); a
  // pooler in transaction mode that does not carry them between server connections wants false.
  DATABASE_PREPARED_STATEMENTS: optionalText.pipe(flag.optional()),
  PUBLIC_URL: optionalText.pipe(httpUrl.optional()),
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  SESSION_SECRET: optionalText.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  SMTP_URL: optionalText.pipe(
    z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  ),
  // A bare address takes STORE_NAME as its display name; `Name <address>` keeps its own.
  MAIL_FROM: z
    .string()
    .trim()
    .refine(isSender, 'must be an email address, or a name and one: Shop <store@example.com>')
    .default('store@tollgate.localhost'),
  ADMIN_EMAILS: list.pipe(z.array(z.email('must be a comma-separated list of email addresses'))),
  CATALOG: z.string().trim().default('./catalog.yaml'),
  CORS_ORIGINS: list.pipe(z.array(httpUrl)),
  API_REDIRECT_ORIGINS: list.pipe(z.array(httpUrl)),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  LOG_FORMAT: z.enum(LOG_FORMATS).default('auto'),
  FILES_URL: optionalText,
  DOWNLOAD_OFFLOAD: optionalText.pipe(
    z
      .string()
      .regex(
        DOWNLOAD_OFFLOAD_PATTERN,
        'must be x-sendfile, x-accel-redirect or x-accel-redirect:/internal-prefix',
      )
      .optional(),
  ),
  S3_ENDPOINT: optionalText.pipe(httpUrl.optional()),
  S3_REGION: optionalText,
  S3_ACCESS_KEY_ID: optionalText,
  S3_SECRET_ACCESS_KEY: optionalText,
  S3_FORCE_PATH_STYLE: optionalText.pipe(flag.optional()),
  CRON_SECRET: optionalText.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  // Hardening (issue 9): listen address, proxy trust, body limits, shared rate-limit store.
  HOST: optionalText,
  TRUST_PROXY: optionalText.pipe(flag.optional()),
  STRIPE_EMULATOR_PORT: optionalText.pipe(
    z.coerce
      .number<string | undefined>({ error: 'must be a port number' })
      .int()
      .min(0)
      .max(65535)
      .optional(),
  ),
  BODY_LIMIT_FORM: bytes.default(64 * 1024),
  BODY_LIMIT_JSON: bytes.default(1024 * 1024),
  BODY_LIMIT_WEBHOOK: bytes.default(1024 * 1024),
  REDIS_URL: optionalText.pipe(
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  ),
  // The owner console (issue 11): the shop's brand and the owner's alerts.
  ...BRAND_ENV,
  ...ALERT_ENV,
})

export type Config = Readonly<{
  /** True when no STRIPE_SECRET_KEY is set: the app runs against the in-process emulator. */
  testMode: boolean
  stripeSecretKey: string
  stripeWebhookSecret?: string
  stripePublishableKey?: string
  /** Where the Stripe SDK points (emulator URL in test mode); undefined means api.stripe.com. */
  stripeApiUrl?: string
  /** PostgreSQL: run repeated statements as named prepared statements (on unless set false). */
  databasePreparedStatements: boolean
  dataDir: string
  databaseUrl: string
  publicUrl: string
  port: number
  sessionSecret: string
  smtpUrl?: string
  mailFrom: string
  adminEmails: readonly string[]
  catalogPath: string
  corsOrigins: readonly string[]
  /** Origins an integrator's success_url / cancel_url may point to (besides PUBLIC_URL's). */
  apiRedirectOrigins: readonly string[]
  logLevel: (typeof LOG_LEVELS)[number]
  logFormat: (typeof LOG_FORMATS)[number]
  /** Where catalog files are served from: the local disk (catalog paths) or an S3 bucket. */
  files: FilesLocation
  /** Local downloads sent by the web server in front (X-Accel-Redirect / X-Sendfile); undefined = by Node. */
  downloadOffload?: DownloadOffload
  /** Bearer secret of `/cron` (serverless schedulers); undefined = the endpoint is off. */
  cronSecret?: string
  /** The listen address: 127.0.0.1 in test mode, every interface in production, unless HOST says. */
  host: string
  /** Whether X-Forwarded-For / X-Forwarded-Proto from a proxy in front are believed. */
  trustProxy: boolean
  /** Test mode: the embedded emulator's port (undefined: the first free one from 12111). */
  emulatorPort?: number
  /** Largest request bodies, in bytes, by kind (413 past them, checked while streaming). */
  bodyLimits: Readonly<{ form: number; json: number; webhook: number }>
  /** Redis for rate limits shared by several instances; undefined keeps them in memory. */
  redisUrl?: string
  /**
   * The shop's name, logo, colour, support address and legal pages: here the STORE_* variables over
   * the defaults; `createDeps` lays them over the catalog's `store:` section (lib/brand.ts).
   */
  brand: Brand
  /** The brand fields the STORE_* variables set (they win over the catalog's). */
  brandSettings?: BrandSettings
  /** What the owner is alerted about, and where (ALERT_*). */
  alerts: AlertSettings
}>

/**
 * A live Stripe key (sk_live_, rk_live_): real money. A sk_test_ key runs against Stripe's test mode,
 * which is neither this nor Tollgate's test mode (the emulator).
 */
export function isLiveStripeKey(key: string): boolean {
  return /^(sk|rk)_live_/.test(key)
}

/** The key the SDK uses against the emulator; any `sk_test_…` of 12+ characters is accepted there. */
export const EMULATOR_SECRET_KEY = 'sk_test_tollgate_local'

export class ConfigError extends Error {
  readonly problems: readonly string[]
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}

type Env = Record<string, string | undefined>

/**
 * Parses the environment into a frozen Config, or throws a ConfigError listing every bad value.
 * In test mode a missing SESSION_SECRET is generated once and kept in `<DATA_DIR>/session-secret`.
 */
export function loadConfig(rawEnv: Env): Config {
  const env = withoutEmptyValues(rawEnv)
  const parsed = EnvSchema.safeParse(env)
  const problems = parsed.success ? [] : parsed.error.issues.map(describeIssue)
  problems.push(...liveModeProblems(env))
  // Checked even when other values are bad, so that every problem is listed at once.
  const filesEnv = FilesEnvSchema.safeParse(env)
  const files = filesEnv.success ? filesLocation(filesEnv.data) : { kind: 'local' as const }
  if (typeof files === 'string') problems.push(files)
  if (!parsed.success || problems.length > 0 || typeof files === 'string') throw new ConfigError(problems)
  const e = parsed.data
  const testMode = e.STRIPE_SECRET_KEY === undefined
  const dataDir = resolve(e.DATA_DIR)
  return Object.freeze({
    testMode,
    stripeSecretKey: e.STRIPE_SECRET_KEY ?? EMULATOR_SECRET_KEY,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    stripePublishableKey: e.STRIPE_PUBLISHABLE_KEY,
    stripeApiUrl: e.STRIPE_API_URL,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? join(dataDir, 'tollgate.db'),
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS ?? true,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    port: e.PORT,
    sessionSecret: e.SESSION_SECRET ?? readOrCreateSecret(join(dataDir, 'session-secret')),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    adminEmails: Object.freeze(e.ADMIN_EMAILS.map((a) => a.toLowerCase())),
    catalogPath: resolve(e.CATALOG),
    corsOrigins: Object.freeze(e.CORS_ORIGINS.map((o) => new URL(o).origin)),
    apiRedirectOrigins: Object.freeze(e.API_REDIRECT_ORIGINS.map((o) => new URL(o).origin)),
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    files,
    downloadOffload: parseDownloadOffload(e.DOWNLOAD_OFFLOAD),
    cronSecret: e.CRON_SECRET,
    host: e.HOST ?? (testMode ? '127.0.0.1' : '0.0.0.0'),
    trustProxy: e.TRUST_PROXY ?? false,
    emulatorPort: e.STRIPE_EMULATOR_PORT,
    bodyLimits: Object.freeze({
      form: e.BODY_LIMIT_FORM,
      json: e.BODY_LIMIT_JSON,
      webhook: e.BODY_LIMIT_WEBHOOK,
    }),
    redisUrl: e.REDIS_URL,
    brand: brandFromEnv(e),
    brandSettings: brandSettingsFromEnv(e),
    alerts: alertSettingsFromEnv(e),
  })
}

/**
 * An empty value is an unset one, for every setting: `.env.example` lists them all empty, and a
 * container's env file passes `PORT=` through as an empty string (it was read as port 0, a random
 * port, and `DATA_DIR=` as the working directory).
 */
function withoutEmptyValues(env: Env): Env {
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  )
}

/** `store@example.com` or `Shop <store@example.com>`, as MAIL_FROM takes it. */
function isSender(value: string): boolean {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value)
  return z.email().safeParse(named ? named[1]?.trim() : value).success
}

const FilesEnvSchema = EnvSchema.pick({
  FILES_URL: true,
  S3_ENDPOINT: true,
  S3_REGION: true,
  S3_ACCESS_KEY_ID: true,
  S3_SECRET_ACCESS_KEY: true,
  S3_FORCE_PATH_STYLE: true,
})

function filesLocation(e: z.infer<typeof FilesEnvSchema>): FilesLocation | string {
  return parseFilesLocation(e.FILES_URL, {
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    accessKeyId: e.S3_ACCESS_KEY_ID,
    secretAccessKey: e.S3_SECRET_ACCESS_KEY,
    forcePathStyle: e.S3_FORCE_PATH_STYLE,
  })
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const [name, item] = issue.path
  const where = typeof item === 'number' ? ` (item ${item + 1})` : ''
  return `${String(name ?? 'environment')}: ${issue.message}${where}`
}

/** With a real key there is no emulator to hand out a webhook secret or keep a session secret. */
function liveModeProblems(env: Env): string[] {
  const set = (name: string): boolean => (env[name] ?? '').trim() !== ''
  if (!set('STRIPE_SECRET_KEY')) return []
  const problems: string[] = []
  if (!set('STRIPE_WEBHOOK_SECRET'))
    problems.push('STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set')
  if (!set('SESSION_SECRET')) problems.push('SESSION_SECRET: required when STRIPE_SECRET_KEY is set')
  return problems
}

/** The environment as the process sees it, with `.env` values filling the gaps (real env wins). */
export function readEnvironment(envFile = '.env'): Env {
  if (!existsSync(envFile)) return { ...process.env }
  return { ...parseEnvFile(readFileSync(envFile, 'utf8')), ...process.env }
}

/** A tiny `.env` parser: `KEY=value`, optional quotes, `#` comments, no interpolation. */
export function parseEnvFile(text: string): Env {
  const out: Env = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!match) continue
    let value = match[2] ?? ''
    const quoted = /^(['"])(.*)\1$/.exec(value)
    value = quoted ? (quoted[2] ?? '') : value.replace(/\s+#.*$/, '')
    out[match[1] as string] = value
  }
  return out
}

/** Test mode's session secret, made once in DATA_DIR; a folder it cannot write is a config problem. */
function readOrCreateSecret(path: string): string {
  try {
    if (existsSync(path)) return readFileSync(path, 'utf8').trim()
    const secret = randomBytes(32).toString('base64url')
    mkdirSync(resolve(path, '..'), { recursive: true })
    writeFileSync(path, `${secret}\n`, { mode: 0o600 })
    return secret
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === undefined) throw err
    throw new ConfigError([
      `DATA_DIR: cannot write ${path} (${code}); DATA_DIR must be a folder this user can write`,
    ])
  }
}
