// Licence keys (one per order or subscription and licence feature, stored hashed and sealed) and
// their activations. Frozen: never import app code here.
import type { Kysely } from 'kysely'
import { columnTypes } from '../portable-schema.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and untyped by design
export async function up(db: Kysely<any>): Promise<void> {
  const t = await columnTypes(db)
  await db.schema
    .createTable('license_keys')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('customer_id', t.key, (c) => c.notNull())
    .addColumn('source_type', t.key, (c) => c.notNull())
    .addColumn('source_id', t.key, (c) => c.notNull())
    .addColumn('feature', t.key, (c) => c.notNull())
    .addColumn('key_hash', t.key, (c) => c.notNull().unique())
    .addColumn('sealed_key', t.text, (c) => c.notNull())
    .addColumn('kid', t.key, (c) => c.notNull())
    .addColumn('activation_limit', 'integer')
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('revoked_at', t.time)
    .execute()
  await db.schema
    .createIndex('license_keys_source')
    .on('license_keys')
    .columns(['source_type', 'source_id', 'feature'])
    .unique()
    .execute()
  await db.schema.createIndex('license_keys_customer').on('license_keys').columns(['customer_id']).execute()
  await db.schema
    .createTable('license_activations')
    .addColumn('id', t.key, (c) => c.primaryKey())
    .addColumn('license_id', t.key, (c) => c.notNull())
    .addColumn('label', t.key, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('license_activations_label')
    .on('license_activations')
    .columns(['license_id', 'label'])
    .unique()
    .execute()
}

// biome-ignore lint/suspicious/noExplicitAny: see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('license_activations').execute()
  await db.schema.dropTable('license_keys').execute()
}
