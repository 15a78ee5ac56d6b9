/**
 * The whole schema as Kysely sees it: each module declares its tables in its own `table.ts`, and
 * this interface merges them (one import + one line per table).
 * @module
 */
import type { Kysely, Transaction } from 'kysely'
import type { RateLimitTable } from '../http/rate-limit.table.js'
import type { PasswordLinkTable } from '../modules/accounts/table.js'
import type { AdminAuditLogTable } from '../modules/admin/table.js'
import type { ApiKeyTable } from '../modules/api-access/table.js'
import type { ApiIdempotencyTable } from '../modules/api-v1/table.js'
import type {
  InvoiceTable,
  SubscriptionHistoryTable,
  SubscriptionTable,
  TrialUseTable,
} from '../modules/billing/table.js'
import type { CatalogPriceTable } from '../modules/catalog/table.js'
import type { PendingCheckoutTable } from '../modules/checkout/table.js'
import type {
  AccessTokenTable,
  CustomerTable,
  SessionTable,
  SignInLinkTable,
} from '../modules/customers/table.js'
import type { DownloadTable } from '../modules/delivery/table.js'
import type { EntitlementGrantTable } from '../modules/entitlements/table.js'
import type { WorkerHeartbeatTable } from '../modules/health/table.js'
import type { LicenseActivationTable, LicenseKeyTable } from '../modules/licenses/table.js'
import type { MailOutboxTable } from '../modules/mail/table.js'
import type { OwnerAlertTable } from '../modules/alerts/table.js'
import type { OrderDisputeTable, OrderTable } from '../modules/orders/table.js'
import type { WebhookDeliveryTable, WebhookEndpointTable } from '../modules/outbound-webhooks/table.js'
import type { SigningKeyTable } from '../modules/signing/table.js'
import type { StripeEventTable, WebhookCursorTable } from '../modules/webhooks/table.js'

export interface Database {
  catalog_prices: CatalogPriceTable
  mail_outbox: MailOutboxTable
  rate_limits: RateLimitTable
  // Purchases (APP-PURCHASE)
  customers: CustomerTable
  sessions: SessionTable
  access_tokens: AccessTokenTable
  sign_in_links: SignInLinkTable
  pending_checkouts: PendingCheckoutTable
  orders: OrderTable
  order_disputes: OrderDisputeTable
  entitlement_grants: EntitlementGrantTable
  downloads: DownloadTable
  stripe_events: StripeEventTable
  webhook_cursors: WebhookCursorTable
  // Subscriptions, accounts, API access (APP-SUBSCRIPTIONS)
  subscriptions: SubscriptionTable
  invoices: InvoiceTable
  trial_uses: TrialUseTable
  password_links: PasswordLinkTable
  api_keys: ApiKeyTable
  signing_keys: SigningKeyTable
  license_keys: LicenseKeyTable
  license_activations: LicenseActivationTable
  // Integrator API (/api/v1)
  api_idempotency: ApiIdempotencyTable
  webhook_endpoints: WebhookEndpointTable
  webhook_deliveries: WebhookDeliveryTable
  // Operations (health, doctor)
  worker_heartbeats: WorkerHeartbeatTable
  // Owner console: the subscription ledger (billing) and the audit log (admin)
  subscription_history: SubscriptionHistoryTable
  admin_audit_log: AdminAuditLogTable
  owner_alerts: OwnerAlertTable
}

export type DB = Kysely<Database>
/** A handle that is either the database or an open transaction on it. */
export type Executor = Kysely<Database> | Transaction<Database>
