/**
 * The production build: `npm run build` compiles to dist/, and what ships runs on plain node.
 * `node dist/main.js` (the container's and systemd's command) serves the store as an unprivileged
 * user with no child process; `NODE_ENV=production npm start` leaves only node processes (npm, and
 * the server it execs). The deploy folders' function entries load the compiled handler.
 * @see issue 10
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findFreePort } from '../src/lib/ports.js'
import { eventually } from './purchase.js'

const run = promisify(execFile)
const ROOT = resolve('.')
const NOBODY = 65534
const running: ChildProcess[] = []

/** Every .js file under dist/ (both packages). */
function compiledFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
    )
  return [...walk(join(ROOT, 'dist')), ...walk(join(ROOT, 'packages/stripe-emulator/dist'))]
}

/** A data folder and catalog that an unprivileged user may write, as the image's /data. */
function storeDir(): { env: Record<string, string>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tg-production-'))
  chmodSync(dir, 0o777)
  copyFileSync(join(ROOT, 'catalog.yaml'), join(dir, 'catalog.yaml'))
  mkdirSync(join(dir, 'data'), { mode: 0o777 })
  chmodSync(join(dir, 'data'), 0o777)
  return { dir, env: { DATA_DIR: join(dir, 'data'), CATALOG: join(dir, 'catalog.yaml'), LOG_FORMAT: 'json' } }
}

function start(
  command: string,
  args: string[],
  env: Record<string, string>,
  asNobody: boolean,
): ChildProcess {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(asNobody && process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {}),
  })
  running.push(child)
  return child
}

/** The process's children, read from /proc. */
function childrenOf(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim()
  return text === '' ? [] : text.split(/\s+/).map(Number)
}

function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
}

async function storefront(port: number): Promise<string> {
  return eventually(async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined)
    return res?.ok ? res.text() : undefined
  }, 60_000)
}

beforeAll(async () => {
  await run(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: ROOT, timeout: 120_000 })
}, 180_000)
afterAll(() => {
  for (const child of running) child.kill('SIGTERM')
})

describe('the production build', () => {
  it('compiles every module to plain JavaScript that needs no TypeScript loader', () => {
    const files = compiledFiles()
    expect(files.length).toBeGreaterThan(150)
    const offenders = files.filter((f) =>
      /from ["']tsx|import\(["']tsx|from ["'][^"']+\.tsx?["']/.test(readFileSync(f, 'utf8')),
    )
    expect(offenders).toEqual([])
    expect(
      readdirSync(join(ROOT, 'dist/db/migrations')).filter((f) => f.endsWith('.js')).length,
    ).toBeGreaterThan(4)
  })

  it('`node dist/main.js` serves the store as an unprivileged user, alone in its process tree', async () => {
    const port = await findFreePort(30_000 + Math.floor(Math.random() * 10_000))
    const { env } = storeDir()
    const server = start(process.execPath, ['dist/main.js'], { ...env, PORT: String(port) }, true)
    expect(await storefront(port)).toContain('The Tollgate Field Guide')
    const pid = server.pid ?? 0
    expect(commandLine(pid)).toBe(`${process.execPath} dist/main.js`)
    expect(childrenOf(pid)).toEqual([])
    if (process.getuid?.() === 0)
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Uid:\s+65534\b/m)
    const health = await fetch(`http://127.0.0.1:${port}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'pass' })
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
    // dist/main.js is one bundle (scripts/build.mjs): files found next to the code still are.
    const style = await fetch(`http://127.0.0.1:${port}/static/style.css`)
    expect(style.status).toBe(200)
    expect(await style.text()).toContain('--accent')
  }, 90_000)

  it('`NODE_ENV=production npm start`: npm execs node on the build, nothing else runs', async () => {
    const port = await findFreePort(40_000 + Math.floor(Math.random() * 10_000))
    const { env } = storeDir()
    const npm = start('npm', ['start'], { ...env, PORT: String(port) }, false)
    expect(await storefront(port)).toContain('The Tollgate Field Guide')
    const [server, ...others] = childrenOf(npm.pid ?? 0)
    expect(others).toEqual([])
    expect(commandLine(server ?? 0)).toMatch(/^\S*node bin\/tollgate\.js start$/)
    expect(childrenOf(server ?? 0)).toEqual([])
  }, 90_000)
})

describe('the deploy folders', () => {
  it('the Vercel and Netlify functions load the compiled handler (and refuse a store without configuration)', async () => {
    // Vercel: api/ sits at the repository root next to dist/.
    const site = mkdtempSync(join(tmpdir(), 'tg-vercel-'))
    mkdirSync(join(site, 'api'))
    copyFileSync(join(ROOT, 'deploy/vercel/api/tollgate.js'), join(site, 'api/tollgate.js'))
    symlinkSync(join(ROOT, 'dist'), join(site, 'dist'))
    symlinkSync(join(ROOT, 'package.json'), join(site, 'package.json'))
    const vercel = (await import(pathToFileURL(join(site, 'api/tollgate.js')).href)) as {
      default: { fetch(r: Request, c: object): Promise<Response> }
    }
    const netlify = (await import(
      pathToFileURL(join(ROOT, 'deploy/netlify/functions/tollgate.mjs')).href
    )) as {
      default(r: Request, c: object): Promise<Response>
      config: { path: string }
    }
    const cron = (await import(
      pathToFileURL(join(ROOT, 'deploy/netlify/functions/tollgate-cron.mjs')).href
    )) as {
      config: { schedule: string }
    }
    expect(netlify.config.path).toBe('/*')
    expect(cron.config.schedule).toBe('*/5 * * * *')
    // The test process has no STRIPE_SECRET_KEY: serverless refuses test mode.
    for (const res of [
      await vercel.default.fetch(new Request('https://shop.example/'), { waitUntil: () => {} }),
      await netlify.default(new Request('https://shop.example/'), { waitUntil: () => {} }),
    ]) {
      expect(res.status).toBe(503)
      expect(await res.json()).toMatchObject({ error: { code: 'UNAVAILABLE' } })
    }
    const vercelConfig = JSON.parse(readFileSync(join(ROOT, 'deploy/vercel/vercel.json'), 'utf8')) as {
      crons: { path: string }[]
    }
    expect(vercelConfig.crons[0]?.path).toBe('/cron')
  })
})
