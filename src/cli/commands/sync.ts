import { formatPlan, syncCatalog } from '../../modules/catalog/index.js'
import { type Command, parseCommandArgs, printJSON } from '../command.js'
import { withCliDeps } from '../context.js'

export const syncCommand: Command = {
  name: 'sync',
  usage: 'sync [--dry-run] [--json]',
  summary: 'Create or update Stripe products and prices from the catalog (idempotent)',
  async run(args, io) {
    const { values } = parseCommandArgs(
      args,
      { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
      { min: 0, max: 0 },
    )
    return withCliDeps(io, async ({ deps }) => {
      const plan = await syncCatalog(deps, { dryRun: values['dry-run'] === true })
      if (values.json) printJSON(io, plan)
      else io.out(formatPlan(plan))
      return 0
    })
  },
}
