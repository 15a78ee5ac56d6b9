import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, isLiveStripeKey, loadConfig, parseEnvFile } from './config.js'
import { DATABASE_URL_FORMS } from './lib/database-url.js'

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) return err.problems
    throw err
  }
  throw new Error('expected a ConfigError')
}

describe('loadConfig', () => {
  it('lists every bad value in one error', () => {
    const problems = problemsOf({
      STRIPE_SECRET_KEY: 'not-a-key',
      STRIPE_WEBHOOK_SECRET: 'nope',
      PORT: 'eighty',
      PUBLIC_URL: 'ftp://example.com',
      SMTP_URL: 'http://mail',
      ADMIN_EMAILS: 'ann@example.com, not-an-email',
      CORS_ORIGINS: 'https://ok.example,bad origin',
      LOG_LEVEL: 'loud',
      LOG_FORMAT: 'xml',
      SESSION_SECRET: 'short',
    })
    const names = problems.map((p) => p.split(':')[0])
    expect(names).toEqual(
      expect.arrayContaining([
        'STRIPE_SECRET_KEY',
        'STRIPE_WEBHOOK_SECRET',
        'PORT',
        'PUBLIC_URL',
        'SMTP_URL',
        'ADMIN_EMAILS',
        'CORS_ORIGINS',
        'LOG_LEVEL',
        'LOG_FORMAT',
        'SESSION_SECRET',
      ]),
    )
    expect(problems.find((p) => p.startsWith('ADMIN_EMAILS'))).toContain('item 2')
  })

  it('reads an empty value as an unset one: .env.example as it is gives the defaults', () => {
    const example = parseEnvFile(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'))
    expect(Object.keys(example).length).toBeGreaterThan(40)
    const cwd = process.cwd()
    process.chdir(mkdtempSync(join(tmpdir(), 'tollgate-config-')))
    try {
      const config = loadConfig(example)
      expect(config.port).toBe(3000)
      expect(config.dataDir).toBe(join(process.cwd(), 'data'))
      expect(config.catalogPath).toBe(join(process.cwd(), 'catalog.yaml'))
      expect(config.logLevel).toBe('info')
      expect(config.bodyLimits.form).toBe(64 * 1024)
      expect(config.testMode).toBe(true)
    } finally {
      process.chdir(cwd)
    }
  })

  it('tells a live Stripe key from a test one (sk_test_ is Stripe test mode, not live)', () => {
    expect(['sk_live_abc0123456789', 'rk_live_abc0123456789'].map(isLiveStripeKey)).toEqual([true, true])
    expect(['sk_test_abc0123456789', 'rk_test_abc', 'sk_tollgate_live_x'].map(isLiveStripeKey)).toEqual([
      false,
      false,
      false,
    ])
  })

  it('checks MAIL_FROM, and FILES_URL alongside every other bad value', () => {
    const problems = problemsOf({
      MAIL_FROM: 'not an address <>',
      FILES_URL: 'http://bucket',
      LOG_LEVEL: 'loud',
    })
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['FILES_URL', 'LOG_LEVEL', 'MAIL_FROM'])
    expect(problemsOf({ MAIL_FROM: 'bad' })[0]).toMatch(/^MAIL_FROM: must be an email address/)
    const dataDir = mkdtempSync(join(tmpdir(), 'tollgate-config-'))
    expect(loadConfig({ DATA_DIR: dataDir, MAIL_FROM: 'Quill Press <shop@quill.example>' }).mailFrom).toBe(
      'Quill Press <shop@quill.example>',
    )
    expect(loadConfig({ DATA_DIR: dataDir, MAIL_FROM: 'shop@quill.example' }).mailFrom).toBe(
      'shop@quill.example',
    )
  })

  it('refuses a DATABASE_URL it cannot use in one line naming the accepted forms, never the password', () => {
    for (const url of ['mysql:/db/shop', 'mysql://u:secret@db:3306', 'redis://u:secret@cache', 'sqlite:']) {
      const problems = problemsOf({ DATABASE_URL: url, SESSION_SECRET: 'x'.repeat(40) })
      expect(problems, url).toHaveLength(1)
      expect(problems[0], url).toMatch(/^DATABASE_URL: /)
      expect(problems[0], url).toContain('mysql://user:password@host:3306/database (or mariadb://)')
      expect(problems[0], url).toContain('postgres://user:password@host:5432/database')
      expect(problems[0], url).not.toContain('secret')
    }
    const config = loadConfig({
      DATABASE_URL: ' mariadb://shop:pw@db:3306/tollgate ',
      SESSION_SECRET: 'x'.repeat(40),
    })
    expect(config.databaseUrl).toBe('mariadb://shop:pw@db:3306/tollgate')
  })

  it('requires the webhook and session secrets when a real key is set', () => {
    // A key cut short when pasted starts right but is refused, saying what a whole one looks like.
    expect(problemsOf({ STRIPE_SECRET_KEY: 'sk_live_abc' })).toContain(
      'STRIPE_SECRET_KEY: must be a whole Stripe secret or restricted key: sk_test_, sk_live_, rk_test_ or rk_live_ and at least 8 more letters or digits (check that it was not cut off when pasted)',
    )
    const problems = problemsOf({ STRIPE_SECRET_KEY: 'sk_live_abcdefghijkl' })
    expect(problems).toEqual([
      'STRIPE_WEBHOOK_SECRET: required when STRIPE_SECRET_KEY is set',
      'SESSION_SECRET: required when STRIPE_SECRET_KEY is set',
    ])
  })

  it('derives test mode from a missing key and generates a session secret once', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tg-config-'))
    const first = loadConfig({ DATA_DIR: dataDir })
    const second = loadConfig({ DATA_DIR: dataDir })
    expect(first.testMode).toBe(true)
    expect(first.sessionSecret.length).toBeGreaterThanOrEqual(32)
    expect(second.sessionSecret).toBe(first.sessionSecret)
    expect(readFileSync(join(dataDir, 'session-secret'), 'utf8').trim()).toBe(first.sessionSecret)
    expect(first.databaseUrl).toBe(join(dataDir, 'tollgate.db'))
    expect(first.publicUrl).toBe('http://localhost:3000')
    expect(Object.isFrozen(first)).toBe(true)
  })

  it('parses a live configuration', () => {
    const config = loadConfig({
      STRIPE_SECRET_KEY: 'sk_live_abcdefghijkl',
      STRIPE_WEBHOOK_SECRET: 'whsec_abc',
      SESSION_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://u@db/tollgate',
      PUBLIC_URL: 'https://shop.example.com/',
      PORT: '8080',
      ADMIN_EMAILS: 'Ann@Example.com, bob@example.com',
      CORS_ORIGINS: 'https://a.example/path',
    })
    expect(config.testMode).toBe(false)
    expect(config.publicUrl).toBe('https://shop.example.com')
    expect(config.port).toBe(8080)
    expect(config.adminEmails).toEqual(['ann@example.com', 'bob@example.com'])
    expect(config.corsOrigins).toEqual(['https://a.example'])
    expect(config.databaseUrl).toBe('postgres://u@db/tollgate')
    expect(config.databasePreparedStatements).toBe(true)
  })

  it('turns named prepared statements off only with DATABASE_PREPARED_STATEMENTS=false', () => {
    const base = { DATABASE_URL: 'postgres://u@db/tollgate', SESSION_SECRET: 'x'.repeat(40) }
    expect(loadConfig({ ...base, DATABASE_PREPARED_STATEMENTS: 'false' }).databasePreparedStatements).toBe(
      false,
    )
    expect(loadConfig({ ...base, DATABASE_PREPARED_STATEMENTS: 'true' }).databasePreparedStatements).toBe(
      true,
    )
    expect(problemsOf({ ...base, DATABASE_PREPARED_STATEMENTS: 'off' })).toEqual([
      'DATABASE_PREPARED_STATEMENTS: must be true or false',
    ])
  })
})

