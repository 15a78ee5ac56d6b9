/**
 * `npx tollgate grant|revoke <email> <feature> [--until DATE] [--reason TEXT] [--json]`: the
 * console's manual grant and revoke, each audited as `cli` in its own transaction with the same
 * entry the console writes.
 * @module
 */
import { parseCalendarDay } from '../../lib/clock.js'
import { grantAndAudit, revokeAndAudit } from '../../modules/admin/index.js'
import { type Command, checkEmail, flagValue, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'
import { CLI_ACTOR } from './refund.js'

/** `YYYY-MM-DD` (midnight UTC) or a full ISO time, on a day the calendar has (not 2026-02-30). */
function parseDate(text: string): Date | undefined {
  const day = parseCalendarDay(text.slice(0, 10))
  if (!day || (text.length > 10 && text[10] !== 'T')) return undefined
  if (text.length === 10) return day
  const date = new Date(text)
  return Number.isNaN(date.getTime()) ? undefined : date
}

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
      // Checked on the store's clock (the emulator's in test mode), before anything changes.
      if (until && until <= deps.clock.now())
        throw new UsageError(
          `--until: ${values.until} is not in the future (now is ${deps.clock.now().toISOString()})`,
        )
      const result = await deps.db
        .transaction()
        .execute((trx) => grantAndAudit(deps, trx, { actor: CLI_ACTOR, email, feature, reason, until }))
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
        .execute((trx) => revokeAndAudit(deps, trx, { actor: CLI_ACTOR, email, feature, reason }))
      if (revoked === 0) {
        io.err(`${email} has no live grant of ${feature}; nothing was revoked.`)
        return 1
      }
      if (values.json) printJSON(io, { email, feature, revoked })
      else io.out(`Revoked ${feature} from ${email} (${revoked} grant${revoked === 1 ? '' : 's'})`)
      return 0
    })
  },
}
