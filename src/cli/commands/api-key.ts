/**
 * `npx tollgate api-key create [--name NAME] [--scope S,S…] [--rate-limit N] [--json]` prints the
 * key once (only its hash is kept); `api-key list [--json]`; `api-key revoke <key_…>`. Creating and
 * revoking are audited as `cli`, with the entries the console writes.
 */
import { isLiveStripeKey } from '../../config.js'
import { createApiKeyAudited, revokeApiKeyAudited } from '../../modules/admin/index.js'
import {
  API_SCOPES,
  type ApiKey,
  type ApiScope,
  isApiScope,
  listApiKeys,
} from '../../modules/api-access/index.js'
import {
  type CliIO,
  type Command,
  checkedValue,
  flagValue,
  parseCommandArgs,
  printJSON,
  UsageError,
} from '../command.js'
import { withCliDeps } from '../context.js'
import { CLI_ACTOR } from './refund.js'

const ACTIONS = ['create', 'list', 'revoke'] as const

export const apiKeyCommand: Command = {
  name: 'api-key',
  usage:
    'api-key create [--name NAME] [--scope SCOPE,…] [--rate-limit N] [--json] | list [--json] | revoke <key_id>',
  summary: `Create (shown once), list or revoke API keys; scopes: ${API_SCOPES.join(', ')}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        name: { type: 'string' },
        scope: { type: 'string' },
        'rate-limit': { type: 'string' },
        json: { type: 'boolean' },
      },
      { min: 1, max: 2, names: ['action', 'key id'] },
    )
    const [action, id] = positionals
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new UsageError(`unknown action "${action}" (expected ${ACTIONS.join(', ')})`)
    }
    if (action === 'revoke' && !id) throw new UsageError('missing key id')
    if (action === 'revoke') checkedValue('<key_id>', id, keyId, 'a key id (key_…)')
    if (action !== 'revoke' && id) throw new UsageError(`unexpected argument "${id}"`)
    if (action !== 'create' && (values.name || values.scope || values['rate-limit'])) {
      throw new UsageError('--name, --scope and --rate-limit go with create')
    }
    const name = values.name ?? 'default'
    if (name.trim() === '' || name.length > 100) throw new UsageError('--name: 1 to 100 characters')
    const scopes = flagValue(
      'scope',
      values.scope,
      parseScopes,
      `a comma-separated list of ${API_SCOPES.join(', ')}`,
    )
    const ratePerMinute = flagValue(
      'rate-limit',
      values['rate-limit'],
      parseRate,
      'requests per minute, 1 to 100000',
    )
    return withCliDeps(io, async ({ deps }) => {
      const now = deps.clock.now()
      if (action === 'list') return printKeys(io, await listApiKeys(deps.db), values.json === true)
      if (action === 'revoke') {
        const revoked = await deps.db
          .transaction()
          .execute((trx) => revokeApiKeyAudited(trx, { actor: CLI_ACTOR, id: id as string, now }))
        if (!revoked) {
          io.err(`No live API key ${id}.`)
          return 1
        }
        io.out(`API key ${id} revoked.`)
        return 0
      }
      // tg_live_ keys go with real money only: a sk_test_ key makes tg_test_ keys, as the emulator does.
      const live = !deps.config.testMode && isLiveStripeKey(deps.config.stripeSecretKey)
      const created = await deps.db.transaction().execute((trx) =>
        createApiKeyAudited(trx, {
          actor: CLI_ACTOR,
          name,
          now,
          live,
          ...(scopes ? { scopes } : {}),
          ...(ratePerMinute ? { ratePerMinute } : {}),
        }),
      )
      if (values.json) printJSON(io, { id: created.id, name, key: created.key, scopes: created.scopes })
      else {
        io.out(`API key "${name}" (${created.id}). Store it now; it is not shown again:`)
        io.out(created.key)
      }
      return 0
    })
  },
}

/** A key id as the console takes it: `key_` then letters, digits or `_`. */
const keyId = (text: string): string | undefined => (/^key_\w+$/.test(text) ? text : undefined)

function parseScopes(text: string): ApiScope[] | undefined {
  const scopes = text.split(',').map((s) => s.trim())
  return scopes.length > 0 && scopes.every(isApiScope) ? scopes : undefined
}

function parseRate(text: string): number | undefined {
  const n = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN
  return n >= 1 && n <= 100_000 ? n : undefined
}

function printKeys(io: CliIO, keys: ApiKey[], json: boolean): number {
  if (json) {
    printJSON(io, keys)
    return 0
  }
  if (keys.length === 0) io.out('No API keys.')
  for (const k of keys) {
    const state = k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`
    io.out(
      `${k.id}  ${k.prefix}…  ${k.name}  [${(k.scopes ?? ['legacy']).join(',')}]  ${k.ratePerMinute}/min  ${state}`,
    )
  }
  return 0
}
