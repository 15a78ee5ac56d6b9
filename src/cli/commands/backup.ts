/**
 * `npx tollgate backup <file> [--json]` and `npx tollgate restore <file> [--json]` for a SQLite store.
 * Backup uses SQLite's online backup API, so the server may keep running (and writing) meanwhile;
 * the copy is checked with `PRAGMA integrity_check` before it is reported. Restore replaces the
 * database file with a checked copy, and refuses while a server has the file open. PostgreSQL and MySQL
 * have their own tools (`pg_dump`, `mysqldump`); the commands say so instead of doing half a job.
 * @module
 */
import { existsSync, renameSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { parseDatabaseUrl } from '../../lib/database-url.js'
import { type CliIO, type Command, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { cliConfig } from '../context.js'

const SERVER_TOOLS = {
  postgres:
    'use pg_dump -Fc "$DATABASE_URL" > tollgate.dump and pg_restore --clean -d "$DATABASE_URL" tollgate.dump',
  mysql: 'use mysqldump --single-transaction <database> > tollgate.sql and mysql <database> < tollgate.sql',
} as const

function sqlitePath(io: CliIO, action: string): string {
  const target = parseDatabaseUrl(cliConfig(io).databaseUrl)
  if (target.dialect !== 'sqlite') {
    throw new UsageError(
      `${action} works on SQLite stores; for ${target.dialect}, ${SERVER_TOOLS[target.dialect]}`,
    )
  }
  if (target.path === ':memory:') throw new UsageError(`an in-memory database has nothing to ${action}`)
  return resolve(target.path)
}

/** Opens `path` read-only and says what is wrong with it as a Tollgate database, if anything. */
function checkCopy(path: string): { migrations: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const verdict = db.pragma('integrity_check', { simple: true })
    if (verdict !== 'ok') throw new Error(`${path} is damaged: ${String(verdict)}`)
    const table = db
      .prepare("select name from sqlite_master where type = 'table' and name = 'kysely_migration'")
      .get()
    if (!table) throw new Error(`${path} is not a Tollgate database (no migration table)`)
    const row = db.prepare('select count(*) as n from kysely_migration').get() as { n: number }
    return { migrations: row.n }
  } finally {
    db.close()
  }
}

/**
 * Why the database cannot be replaced now, if it cannot: another process (a running server) has it
 * open. Replaced under a running server, the server kept writing to the deleted file and every
 * order taken from then on was lost. Leaving write-ahead logging needs the only connection, so a
 * refusal to leave it means another one is open; left, the file is whole for the swap.
 */
function inUseBy(path: string): string | undefined {
  if (!existsSync(path)) return undefined
  const db = new Database(path, { fileMustExist: true, timeout: 0 })
  try {
    const mode = db.pragma('journal_mode = delete', { simple: true })
    return mode === 'delete' || mode === 'memory'
      ? undefined
      : `${path} is in use (journal mode stays ${String(mode)}); stop the Tollgate server first`
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err
    return `${path} is open in another process (a running Tollgate server?); stop it first`
  } finally {
    db.close()
  }
}

function flags(args: string[]) {
  return parseCommandArgs(args, { json: { type: 'boolean' } }, { min: 1, max: 1, names: ['file'] })
}

export const backupCommand: Command = {
  name: 'backup',
  usage: 'backup <file> [--json]',
  summary: 'Copy the SQLite database while the server runs (online backup, checked)',
  async run(args, io) {
    const { values, positionals } = flags(args)
    const source = sqlitePath(io, 'backup')
    const destination = resolve(positionals[0] as string)
    if (existsSync(destination)) throw new UsageError(`${destination} exists; choose a new file`)
    const db = new Database(source, { fileMustExist: true })
    try {
      await db.backup(destination, {
        progress({ totalPages, remainingPages }) {
          if (!values.json) io.err(`backup: ${totalPages - remainingPages}/${totalPages} pages`)
          return 256
        },
      })
    } finally {
      db.close()
    }
    const { migrations } = checkCopy(destination)
    if (values.json) printJSON(io, { file: destination, migrations })
    else io.out(`Backed up ${source} to ${destination} (checked, ${migrations} migrations).`)
    return 0
  },
}

export const restoreCommand: Command = {
  name: 'restore',
  usage: 'restore <file> [--json]',
  summary: 'Replace the SQLite database with a backup (stop the server first)',
  async run(args, io) {
    const { values, positionals } = flags(args)
    const target = sqlitePath(io, 'restore')
    const source = resolve(positionals[0] as string)
    if (!existsSync(source)) throw new UsageError(`${source} does not exist`)
    let migrations: number
    try {
      ;({ migrations } = checkCopy(source))
    } catch (err) {
      io.err(`Not restored: ${(err as Error).message}`)
      return 1
    }
    const busy = inUseBy(target)
    if (busy) {
      io.err(`Not restored: ${busy}`)
      return 1
    }
    // Copy beside the target first, so a failure half-way leaves the current database untouched;
    // then swap it in whole, with the old write-ahead log gone (it belongs to the replaced file).
    const staged = join(dirname(target), `.restore-${process.pid}.db`)
    const from = new Database(source, { readonly: true, fileMustExist: true })
    try {
      await from.backup(staged)
    } finally {
      from.close()
    }
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true })
    renameSync(staged, target)
    if (values.json) printJSON(io, { file: target, from: source, migrations })
    else io.out(`Restored ${target} from ${source} (${migrations} migrations).`)
    return 0
  },
}
