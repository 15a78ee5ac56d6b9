// Netlify scheduled function: every 5 minutes, the webhook inbox retries, recovery of missed events
// from Stripe, the mail outbox and housekeeping. Netlify invokes it directly (not over the public
// URL), so it needs no CRON_SECRET; scheduled functions may run for 30 seconds.
import { createServerlessHandler } from '../../../dist/serverless/index.js'

const tollgate = createServerlessHandler()

export default async () => {
  const summary = await tollgate.scheduled()
  return new Response(JSON.stringify(summary), { headers: { 'Content-Type': 'application/json' } })
}

export const config = { schedule: '*/5 * * * *' }
