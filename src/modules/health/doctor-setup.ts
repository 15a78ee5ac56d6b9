/**
 * `tollgate doctor`, the local half: the store has a name of its own, mail can leave (SMTP
 * reachable, a real sender), the database is reachable and migrated, every catalog file is where
 * downloads will look for it, and the session secret is not a placeholder.
 * @module
 */
import { sql } from 'kysely'
import { type Config, isLiveStripeKey } from '../../config.js'
import type { Deps } from '../../deps.js'
import { DEFAULT_BRAND } from '../../lib/brand.js'
import { type CheckResult, fail, guarded, pass, warn, withTimeout } from './check.js'
import { checkMigrations } from './readiness.js'

const PLACEHOLDER_SENDER = /@tollgate\.localhost>?$/
const PLACEHOLDER_SECRET = /change|replace|example|placeholder|your|xxxx|1234567890/i

/** Live keys: a problem buyers would meet is a failure, not a warning. */
function isLive(config: Pick<Config, 'testMode' | 'stripeSecretKey'>): boolean {
  return !config.testMode && isLiveStripeKey(config.stripeSecretKey)
}

/**
 * The name buyers see on every page, in every email and on Checkout: the default is the demo's,
 * which a store that never set `store: name` (or STORE_NAME) would show its buyers.
 */
export function checkStoreName(config: Pick<Config, 'brand' | 'testMode' | 'stripeSecretKey'>): CheckResult {
  if (config.brand.name !== DEFAULT_BRAND.name) return pass('store-name', `buyers see “${config.brand.name}”`)
  const detail = `the store has no name of its own: buyers would see “${DEFAULT_BRAND.name}” on every page, email and Checkout`
  const fix = 'Name it in the catalog (store: then name: Your Shop) or with STORE_NAME.'
  return isLive(config) ? fail('store-name', detail, fix) : warn('store-name', detail, fix)
}

export async function checkMail(deps: Deps): Promise<CheckResult> {
  const { config } = deps
  const live = isLive(config)
  if (config.smtpUrl === undefined || !deps.mail.verify) {
    const detail = 'SMTP_URL is not set: receipts and sign-in links stay in the dev mailbox and reach nobody'
    const fix = 'Set SMTP_URL=smtps://user:pass@smtp.example.com (your mail provider’s SMTP settings).'
    return live ? fail('mail', detail, fix) : warn('mail', detail, fix)
  }
  if (PLACEHOLDER_SENDER.test(config.mailFrom)) {
    return fail(
      'mail',
      `MAIL_FROM is the placeholder ${config.mailFrom}`,
      `Set MAIL_FROM=${suggestedSender(config)} (an address your SMTP provider may send from).`,
    )
  }
  const verify = deps.mail.verify
  return guarded(
    'mail',
    'Check SMTP_URL (host, port, user, password) and that this host may connect to it.',
    async () => {
      await withTimeout(verify(), 15_000, 'the SMTP server')
      return pass('mail', `the SMTP server accepted a connection and login; sender ${config.mailFrom}`)
    },
  )
}

/**
 * A sender for this shop: its brand name and an address at its own domain (the support address's,
 * else PUBLIC_URL's when that is a public name); `your-domain` only when neither says.
 */
export function suggestedSender(config: Pick<Config, 'brand' | 'publicUrl'>): string {
  const support = config.brand.supportEmail?.split('@')[1]
  const host = new URL(config.publicUrl).hostname.replace(/^www\./, '')
  const publicName = /\.[a-z]{2,}$/i.test(host) && !/(^|\.)localhost$/i.test(host) ? host : undefined
  const domain = support ?? publicName ?? 'your-domain'
  const name = config.brand.name.replace(/["\\<>]/g, '')
  return `"${name} <store@${domain}>"`
}

export async function checkDatabase(deps: Deps): Promise<CheckResult[]> {
  const database = await guarded(
    'database',
    'Check DATABASE_URL and that the database server is up.',
    async () => {
      await withTimeout(sql`select 1`.execute(deps.db), 10_000, 'the database')
      return pass('database', 'reachable')
    },
  )
  if (database.status === 'fail') return [database]
  return [database, await checkMigrations(deps)]
}

export async function checkFiles(deps: Deps): Promise<CheckResult> {
  const files = deps.catalog.products.flatMap((p) => p.files)
  const s3 = deps.config.files.kind === 's3'
  const fix = s3
    ? 'Run `tollgate files push` (it uploads them from the catalog paths).'
    : 'Put each file at its catalog path (relative to the catalog file).'
  // The store not answering at all (no such bucket, endpoint refused, credentials refused) is not
  // fixed by pushing: files push needs the same bucket, and does not create one.
  const unreachable = s3
    ? 'Check that the bucket in FILES_URL exists (files push does not create it) and that S3_ENDPOINT, S3_REGION and the credentials reach it; then run `tollgate files push`.'
    : 'Check that the catalog folder and its files can be read.'
  return guarded('files', unreachable, async () => {
    const missing: string[] = []
    for (const file of files)
      if (!(await deps.files.exists(file))) missing.push(`${file.id} (${deps.files.locate(file)})`)
    if (missing.length > 0)
      return fail(
        'files',
        `${missing.length} of ${files.length} catalog file(s) missing in ${deps.files.description}: ${missing.join(', ')}`,
        fix,
      )
    return pass('files', `all ${files.length} catalog file(s) are in ${deps.files.description}`)
  })
}

export function checkSessionSecret(config: Config): CheckResult {
  const secret = config.sessionSecret
  const fix =
    'Set SESSION_SECRET to 32+ random characters, e.g. `openssl rand -base64 32` (changing it signs everyone out).'
  if (new Set(secret).size < 16)
    return fail(
      'session-secret',
      `SESSION_SECRET uses only ${new Set(secret).size} different characters`,
      fix,
    )
  if (PLACEHOLDER_SECRET.test(secret))
    return fail('session-secret', 'SESSION_SECRET looks like a placeholder, not a random value', fix)
  return pass('session-secret', `${secret.length} characters, ${new Set(secret).size} different`)
}
