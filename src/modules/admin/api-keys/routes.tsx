/**
 * `/admin/api-keys`: the API keys other apps use (`/api/v1`). Create one with its scopes (the key
 * is shown once, on the answer to the form, and never stored in clear), see when each was last
 * used, revoke. Every change is in the audit log, without the key.
 * @module
 */
import { Hono } from 'hono'
import * as z from 'zod'
import type { AppEnv } from '../../../http/env.js'
import { validate } from '../../../http/validate.js'
import { renderPage } from '../../../web/layout.js'
import { API_SCOPES, type ApiKey, isApiScope, listApiKeys } from '../../api-access/index.js'
import { adminOf } from '../access.js'
import { ActionForm, AdminFrame } from '../views.js'
import { createApiKeyAudited, revokeApiKeyAudited } from './audited.js'

/** A form field sent once or several times (checkboxes), as a list. */
export const formList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))

const KeyForm = z.object({
  name: z.string().trim().min(1, 'give the key a name').max(100),
  mode: z.enum(['test', 'live']),
  scopes: formList.pipe(
    z.array(z.string().refine(isApiScope, 'unknown scope')).min(1, 'choose at least one scope'),
  ),
})

function KeysPage({ keys, created }: { keys: ApiKey[]; created?: { name: string; key: string } }) {
  return (
    <>
      {created ? (
        <section class="card" data-new-key>
          <p>
            The key <strong>{created.name}</strong>. Copy it now: it is shown only this once.
          </p>
          <p>
            <code data-api-key>{created.key}</code>
          </p>
        </section>
      ) : null}
      <table tabindex={0} id="api-keys">
        <thead>
          <tr>
            <th>Name</th>
            <th>Key</th>
            <th>Scopes</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr data-key-id={k.id}>
              <td>{k.name}</td>
              <td>
                <code>{k.prefix}…</code>
              </td>
              <td>{(k.scopes ?? ['entitlements (legacy)']).join(', ')}</td>
              <td>{k.createdAt.slice(0, 16).replace('T', ' ')}</td>
              <td>{k.lastUsedAt ? k.lastUsedAt.slice(0, 16).replace('T', ' ') : 'never'}</td>
              <td>
                {k.revokedAt ? (
                  `revoked ${k.revokedAt.slice(0, 10)}`
                ) : (
                  <ActionForm action="/admin/api-keys/revoke" label="Revoke" fields={{ id: k.id }} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>New key</h2>
      <form method="post" action="/admin/api-keys" class="filters">
        <label>
          Name <input name="name" required maxlength={100} />
        </label>
        <label>
          Mode{' '}
          <select name="mode">
            <option value="test">test (tg_test_)</option>
            <option value="live">live (tg_live_)</option>
          </select>
        </label>
        <fieldset>
          <legend>Scopes</legend>
          {API_SCOPES.map((s) => (
            <label>
              <input type="checkbox" name="scopes" value={s} /> {s}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create key</button>
      </form>
    </>
  )
}

export const apiKeyRoutes = new Hono<AppEnv>()
  .get('/admin/api-keys', async (c) => {
    const keys = await listApiKeys(c.get('deps').db)
    return renderPage(
      c,
      { title: 'API keys' },
      <AdminFrame title="API keys" notice={c.req.query('done')}>
        <KeysPage keys={keys} />
      </AdminFrame>,
    )
  })
  .post('/admin/api-keys', validate('form', KeyForm), async (c) => {
    const deps = c.get('deps')
    const f = c.req.valid('form')
    const now = deps.clock.now()
    const scopes = f.scopes.filter(isApiScope)
    const created = await deps.db.transaction().execute((trx) =>
      createApiKeyAudited(trx, {
        actor: adminOf(c).email,
        name: f.name,
        now,
        live: f.mode === 'live',
        scopes,
      }),
    )
    const keys = await listApiKeys(deps.db)
    // The key is in this answer only: never cached, never stored in clear.
    c.header('Cache-Control', 'no-store')
    return renderPage(
      c,
      { title: 'API keys' },
      <AdminFrame title="API keys" notice={`Created ${created.id}`}>
        <KeysPage keys={keys} created={{ name: f.name, key: created.key }} />
      </AdminFrame>,
    )
  })
  .post(
    '/admin/api-keys/revoke',
    validate('form', z.object({ id: z.string().regex(/^key_\w+$/) })),
    async (c) => {
      const deps = c.get('deps')
      const { id } = c.req.valid('form')
      const now = deps.clock.now()
      const revoked = await deps.db
        .transaction()
        .execute((trx) => revokeApiKeyAudited(trx, { actor: adminOf(c).email, id, now }))
      if (!revoked) return c.notFound()
      return c.redirect(`/admin/api-keys?done=${encodeURIComponent(`Revoked ${id}`)}`, 303)
    },
  )
