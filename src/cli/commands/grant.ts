/** `npx tollgate grant|revoke <email> <feature> [--until DATE] [--reason TEXT] [--json]`. */
import { parseCalendarDay } from '../../lib/clock.js'
import { grantManually, revokeManually } from '../../modules/members/index.js'
import { type Command, flagValue, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'

/** `YYYY-MM-DD` (midnight UTC) or a full ISO time, on a day the calendar has (not 2026-02-30). */
function parseDate(text: string): Date | undefined {
  const day = parseCalendarDay(text.slice(0, 10))
  if (!day || (text.length > 10 && text[10] !== 'T')) return undefined
  if (text.length === 10) return day
  const date = new Date(text)
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
