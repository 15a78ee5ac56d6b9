/**
 * Imports every resource module so each registers its routes, includables, actions and pages.
 * Add one line per new resource file.
 * @module
 */
import './customers.js'
import './entitlements.js'
import './events.js'
import './prices.js'
import './products.js'
import './webhook-endpoints.js'
import './charges.js'
import './checkout-sessions.js'
import './coupons.js'
import './payment-intents.js'
import './payment-methods.js'
import './payment-pages.js'
import './promotion-codes.js'
import './refunds.js'
import './disputes.js'
import './invoices.js'
import './subscriptions.js'
import './subscription-items.js'
import './subscription-schedules.js'
import './test-clocks.js'
import './billing-portal.js'
import './search.js'
import './setup-intents.js'
