// Vercel function: every request (vercel.json rewrites all paths here) goes to Tollgate's fetch
// handler; Vercel passes `waitUntil` in the context, so webhooks are processed after the response.
// Copy this folder's `api/` and `vercel.json` to the repository root (docs/deploy-vercel.md).
import { createServerlessHandler } from '../dist/serverless/index.js'

const tollgate = createServerlessHandler()

export default {
  fetch(request, context) {
    return tollgate.fetch(request, context)
  },
}
