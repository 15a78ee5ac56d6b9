/** What the OpenAPI document says about itself (the paths come from the contracts). */
export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Tollgate API',
    version: '1.0.0',
    description:
      'For other apps: start checkouts (catalog prices or ad-hoc amounts), read orders, customers and ' +
      'entitlements, grant and revoke access. Authenticate with `Authorization: Bearer <API key>`; each ' +
      'route needs one scope. Errors use one envelope: `{ "error": { "code", "message", "requestId", "details" } }`.',
  },
} as const
