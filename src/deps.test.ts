import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { loadConfig } from './config.js'
import { createDeps, createLogger } from './deps.js'

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough()
  const chunks: Buffer[] = []
  stream.on('data', (c: Buffer) => chunks.push(c))
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') }
}

describe('createLogger', () => {
  it('writes JSON lines with secrets redacted', () => {
    const out = capture()
    const log = createLogger({ logLevel: 'info', logFormat: 'json' }, out.stream)
    log.info({ login: { email: 'a@example.com', token: 'tg_secret_value' } }, 'signed in')
    const line = JSON.parse(out.text().trim()) as { msg: string; login: { token: string } }
    expect(line.msg).toBe('signed in')
    expect(line.login.token).toBe('[redacted]')
  })

  it('writes readable lines for LOG_FORMAT=pretty, still redacted', () => {
    const out = capture()
    const log = createLogger({ logLevel: 'info', logFormat: 'pretty' }, out.stream)
    log.info({ login: { token: 'tg_secret_value' } }, 'signed in')
    const text = out.text()
    expect(text).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: signed in\n/)
    expect(text).toContain('[redacted]')
    expect(text).not.toContain('tg_secret_value')
    expect(() => JSON.parse(text)).toThrow()
  })
})

describe('createDeps: the brand', () => {
  /** A copy of the demo catalog with a `store:` section, and a config over it. */
  function depsWith(store: string, env: Record<string, string> = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-brand-'))
    const demo = readFileSync(resolve('catalog.yaml'), 'utf8')
    const catalogPath = join(dir, 'catalog.yaml')
    writeFileSync(catalogPath, `${store}${demo}`)
    const config = loadConfig({ DATA_DIR: dir, CATALOG: catalogPath, LOG_LEVEL: 'silent', ...env })
    return createDeps(config, { db: {} as never })
  }

  const STORE = `store:
  name: Ada Books
  logoUrl: https://cdn.ada.example/logo.png
  accentColor: "#AA3300"
  supportEmail: help@ada.example
`

  it('takes the catalog’s store section over the defaults', () => {
    expect(depsWith(STORE).config.brand).toEqual({
      name: 'Ada Books',
      logoUrl: 'https://cdn.ada.example/logo.png',
      accentColor: '#aa3300',
      supportEmail: 'help@ada.example',
      termsUrl: undefined,
      privacyUrl: undefined,
    })
  })

  it('lets each STORE_* variable win over the catalog for its own field only', () => {
    const deps = depsWith(STORE, {
      STORE_NAME: 'Ada Books (staging)',
      STORE_TERMS_URL: 'https://ada.example/terms',
    })
    expect(deps.config.brand).toEqual({
      name: 'Ada Books (staging)',
      logoUrl: 'https://cdn.ada.example/logo.png',
      accentColor: '#aa3300',
      supportEmail: 'help@ada.example',
      termsUrl: 'https://ada.example/terms',
      privacyUrl: undefined,
    })
    expect(Object.isFrozen(deps.config)).toBe(true)
  })

  it('keeps the defaults when neither sets a field', () => {
    expect(depsWith('').config.brand).toMatchObject({ name: 'Tollgate demo store', accentColor: '#2454d6' })
  })
})