describe('parseEnvFile', () => {
  it('reads KEY=value lines with quotes and comments', () => {
    const env = parseEnvFile(
      '# comment\nA=1\nexport B="two words"\nC=\'x#y\'\nD=plain # trailing\n\nbad line\n',
    )
    expect(env).toEqual({ A: '1', B: 'two words', C: 'x#y', D: 'plain' })
  })
})

describe('deployment settings (issue 10)', () => {
  it('names each wrong setting with the values it accepts', () => {
    const problems = problemsOf({
      DATABASE_URL: 'redis://root@cache/0',
      FILES_URL: 'https://bucket.example/files',
      CRON_SECRET: 'short',
      S3_FORCE_PATH_STYLE: 'yes',
    })
    expect(problems).toEqual(
      expect.arrayContaining([
        `DATABASE_URL: redis: is not a supported database; use ${DATABASE_URL_FORMS}`,
        'CRON_SECRET: must be at least 16 characters',
        'S3_FORCE_PATH_STYLE: must be true or false',
      ]),
    )
    expect(problemsOf({ FILES_URL: 'https://bucket.example/files' })).toEqual([
      'FILES_URL: must be s3://bucket or s3://bucket/prefix (unset: files on the local disk)',
    ])
    expect(problemsOf({ FILES_URL: 's3://b' })[0]).toMatch(/^FILES_URL: "b" is not a valid bucket name/)
    expect(problemsOf({ FILES_URL: 's3://shop-files', S3_ACCESS_KEY_ID: 'AKIA' })[0]).toMatch(
      /set both, or neither/,
    )
  })

  it('reads an S3 location with its defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-config-s3-'))
    const config = loadConfig({
      DATA_DIR: dir,
      FILES_URL: 's3://shop-files/store/pdfs',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
    })
    expect(config.files).toEqual({
      kind: 's3',
      bucket: 'shop-files',
      prefix: 'store/pdfs/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
    })
    expect(loadConfig({ DATA_DIR: dir }).files).toEqual({ kind: 'local' })
  })
})

