/**
 * The boundary rules bite: a fixture tree (test/fixtures/boundaries) commits each forbidden move
 * once, and the same tools and config `npm run lint` uses must report every one of them, while the
 * one allowed move (a route opening a transaction) passes. See docs/ARCHITECTURE.md, "Boundaries".
 */
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const ROOT = resolve('.')
const FIXTURE = resolve('test/fixtures/boundaries')
const BIN = (name: string): string => join(ROOT, 'node_modules/.bin', name)

async function output(file: string, args: string[], cwd: string): Promise<{ code: number; text: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, timeout: 60_000 })
    return { code: 0, text: stdout + stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? 1, text: (e.stdout ?? '') + (e.stderr ?? '') }
  }
}

type Violation = { from: string; to: string; rule: { name: string } }

describe('architecture rules', () => {
  it('dependency-cruiser reports every forbidden import in the fixture', async () => {
    const { text } = await output(
      BIN('depcruise'),
      ['src', '--config', join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json'],
      FIXTURE,
    )
    const violations = (JSON.parse(text) as { summary: { violations: Violation[] } }).summary.violations
    const found = violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)
    expect(found).toEqual(
      expect.arrayContaining([
        'module-public-face: src/modules/checkout/service.ts → src/modules/catalog/find.ts',
        'layer-checkout: src/modules/checkout/service.ts → src/modules/orders/index.ts',
        'layer-lib: src/lib/money.ts → src/modules/catalog/index.ts',
        expect.stringMatching(
          /^emulator-only-through-test-mode: src\/modules\/orders\/fulfil\.ts → .*packages\/stripe-emulator\//,
        ),
        expect.stringMatching(/^no-circular: src\/modules\/(checkout|orders)\//),
      ]),
    )
  }, 60_000)

  it('the app itself passes the same rules', async () => {
    const { code, text } = await output(
      BIN('depcruise'),
      ['src', 'test', 'packages/stripe-emulator/src', '--config', '.dependency-cruiser.cjs'],
      ROOT,
    )
    expect(text).toContain('no dependency violations found')
    expect(code).toBe(0)
  }, 60_000)

  it('Biome reports wall-clock reads and transactions outside edges, and lets routes open one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-lint-'))
    cpSync(join(FIXTURE, 'src'), join(dir, 'src'), { recursive: true })
    cpSync(join(ROOT, 'lint'), join(dir, 'lint'), { recursive: true })
    cpSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'))
    writeFileSync(join(dir, 'package.json'), '{}')
    const { code, text } = await output(BIN('biome'), ['lint', '--max-diagnostics=100', 'src'], dir)
    expect(code).not.toBe(0)
    expect(text).toMatch(/src\/modules\/orders\/clock\.ts:\d+:\d+ plugin[\s\S]*?Wall-clock read in domain code/)
    expect(text).toMatch(/src\/modules\/orders\/service\.ts:\d+:\d+ plugin[\s\S]*?Only edges/)
    expect(text).not.toMatch(/src\/modules\/orders\/routes\.ts:\d+:\d+ plugin/)
  }, 60_000)
})
