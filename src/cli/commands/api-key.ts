/** `npx tollgate api-key create [--name NAME] [--json]`: prints the key once; only its hash is kept. */
import { createApiKey } from '../../modules/api-access/index.js'
import { type Command, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'

export const apiKeyCommand: Command = {
  name: 'api-key',
  usage: 'api-key create [--name NAME] [--json]',
  summary: 'Create an API key for GET /api/customers/:email/entitlements (shown once)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { name: { type: 'string' }, json: { type: 'boolean' } },
      { min: 1, max: 1, names: ['create'] },
    )
    if (positionals[0] !== 'create') throw new UsageError(`unknown action "${positionals[0]}"`)
    const name = values.name ?? 'default'
    if (name.trim() === '' || name.length > 100) throw new UsageError('--name: 1 to 100 characters')
    return withCliDeps(io, async ({ deps }) => {
      const created = await createApiKey(deps.db, { name, now: deps.clock.now() })
      if (values.json) printJSON(io, { id: created.id, name, key: created.key })
      else {
        io.out(`API key "${name}" (${created.id}). Store it now; it is not shown again:`)
        io.out(created.key)
      }
      return 0
    })
  },
}
