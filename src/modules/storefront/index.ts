/**
 * The storefront, `GET /`: every product with a one-time price, what buying it grants, and a plain
 * Buy form; plans are pointed to (`/pricing` is billing's).
 * @module
 */
export { storefrontRoutes } from './routes.js'
