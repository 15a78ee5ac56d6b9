/**
 * Short-lived signed access tokens (JWT, EdDSA/Ed25519) listing a customer's live entitlements, so
 * static sites and other backends can check access offline against `/.well-known/jwks.json`.
 * @module
 */
import type { Deps } from '../../deps.js'
import type { EntitlementView } from '../entitlements/index.js'
import { ACCESS_TOKEN_SECONDS, getSigningKey, TOKEN_ALGORITHM } from '../signing/index.js'

export { ACCESS_TOKEN_SECONDS }
export const TOKEN_AUDIENCE = 'tollgate'

export async function issueEntitlementToken(
  deps: Deps,
  customer: { id: string; email: string },
  entitlements: readonly EntitlementView[],
): Promise<{ token: string; expiresAt: Date }> {
  const key = await getSigningKey(deps)
  // jose is loaded on the first token, not at start.
  const { SignJWT } = await import('jose')
  const now = deps.clock.now()
  const issuedAt = Math.floor(now.getTime() / 1000)
  const live = entitlements.filter((e) => e.allowed)
  const token = await new SignJWT({
    email: customer.email,
    entitlements: live.map((e) => e.feature),
    // Per feature: until when (unix seconds; null = forever), never beyond what we know now.
    until: Object.fromEntries(
      live.map((e) => [e.feature, e.until ? Math.floor(Date.parse(e.until) / 1000) : null]),
    ),
  })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setIssuer(deps.config.publicUrl)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(customer.id)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ACCESS_TOKEN_SECONDS)
    .sign(key.privateKey)
  return { token, expiresAt: new Date((issuedAt + ACCESS_TOKEN_SECONDS) * 1000) }
}