/** @see issue 9 */
describe('hardening settings (issue 9)', () => {
  const dir = (): string => mkdtempSync(join(tmpdir(), 'tollgate-config-'))
  const live = {
    STRIPE_SECRET_KEY: 'sk_live_0123456789abcdef',
    STRIPE_WEBHOOK_SECRET: 'whsec_x',
    SESSION_SECRET: 'x'.repeat(32),
  }

  it('listens on 127.0.0.1 in test mode and every interface in production, unless HOST says', () => {
    expect(loadConfig({ DATA_DIR: dir() }).host).toBe('127.0.0.1')
    expect(loadConfig({ ...live, DATA_DIR: dir() }).host).toBe('0.0.0.0')
    expect(loadConfig({ ...live, DATA_DIR: dir(), HOST: '::1' }).host).toBe('::1')
  })

  it('reads body limits, proxy trust, emulator port and Redis, naming every bad value', () => {
    const config = loadConfig({
      DATA_DIR: dir(),
      BODY_LIMIT_FORM: '8192',
      TRUST_PROXY: 'true',
      STRIPE_EMULATOR_PORT: '12999',
      REDIS_URL: 'redis://127.0.0.1:6379',
    })
    expect(config.bodyLimits).toEqual({ form: 8192, json: 1024 * 1024, webhook: 1024 * 1024 })
    expect(config).toMatchObject({
      trustProxy: true,
      emulatorPort: 12999,
      redisUrl: 'redis://127.0.0.1:6379',
    })
    expect(loadConfig({ DATA_DIR: dir() })).toMatchObject({ trustProxy: false, emulatorPort: undefined })
    const problems = problemsOf({
      DATA_DIR: dir(),
      BODY_LIMIT_JSON: 'lots',
      TRUST_PROXY: 'yes',
      STRIPE_EMULATOR_PORT: '99999',
      REDIS_URL: 'http://cache',
    })
    for (const name of ['BODY_LIMIT_JSON', 'TRUST_PROXY', 'STRIPE_EMULATOR_PORT', 'REDIS_URL']) {
      expect(problems.join('\n')).toContain(name)
    }
  })

  it('reads the shop’s brand and the owner’s alerts, naming every bad value', () => {
    const base = { SESSION_SECRET: 'x'.repeat(32), DATA_DIR: mkdtempSync(join(tmpdir(), 'tollgate-cfg-')) }
    const plain = loadConfig(base)
    expect(plain.brand).toEqual({
      name: 'Tollgate demo store',
      accentColor: '#2454d6',
      logoUrl: undefined,
      supportEmail: undefined,
      termsUrl: undefined,
      privacyUrl: undefined,
    })
    expect(plain.alerts).toEqual({
      webhookUrl: undefined,
      off: [],
      digest: false,
      badSignatures: { threshold: 20, windowSeconds: 300 },
    })
    const set = loadConfig({
      ...base,
      STORE_NAME: 'Ada Books',
      STORE_LOGO_URL: 'https://cdn.ada.example/logo.png',
      STORE_ACCENT_COLOR: '#AA3300',
      STORE_SUPPORT_EMAIL: 'help@ada.example',
      STORE_TERMS_URL: 'https://ada.example/terms',
      STORE_PRIVACY_URL: 'https://ada.example/privacy',
      ALERT_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/X',
      ALERTS_OFF: 'sale, subscription',
      ALERT_DIGEST: 'true',
      ALERT_BAD_SIGNATURE_THRESHOLD: '5',
      ALERT_BAD_SIGNATURE_WINDOW_SECONDS: '60',
    })
    expect(set.brand).toMatchObject({
      name: 'Ada Books',
      accentColor: '#aa3300',
      supportEmail: 'help@ada.example',
    })
    expect(set.alerts).toEqual({
      webhookUrl: 'https://hooks.slack.com/services/T/B/X',
      off: ['sale', 'subscription'],
      digest: true,
      badSignatures: { threshold: 5, windowSeconds: 60 },
    })
    const problems = problemsOf({
      ...base,
      STORE_ACCENT_COLOR: 'blue',
      STORE_LOGO_URL: 'javascript:alert(1)',
      STORE_SUPPORT_EMAIL: 'help',
      ALERTS_OFF: 'sale,sales',
      ALERT_WEBHOOK_URL: 'ftp://hooks',
      ALERT_DIGEST: 'daily',
      ALERT_BAD_SIGNATURE_THRESHOLD: '0',
    })
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'ALERTS_OFF',
      'ALERT_BAD_SIGNATURE_THRESHOLD',
      'ALERT_DIGEST',
      'ALERT_WEBHOOK_URL',
      'STORE_ACCENT_COLOR',
      'STORE_LOGO_URL',
      'STORE_SUPPORT_EMAIL',
    ])
    expect(problems.find((p) => p.startsWith('ALERTS_OFF'))).toContain('sale, subscription, cancellation')
  })
})
