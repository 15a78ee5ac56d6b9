/**
 * Tollgate as its own process, the way an operator runs it (`src/main.ts` through tsx, which is
 * what `npm run dev` runs; production.test.ts covers the compiled build), plus a plain HTTP
 * client that tells a refused connection (the server was not listening) from one that was
 * accepted and then dropped.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { resolve } from 'node:path'
import { eventually } from './purchase.js'

const ROOT = resolve('.')

export type ServerProcess = {
  child: ChildProcess
  url: string
  /** Everything the process wrote (JSON log lines). */
  output(): string
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>
}

export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=tollgate-source', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const url = `http://127.0.0.1:${env.PORT}`
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`Tollgate exited at start:\n${output}`)
    // Logged once the catalog is synced too (test mode syncs after the server listens).
    return output.includes('Tollgate is listening') ? true : undefined
  }, 60_000)
  return { child, url, output: () => output, exited }
}

export type Outcome =
  | { kind: 'answered'; status: number; location?: string; body: string }
  /** The server was not listening: it never took the request. */
  | { kind: 'refused' }
  /** Accepted, then dropped before a whole answer: what a graceful shutdown must never do. */
  | { kind: 'dropped'; error: string }

export type SlowBody = { first: string; rest: string; afterFirst: () => Promise<void> }

/**
 * One request on its own connection (no keep-alive pool whose idle sockets a closing server may
 * race). With `slow`, the body is sent in two parts and `afterFirst` runs in between, while the
 * server already holds the request.
 */
export function send(
  url: string,
  init: { method: string; path: string; headers?: Record<string, string>; body?: string | SlowBody },
): Promise<Outcome> {
  return new Promise((done) => {
    const target = new URL(init.path, url)
    const req = httpRequest(
      target,
      { method: init.method, headers: init.headers ?? {}, agent: false },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
        })
        res.on('end', () =>
          done({
            kind: 'answered',
            status: res.statusCode ?? 0,
            body,
            ...(res.headers.location ? { location: res.headers.location } : {}),
          }),
        )
        res.on('error', (err) => done({ kind: 'dropped', error: err.message }))
      },
    )
    req.on('error', (err: NodeJS.ErrnoException) =>
      done(
        err.code === 'ECONNREFUSED'
          ? { kind: 'refused' }
          : { kind: 'dropped', error: `${err.code} ${err.message}` },
      ),
    )
    const body = init.body
    if (body === undefined || typeof body === 'string') {
      req.end(body)
      return
    }
    req.flushHeaders()
    req.write(body.first, () => {
      body.afterFirst().then(
        () => req.end(body.rest),
        (err: Error) => req.destroy(err),
      )
    })
  })
}
