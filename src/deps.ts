/**
 * The one dependencies object, built once at start and put on every request's context.
 * @module
 */
import { createRequire } from 'node:module'
import type { Kysely } from 'kysely'
import pino, { type Logger, type LoggerOptions } from 'pino'
import type PinoPretty from 'pino-pretty'
import type Stripe from 'stripe'
import type { Config } from './config.js'
import { connectDatabase } from './db/connect.js'
import type { Database } from './db/database.js'
import { resolveBrand } from './lib/brand.js'
import { type Clock, systemClock } from './lib/clock.js'
import { createFileStore, type FileStore } from './lib/file-store.js'
import { createMailer, type Mailer } from './lib/mailer.js'
import { createRateLimiter, type RateLimiter } from './lib/rate-limiter.js'
import type { Catalog } from './modules/catalog/index.js'
import { loadCatalog } from './modules/catalog/index.js'

export type Deps = {
  config: Config
  db: Kysely<Database>
  stripe: Stripe
  catalog: Catalog
  mail: Mailer
  /** Where the catalog's files are served from (local disk or object storage). */
  files: FileStore
  clock: Clock
  log: Logger
  /** Rate-limit and back-off counters (memory, or Redis with REDIS_URL). */
  rateLimits: RateLimiter
}

/**
 * Builds every dependency from the config; tests pass overrides (a database, a clock, a logger).
 * The config's brand is completed here from the catalog's `store:` section (the STORE_* variables
 * win over it field by field; lib/brand.ts).
 */
export function createDeps(base: Config, overrides: Partial<Deps> = {}): Deps {
  const catalog = overrides.catalog ?? loadCatalog(base.catalogPath)
  const config: Config = Object.freeze({
    ...base,
    brand: resolveBrand(base.brandSettings ?? {}, catalog.store, base.brand),
  })
  const log = overrides.log ?? createLogger(config)
  return {
    config,
    log,
    db:
      overrides.db ??
      connectDatabase(config.databaseUrl, { preparedStatements: config.databasePreparedStatements }),
    stripe: overrides.stripe ?? createStripeClient(config),
    catalog,
    mail: overrides.mail ?? createMailer(config, log),
    files: overrides.files ?? createFileStore(config.files, config.downloadOffload),
    clock: overrides.clock ?? systemClock,
    rateLimits:
      overrides.rateLimits ??
      createRateLimiter({
        redisUrl: config.redisUrl,
        onRedisChange: (reachable, err) => {
          if (reachable) log.info('Redis answers again: rate limits are shared between instances')
          else
            log.warn(
              { err: err?.message },
              'Redis (REDIS_URL) does not answer: rate limits count per instance until it does',
            )
        },
      }),
  }
}

/**
 * pino, writing JSON lines, or readable lines (pino-pretty, synchronously so nothing is lost on
 * exit) when LOG_FORMAT is `pretty` or `auto` on a terminal. `destination` is for tests.
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'logFormat'>,
  destination?: NodeJS.WritableStream,
): Logger {
  const pretty =
    config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true)
  const options: LoggerOptions = {
    level: config.logLevel,
    // Belt and braces: secrets must never reach a log line even if someone logs a whole object.
    redact: {
      paths: [
        '*.stripeSecretKey',
        '*.stripeWebhookSecret',
        '*.sessionSecret',
        '*.smtpUrl',
        '*.cronSecret',
        '*.secretAccessKey',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
  }
  if (pretty) {
    // Loaded only for readable logs (a terminal), never for JSON lines in production.
    const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty
    const stream = pinoPretty({
      sync: true,
      colorize: destination === undefined && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
      ...(destination ? { destination } : {}),
    })
    return pino(options, stream)
  }
  return destination ? pino(options, destination) : pino(options)
}

/**
 * The real SDK; pointed at STRIPE_API_URL (the emulator) when set. Loaded on first use, not at
 * start: the SDK is the largest library the app loads (about 10 MB of memory and a good part of
 * the cold start), and many processes (a read-only instance, most CLI commands) never call Stripe.
 * Its errors are recognised by `type` (lib/stripe-errors.ts), whichever build made them.
 */
export function createStripeClient(config: Pick<Config, 'stripeSecretKey' | 'stripeApiUrl'>): Stripe {
  let client: Stripe | undefined
  const real = (): Stripe => {
    client ??= newStripeClient(config)
    return client
  }
  return new Proxy({} as Stripe, {
    get(_target, prop) {
      const value = Reflect.get(real(), prop)
      return typeof value === 'function' ? value.bind(real()) : value
    },
    has: (_target, prop) => prop in real(),
  })
}

function newStripeClient(config: Pick<Config, 'stripeSecretKey' | 'stripeApiUrl'>): Stripe {
  const StripeSdk = createRequire(import.meta.url)('stripe') as typeof Stripe
  if (config.stripeApiUrl === undefined) return new StripeSdk(config.stripeSecretKey)
  const url = new URL(config.stripeApiUrl)
  const protocol = url.protocol === 'https:' ? 'https' : 'http'
  const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port)
  return new StripeSdk(config.stripeSecretKey, { host: url.hostname, port, protocol })
}
