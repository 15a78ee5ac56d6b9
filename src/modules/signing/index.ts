/**
 * Signing keys: the Ed25519 key pairs (table `signing_keys`, private halves sealed) that sign
 * access tokens (api-access) and licence keys (licenses), and the JWK Set that publishes their
 * public halves at `/.well-known/jwks.json`. Low in the order so both can sign.
 * @module
 */
export {
  ACCESS_TOKEN_SECONDS,
  ensureSigningKey,
  getSigningKey,
  publicJwks,
  rotateSigningKey,
  type SigningKey,
  TOKEN_ALGORITHM,
} from './signing-keys.js'
