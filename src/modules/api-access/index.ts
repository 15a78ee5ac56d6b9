/**
 * Access for other apps: `GET /api/me/entitlements`, short-lived Ed25519 access tokens
 * (`POST /api/token`, keys at `/.well-known/jwks.json`), and scoped API keys (stored hashed) with
 * the `requireApiKey(scope)` gate used by `/api/v1` and the legacy
 * `GET /api/customers/:email/entitlements`.
 * @module
 */
export {
  API_SCOPES,
  type ApiKey,
  type ApiScope,
  createApiKey,
  DEFAULT_KEY_RATE_LIMIT,
  isApiScope,
  listApiKeys,
  revokeApiKey,
} from './api-keys.js'
export { requireApiKey } from './require-key.js'
export { apiAccessRoutes } from './routes.js'
