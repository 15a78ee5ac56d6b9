/**
 * `tollgate/serverless`: Tollgate as a Web-standard fetch handler, for Vercel, Netlify and other
 * serverless hosts. See deploy/vercel, deploy/netlify and docs/deploy-*.md.
 *
 * @example
 * import { createServerlessHandler } from 'tollgate/serverless'
 * const tollgate = createServerlessHandler()
 * export default { fetch: (request: Request, context: { waitUntil?(p: Promise<unknown>): void }) => tollgate.fetch(request, context) }
 * @module
 */
export {
  createServerlessHandler,
  type PlatformContext,
  type ServerlessHandler,
  type ServerlessOptions,
  serverlessConfig,
} from './handler.js'
