/** `npx tollgate grant|revoke <email> <feature> [--until DATE] [--reason TEXT] [--json]`. */
import { grantManually, revokeManually } from '../../modules/members/index.js'
import { type Command, flagValue, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'

/** `YYYY-MM-DD` (midnight UTC) or a full ISO time. */
function parseDate(text: string): Date | undefined {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso)) return undefined
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? undefined : date
}

const EMAIL = /^[^\s@]+@[^\s@]+$/

export const grantCommand: Command = {
  name: 'grant',
  usage: 'grant <email> <feature> [--until YYYY-MM-DD] [--reason TEXT] [--json]',
  summary: 'Grant a feature to a customer by hand (until a date, or forever)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { until: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } },
      { min: 2, max: 2, names: ['<email>', '<feature>'] },
    )
    const [email, feature] = positionals as [string, string]
    checkEmail(email)
    const until = flagValue('until', values.until, parseDate, 'a date (YYYY-MM-DD or an ISO time)')
    const reason = values.reason ?? 'granted from the command line'
    return withCliDeps(io, async ({ deps }) => {
      if (until && until <= deps.clock.now()) {
        io.err(`--until ${values.until} is not in the future (now is ${deps.clock.now().toISOString()}).`)
        return 1
      }
      const result = await deps.db
        .transaction()
        .execute((trx) => grantManually(deps, trx, { email, feature, reason, ...(until ? { until } : {}) }))
      if (values.json) printJSON(io, { ...result, email, feature, until: until?.toISOString() ?? null })
      else
        io.out(
          `Granted ${feature} to ${email} ${until ? `until ${until.toISOString()}` : 'forever'} (${result.grantId})`,
        )
      return 0
    })
  },
}

export const revokeCommand: Command = {
  name: 'revoke',
  usage: 'revoke <email> <feature> [--reason TEXT] [--json]',
  summary: "Revoke a customer's feature by hand, whatever granted it",
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { reason: { type: 'string' }, json: { type: 'boolean' } },
      { min: 2, max: 2, names: ['<email>', '<feature>'] },
    )
    const [email, feature] = positionals as [string, string]
    checkEmail(email)
    const reason = values.reason ?? 'revoked from the command line'
    return withCliDeps(io, async ({ deps }) => {
      const revoked = await deps.db
        .transaction()
        .execute((trx) => revokeManually(deps, trx, { email, feature, reason }))
      if (values.json) printJSON(io, { email, feature, revoked })
      else io.out(`Revoked ${feature} from ${email} (${revoked} grant${revoked === 1 ? '' : 's'})`)
      return 0
    })
  },
}

function checkEmail(email: string): void {
  if (!EMAIL.test(email)) throw new UsageError(`"${email}" is not an email address`)
}
