/**
 * What migrations need to stay portable across SQLite, PostgreSQL and MySQL/MariaDB: column types
 * that mean the same on all three, and the few schema statements whose SQL differs.
 *
 * Column types: on SQLite and PostgreSQL each is plain `text`. MySQL cannot key or index an unbounded TEXT column and
 * compares strings without regard to case (and to trailing spaces) under its usual collations, so
 * there each kind of text gets a bounded type with a binary, no-pad collation: strings compare
 * byte for byte, as on the other two.
 *
 * Migrations are frozen and so is this file: what a name maps to never changes (a changed type
 * would make old and new installs differ). A new need gets a new name.
 * @module
 */
import { type ColumnDataType, type Kysely, MysqlAdapter, type RawBuilder, sql } from 'kysely'

type DataType = ColumnDataType | RawBuilder<unknown>

export type ColumnTypes = {
  /** Ids, Stripe ids, token hashes, emails, statuses, currencies, names: up to 255 characters, indexable. */
  key: DataType
  /** ISO-8601 UTC times with milliseconds (`toDbTime`): compared and ordered as text. */
  time: DataType
  /** Text of any length (JSON, mail bodies, URLs, errors, sealed values): never a key or index. */
  text: DataType
}

const PORTABLE: ColumnTypes = { key: 'text', time: 'text', text: 'text' }

/** The types for this database; call once at the top of a migration's `up`. */
// biome-ignore lint/suspicious/noExplicitAny: migrations work on an untyped Kysely
export async function columnTypes(db: Kysely<any>): Promise<ColumnTypes> {
  if (!(db.getExecutor().adapter instanceof MysqlAdapter)) return PORTABLE
  const exact = await binaryNoPadCollation(db)
  return {
    key: sql.raw(`varchar(255) character set utf8mb4 collate ${exact}`),
    // Our times are ASCII; a no-pad collation changes nothing for them.
    time: sql.raw('varchar(32) character set ascii collate ascii_bin'),
    text: sql.raw(`longtext character set utf8mb4 collate ${exact}`),
  }
}

/** MariaDB (10.2+) and MySQL (8.0.17+) name their byte-wise, no-pad utf8mb4 collation differently. */
// biome-ignore lint/suspicious/noExplicitAny: see columnTypes
async function binaryNoPadCollation(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(db)
  return /mariadb/i.test(rows[0]?.version ?? '') ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin'
}

/** Drops an index: MySQL names the table (`drop index … on …`), the others must not. */
// biome-ignore lint/suspicious/noExplicitAny: see columnTypes
export async function dropIndex(db: Kysely<any>, name: string, table: string): Promise<void> {
  const query = db.schema.dropIndex(name)
  await (db.getExecutor().adapter instanceof MysqlAdapter ? query.on(table) : query).execute()
}

/**
 * Whether the database indexes only the rows a `where` names (a partial index): SQLite and
 * PostgreSQL do; MySQL and MariaDB do not, and index every row.
 */
// biome-ignore lint/suspicious/noExplicitAny: see columnTypes
export function hasPartialIndexes(db: Kysely<any>): boolean {
  return !(db.getExecutor().adapter instanceof MysqlAdapter)
}
