/** Names shared by issuing and reading licence keys. */
export const LICENSE_SEAL_PURPOSE = 'license-key'
/** The JWS `typ` of a licence key, so it cannot pass for an access token (`JWT`) or vice versa. */
export const LICENSE_TOKEN_TYPE = 'tollgate-license+jwt'
