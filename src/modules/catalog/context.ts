import type { Logger } from 'pino'
import type Stripe from 'stripe'
import type { Executor } from '../../db/database.js'
import type { Clock } from '../../lib/clock.js'
import type { Catalog } from './types.js'

/**
 * What catalog code needs. The catalog sits below the app's `Deps` (which carries a loaded
 * catalog), so it names its own needs; `Deps` satisfies this type.
 */
export type CatalogContext = {
  catalog: Catalog
  db: Executor
  stripe: Stripe
  clock: Clock
  log: Logger
}
