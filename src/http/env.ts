import type { Deps } from '../deps.js'

/** What a signed-in request carries; the customers module fills it from the session cookie. */
export type SessionCustomer = { id: string; email: string; sessionId: string }

/** The Hono environment every module's routes use: `new Hono<AppEnv>()`. */
export type AppEnv = {
  Variables: {
    deps: Deps
    requestId: string
    customer?: SessionCustomer
  }
}
