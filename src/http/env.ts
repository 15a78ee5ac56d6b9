import type { Deps } from '../deps.js'

/** What a signed-in request carries; the customers module fills it from the session cookie. */
export type SessionCustomer = {
  id: string
  email: string
  sessionId: string
  /** When this session began (ISO): the owner console asks for a fresh one before changes. */
  signedInAt: string
  /** Signed in by password or emailed link, which prove the email (an access token does not). */
  emailProven: boolean
}

/** Who called an integrator route: the key's id and what it may do. */
export type RequestApiKey = { id: string; name: string; scopes: readonly string[] }

/** The Hono environment every module's routes use: `new Hono<AppEnv>()`. */
export type AppEnv = {
  Variables: {
    deps: Deps
    requestId: string
    customer?: SessionCustomer
    /** The API key a `/api/v1` request was made with (the api-access module checks it). */
    apiKey?: RequestApiKey
  }
}
