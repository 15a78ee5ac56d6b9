/**
 * `npx tollgate keys rotate`, run as an operator runs it: each rotation publishes a new key and
 * keeps the previous one in the JWKS; strict arguments.
 * @see issue 9 (item 10: signing key sealed at rest, `tollgate keys rotate`)
 */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { connectDatabase } from '../../db/connect.js'

const run = promisify(execFile)

async function tollgate(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [resolve('bin/tollgate.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout: 90_000,
    })
    return { code: 0, out: stdout + stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: e.code ?? 1, out: (e.stdout ?? '') + (e.stderr ?? '') }
  }
}

describe('npx tollgate keys rotate', () => {
  it('publishes the new key beside the old ones, and refuses unknown flags and actions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-keys-'))
    const env = {
      DATA_DIR: dir,
      DATABASE_URL: join(dir, 'keys.db'),
      CATALOG: resolve('catalog.yaml'),
      LOG_LEVEL: 'silent',
    }
    const first = await tollgate(['keys', 'rotate', '--json'], env)
    expect(first.code, first.out).toBe(0)
    const a = JSON.parse(first.out) as { kid: string; published: string[] }
    expect(a.published).toContain(a.kid)
    const second = await tollgate(['keys', 'rotate', '--json'], env)
    const b = JSON.parse(second.out) as { kid: string; published: string[] }
    expect(b.kid).not.toBe(a.kid)
    expect(b.published).toEqual(expect.arrayContaining([a.kid, b.kid]))
    // Each rotation is in the audit log, as a change made from the command line.
    const db = connectDatabase(env.DATABASE_URL)
    try {
      const audit = await db
        .selectFrom('admin_audit_log')
        .select(['actor_email', 'action', 'target_id'])
        .orderBy('id')
        .execute()
      expect(audit).toEqual([
        { actor_email: 'cli', action: 'signing_key.rotate', target_id: a.kid },
        { actor_email: 'cli', action: 'signing_key.rotate', target_id: b.kid },
      ])
    } finally {
      await db.destroy()
    }

    const flag = await tollgate(['keys', 'rotate', '--force'], env)
    expect(flag.code).not.toBe(0)
    expect(flag.out).toContain('--force')
    const action = await tollgate(['keys', 'spin'], env)
    expect(action.code).not.toBe(0)
    expect(action.out).toContain('spin')
  }, 180_000)
})
