// Netlify function: every path goes to Tollgate's fetch handler. Netlify passes `waitUntil` in the
// context, so a webhook is processed right after its response.
import { createServerlessHandler } from '../../../dist/serverless/index.js'

const tollgate = createServerlessHandler()

export default (request, context) => tollgate.fetch(request, context)

export const config = { path: '/*' }
