/**
 * The API for other apps (`/api/v1`): scoped API keys, checkouts for catalog prices and ad-hoc
 * amounts with Idempotency-Key, the OpenAPI 3.1 document generated from the validating Zod schemas
 * and its reference page. It composes the modules below it and owns only `api_idempotency`.
 * @module
 */
export { pruneIdempotentAnswers } from './repo.js'
export { apiV1Routes } from './routes.js'
