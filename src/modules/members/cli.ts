/** `npx tollgate grant|revoke <email> <feature> [--until DATE] [--reason TEXT]`. */
import { type Command, flagValue, positional } from '../../cli/command.js'
import { cliConfig, openCliDeps } from '../../cli/context.js'
import { migrateToLatest } from '../../db/migrate.js'
import { isAppError } from '../../lib/errors.js'
import { grantManually, revokeManually } from './manual-grants.js'

function parseUntil(text: string | undefined): Date | undefined | 'invalid' {
  if (text === undefined) return undefined
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text)
  return Number.isNaN(date.getTime()) ? 'invalid' : date
}

export const grantCommand: Command = {
  name: 'grant',
  usage: 'grant <email> <feature> [--until DATE] [--reason TEXT]',
  summary: 'Grant a feature to a customer by hand (until a date, or forever)',
  async run(args, io) {
    const [email, feature] = positional(args)
    const until = parseUntil(flagValue(args, '--until'))
    if (!email || !feature || until === 'invalid') {
      io.err(`Usage: tollgate ${this.usage}`)
      return 1
    }
    const { deps, close } = await openCliDeps(cliConfig(io))
    try {
      await migrateToLatest(deps.db)
      const reason = flagValue(args, '--reason') ?? 'granted from the command line'
      const result = await grantManually(deps, { email, feature, reason, ...(until ? { until } : {}) })
      io.out(
        `Granted ${feature} to ${email} ${until ? `until ${until.toISOString()}` : 'forever'} (${result.grantId})`,
      )
      return 0
    } catch (err) {
      if (!isAppError(err)) throw err
      io.err(err.message)
      return 1
    } finally {
      await close()
    }
  },
}

export const revokeCommand: Command = {
  name: 'revoke',
  usage: 'revoke <email> <feature> [--reason TEXT]',
  summary: "Revoke a customer's feature by hand, whatever granted it",
  async run(args, io) {
    const [email, feature] = positional(args)
    if (!email || !feature) {
      io.err(`Usage: tollgate ${this.usage}`)
      return 1
    }
    const { deps, close } = await openCliDeps(cliConfig(io))
    try {
      await migrateToLatest(deps.db)
      const reason = flagValue(args, '--reason') ?? 'revoked from the command line'
      const count = await revokeManually(deps, { email, feature, reason })
      io.out(`Revoked ${feature} from ${email} (${count} grant${count === 1 ? '' : 's'})`)
      return 0
    } catch (err) {
      if (!isAppError(err)) throw err
      io.err(err.message)
      return 1
    } finally {
      await close()
    }
  },
}
