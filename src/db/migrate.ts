/**
 * Runs every migration in `src/db/migrations/` (files named `YYYY_MM_DD_HHMM_<verb>_<noun>.ts`,
 * each exporting `up(db: Kysely<any>)`). Files are discovered at run time, so adding a migration
 * needs no edit here; the same set runs on SQLite and PostgreSQL.
 * @module
 */
import { readdir } from 'node:fs/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
  PostgresAdapter,
  sql,
} from 'kysely'

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))

/** Imports migration files by URL, which works under tsx, vitest and compiled JavaScript alike. */
async function migrationFiles(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR))
    .filter((f) => /^\d{4}_\d{2}_\d{2}_\d{4}_[\w-]+\.(ts|js)$/.test(f) && !f.includes('.test.'))
    .sort()
}

export const fileMigrations: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = await migrationFiles()
    const migrations: Record<string, Migration> = {}
    for (const file of files) {
      const module = (await import(pathToFileURL(`${MIGRATIONS_DIR}${file}`).href)) as Migration
      migrations[file.replace(/\.(ts|js)$/, '')] = module
    }
    return migrations
  },
}

export function createMigrator<DB>(db: Kysely<DB>, schema?: string): Migrator {
  // Engineers add migrations concurrently; a file landing "before" one already run must still run.
  return new Migrator({
    db: db as Kysely<unknown>,
    provider: fileMigrations,
    allowUnorderedMigrations: true,
    // Without the schema, Kysely finds another schema's kysely_migration tables (parallel PostgreSQL
    // test schemas) and skips creating its own.
    ...(schema ? { migrationTableSchema: schema } : {}),
  })
}

/** PostgreSQL's current schema (from search_path); undefined on SQLite. */
async function currentSchema<DB>(db: Kysely<DB>): Promise<string | undefined> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return undefined
  const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db)
  return result.rows[0]?.schema
}

/** Migrates to the latest version; throws with the failing migration's name and error. */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  if (await allApplied(db)) return []
  const result: MigrationResultSet = await createMigrator(db, await currentSchema(db)).migrateToLatest()
  const failed = result.results?.find((r) => r.status === 'Error')
  if (result.error) {
    const name = failed ? ` (${failed.migrationName})` : ''
    throw new Error(`Migration failed${name}: ${String(result.error)}`, { cause: result.error })
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Names of the migrations not yet applied to this database (readiness, doctor). */
export async function listPendingMigrations<DB>(db: Kysely<DB>): Promise<string[]> {
  const migrations = await createMigrator(db, await currentSchema(db)).getMigrations()
  return migrations.filter((m) => m.executedAt === undefined).map((m) => m.name)
}

/**
 * Every migration file's name is already recorded as applied: nothing to do, and the files need
 * not be imported (at every start, importing them all was a noticeable part of the cold start).
 * Any doubt (no table yet, a file not recorded) goes the full way through the migrator.
 */
async function allApplied<DB>(db: Kysely<DB>): Promise<boolean> {
  try {
    const [files, rows] = await Promise.all([
      migrationFiles(),
      sql<{ name: string }>`select name from kysely_migration`.execute(db),
    ])
    const applied = new Set(rows.rows.map((r) => r.name))
    return files.every((f) => applied.has(f.replace(/\.(ts|js)$/, '')))
  } catch {
    return false
  }
}
