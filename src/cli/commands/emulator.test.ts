/**
 * `npx tollgate emulator advance|reset` acts on this store's emulator (its flags, STRIPE_API_URL,
 * the running store's `emulator.url`, STRIPE_EMULATOR_PORT), never on whatever listens on
 * 127.0.0.1:12111, which may be another store's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Emulator, startEmulator } from '../../test-mode/emulator.js'
import { runCli } from '../index.js'

function cli(env: Record<string, string>) {
  const lines: string[] = []
  const io = { env, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) }
  return { run: (args: string[]) => runCli(args, io), lines }
}

/** Another store's emulator: on 12111, where the command used to guess, when that port is free. */
async function startOther(): Promise<{ emulator: Emulator; url: string }> {
  try {
    return await startEmulator({ port: 12111 })
  } catch {
    return startEmulator({ port: 0 })
  }
}

describe('npx tollgate emulator advance | reset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-emulator-cli-'))
  const urlFile = join(dir, 'emulator.url')
  let mine: { emulator: Emulator; url: string }
  let other: { emulator: Emulator; url: string }
  const base = { DATA_DIR: dir, CATALOG: resolve('catalog.yaml'), LOG_LEVEL: 'silent' }
  const portOf = (url: string) => new URL(url).port
  const now = (e: { emulator: Emulator }) => e.emulator.clock.now()
  beforeAll(async () => {
    mine = await startEmulator({ port: 0 })
    other = await startOther()
  })
  afterAll(async () => {
    await mine.emulator.stop()
    await other.emulator.stop()
  })

  /** Runs `args` and returns how far each emulator's clock moved, in whole days (it also ticks). */
  async function moved(env: Record<string, string>, args: string[]) {
    const [a, b] = [now(mine), now(other)]
    const c = cli(env)
    const code = await c.run(args)
    return {
      code,
      lines: c.lines,
      mine: Math.round((now(mine) - a) / 86_400),
      other: Math.round((now(other) - b) / 86_400),
    }
  }

  it("advances the store's emulator on STRIPE_EMULATOR_PORT, not the one on 12111", async () => {
    rmSync(urlFile, { force: true })
    const result = await moved({ ...base, STRIPE_EMULATOR_PORT: portOf(mine.url) }, [
      'emulator',
      'advance',
      '1d',
    ])
    expect(result).toMatchObject({ code: 0, mine: 1, other: 0 })
  }, 30_000)

  it("prefers the running store's emulator.url to STRIPE_EMULATOR_PORT, and STRIPE_API_URL to both", async () => {
    writeFileSync(urlFile, `${mine.url}\n`)
    try {
      const env = { ...base, STRIPE_EMULATOR_PORT: portOf(other.url) }
      expect(await moved(env, ['emulator', 'advance', '2d'])).toMatchObject({ code: 0, mine: 2, other: 0 })
      expect(await moved({ ...env, STRIPE_API_URL: other.url }, ['emulator', 'advance', '1d'])).toMatchObject(
        {
          code: 0,
          mine: 0,
          other: 1,
        },
      )
    } finally {
      rmSync(urlFile, { force: true })
    }
  }, 30_000)

  it('goes where --url or --port says, over the store settings', async () => {
    const env = { ...base, STRIPE_API_URL: other.url }
    expect(await moved(env, ['emulator', 'advance', '1d', '--url', mine.url])).toMatchObject({
      code: 0,
      mine: 1,
    })
    expect(await moved(env, ['emulator', 'advance', '1d', '--port', portOf(mine.url)])).toMatchObject({
      code: 0,
      mine: 1,
      other: 0,
    })
  }, 30_000)

  it('says no emulator is running for this store, exit 1, and moves nothing', async () => {
    writeFileSync(urlFile, 'http://127.0.0.1:1\n')
    try {
      for (const args of [
        ['emulator', 'advance', '30d'],
        ['emulator', 'reset'],
      ]) {
        const result = await moved(base, args)
        expect(result).toMatchObject({ code: 1, mine: 0, other: 0 })
        expect(result.lines.at(-1)).toMatch(/^No emulator is running for this store/)
      }
    } finally {
      rmSync(urlFile, { force: true })
    }
  }, 30_000)

  it('refuses server flags, extra arguments and a bad --url with exit 2, naming them', async () => {
    const env = { ...base, STRIPE_API_URL: mine.url }
    for (const [args, named] of [
      [['emulator', 'advance', '1d', '--state', 'x.json'], '--state'],
      [['emulator', 'advance', '1d', 'now'], 'now'],
      [['emulator', 'reset', '--url', 'ftp://x'], '--url'],
      [['emulator', 'advance', '1d', '--url', mine.url, '--port', '1'], '--port'],
    ] as const) {
      const result = await moved(env, [...args])
      expect(result).toMatchObject({ code: 2, mine: 0 })
      expect(result.lines.join('\n')).toContain(named)
    }
  }, 30_000)
})
