/**
 * `npx tollgate keys rotate [--json]`: a new access-token signing key signs from now on; the old
 * one stays in /.well-known/jwks.json until every token it signed has expired, and while licence
 * keys it signed are in force. Audited as `cli`.
 */
import { recordAudit } from '../../modules/admin/index.js'
import { licenseSigningKids } from '../../modules/licenses/index.js'
import { publicJwks, rotateSigningKey } from '../../modules/signing/index.js'
import { type Command, parseCommandArgs, printJSON, UsageError } from '../command.js'
import { withCliDeps } from '../context.js'
import { CLI_ACTOR } from './refund.js'

export const keysCommand: Command = {
  name: 'keys',
  usage: 'keys rotate [--json]',
  summary: 'Rotate the access-token signing key (the old one stays published until its tokens expire)',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { json: { type: 'boolean' } },
      { min: 1, max: 1, names: ['action'] },
    )
    if (positionals[0] !== 'rotate')
      throw new UsageError(`unknown action "${positionals[0]}" (expected rotate)`)
    return withCliDeps(io, async ({ deps }) => {
      const key = await deps.db.transaction().execute(async (trx) => {
        const rotated = await rotateSigningKey(deps, trx)
        await recordAudit(trx, deps.clock.now(), {
          actor: CLI_ACTOR,
          action: 'signing_key.rotate',
          target: { type: 'signing_key', id: rotated.kid },
          after: { kid: rotated.kid, algorithm: rotated.algorithm },
        })
        return rotated
      })
      const published = (await publicJwks(deps, await licenseSigningKids(deps))).keys.map((k) => k.kid)
      if (values.json) printJSON(io, { kid: key.kid, published })
      else io.out(`Signing key ${key.kid} signs from now on; published: ${published.join(', ')}.`)
      return 0
    })
  },
}
