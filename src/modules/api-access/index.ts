/**
 * Access for other apps: `GET /api/me/entitlements`, short-lived Ed25519 access tokens
 * (`POST /api/token`, keys at `/.well-known/jwks.json`), and API keys (stored hashed) for
 * `GET /api/customers/:email/entitlements`.
 * @module
 */
export { createApiKey } from './api-keys.js'
export { apiAccessRoutes } from './routes.js'
