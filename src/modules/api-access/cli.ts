/** `npx tollgate api-key create [--name NAME]`: prints the key once; only its hash is kept. */
import { type Command, flagValue, positional } from '../../cli/command.js'
import { cliConfig, openCliDeps } from '../../cli/context.js'
import { migrateToLatest } from '../../db/migrate.js'
import { createApiKey } from './api-keys.js'

export const apiKeyCommand: Command = {
  name: 'api-key',
  usage: 'api-key create [--name NAME]',
  summary: 'Create an API key for GET /api/customers/:email/entitlements (shown once)',
  async run(args, io) {
    if (positional(args)[0] !== 'create') {
      io.err(`Usage: tollgate ${this.usage}`)
      return 1
    }
    const { deps, close } = await openCliDeps(cliConfig(io))
    try {
      await migrateToLatest(deps.db)
      const name = flagValue(args, '--name') ?? 'default'
      const created = await createApiKey(deps.db, { name, now: deps.clock.now() })
      io.out(`API key "${name}" (${created.id}). Store it now; it is not shown again:`)
      io.out(created.key)
      return 0
    } finally {
      await close()
    }
  },
}
