/**
 * `tollgate doctor`: every check of a configuration before going live, in checklist order.
 * @module
 */
import type { Deps } from '../../deps.js'
import type { CheckResult } from './check.js'
import { checkDatabase, checkFiles, checkMail, checkSessionSecret, checkStoreName } from './doctor-setup.js'
import {
  checkPublicUrl,
  checkStripeKeys,
  checkWebhookDeliveries,
  checkWebhookEndpoint,
} from './doctor-stripe.js'

export type DoctorInput = {
  /** The event types Tollgate handles (the keys of the inbox's handler map). */
  neededEvents: readonly string[]
}

export async function runDoctor(deps: Deps, input: DoctorInput): Promise<CheckResult[]> {
  const results: CheckResult[] = [
    checkStripeKeys(deps.config),
    checkPublicUrl(deps.config),
    checkStoreName(deps.config),
  ]
  if (!deps.config.testMode) {
    results.push(await checkWebhookEndpoint(deps, input.neededEvents))
    results.push(await checkWebhookDeliveries(deps, input.neededEvents))
  }
  results.push(await checkMail(deps))
  results.push(...(await checkDatabase(deps)))
  results.push(await checkFiles(deps))
  results.push(checkSessionSecret(deps.config))
  return results
}
