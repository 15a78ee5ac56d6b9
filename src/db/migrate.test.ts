import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/dialects.js'
import { createMigrator, fileMigrations, migrateToLatest } from './migrate.js'

describe.each(DIALECTS)('migrations on %s', (dialect) => {
  let database: TestDatabase | undefined
  afterEach(async () => {
    await database?.close()
    database = undefined
  })

  it('run every migration up, are a no-op the second time, and run down again', async () => {
    database = await createTestDatabase(dialect)
    const all = Object.keys(await fileMigrations.getMigrations())
    expect(all).toContain('2026_11_22_2330_create_foundation')
    expect(await migrateToLatest(database.db)).toEqual(all)
    expect(await migrateToLatest(database.db)).toEqual([])
    // Other test files of this worker may have left their schemas in its database: look at ours only.
    const ownTables = async (): Promise<string[]> =>
      (await database!.db.introspection.getTables())
        .filter((t) => database!.schema === undefined || t.schema === database!.schema)
        .map((t) => t.name)
    const tables = await ownTables()
    expect(tables).toEqual(expect.arrayContaining(['mail_outbox', 'catalog_prices', 'rate_limits']))

    const migrator = createMigrator(database.db)
    // Bounded: a migration without `down` must fail this test, not hang it.
    for (let step = 0; step <= all.length; step++) {
      const { results, error } = await migrator.migrateDown()
      if (error) throw error
      if (!results?.length) break
    }
    const left = await ownTables()
    expect(left.filter((t) => !t.startsWith('kysely_'))).toEqual([])
  })

  it.skipIf(dialect !== 'mysql')(
    'give every text column an exact, bounded MySQL type (portable-schema.ts)',
    async () => {
      database = await createTestDatabase(dialect)
      await migrateToLatest(database.db)
      // A migration that wrote plain 'text' gets the database's default collation (case-insensitive
      // here, as on most servers) and cannot be a key: every string column must come from columnTypes.
      const { rows } = await sql<{ tableName: string; columnName: string; type: string; collation: string }>`
      select table_name as tableName, column_name as columnName, column_type as type,
             collation_name as collation
      from information_schema.columns
      where table_schema = database() and collation_name is not null and table_name not like 'kysely%'`.execute(
        database.db,
      )
      expect(rows.length).toBeGreaterThan(50)
      const loose = rows.filter(
        (r) => !/_bin$/.test(r.collation) || !/^(varchar\(255\)|varchar\(32\)|longtext)$/.test(r.type),
      )
      expect(loose).toEqual([])
    },
  )

  it('store ISO times that compare as text the same way on every dialect', async () => {
    database = await createTestDatabase(dialect)
    await migrateToLatest(database.db)
    const times = ['2026-11-22T23:59:59.999Z', '2026-11-23T00:00:00.000Z', '2026-11-22T00:00:00.000Z']
    for (const [i, t] of times.entries()) {
      await database.db
        .insertInto('rate_limits')
        .values({ key: `k${i}`, window_start: t, count: i })
        .execute()
    }
    const ordered = await database.db
      .selectFrom('rate_limits')
      .select('window_start')
      .orderBy('window_start')
      .execute()
    expect(ordered.map((r) => r.window_start)).toEqual([...times].sort())
    const count = await database.db
      .selectFrom('rate_limits')
      .select(sql<number>`count(*)`.as('n'))
      .where('window_start', '>', '2026-11-22T12:00:00.000Z')
      .executeTakeFirstOrThrow()
    expect(count.n).toBe(2)
  })
})
