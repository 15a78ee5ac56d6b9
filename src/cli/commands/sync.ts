import { migrateToLatest } from '../../db/migrate.js'
import { formatPlan, syncCatalog } from '../../modules/catalog/sync.js'
import { type Command, hasFlag } from '../command.js'
import { cliConfig, openCliDeps } from '../context.js'

export const syncCommand: Command = {
  name: 'sync',
  usage: 'sync [--dry-run]',
  summary: 'Create or update Stripe products and prices from the catalog (idempotent)',
  async run(args, io) {
    const dryRun = hasFlag(args, '--dry-run')
    const { deps, close } = await openCliDeps(cliConfig(io))
    try {
      await migrateToLatest(deps.db)
      io.out(formatPlan(await syncCatalog(deps, { dryRun })))
      return 0
    } finally {
      await close()
    }
  },
}
