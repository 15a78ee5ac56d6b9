/**
 * One-time orders: fulfilment of a paid Checkout Session (the one idempotent path shared by the
 * webhook inbox and the buyer's return to `/checkout/success`), the access token shown once,
 * refunds (full revokes, partial is recorded, failed gives access back) and disputes. Its webhook
 * handlers are `ORDER_EVENT_HANDLERS`.
 * @module
 */
export { ORDER_EVENT_HANDLERS } from './event-handlers.js'
export { type BillingAddress, findOrder, type Order, orderObject } from './read.js'
export { listOrderSummaries, type OrderSummary } from './receipts.js'
export { checkRefund, type RefundRequest, type RefundRequested, requestRefund } from './refund-request.js'
export {
  findOrderById,
  listOrdersOfCustomer,
  listOrdersPage,
  type OrderFilter,
  sumOrdersByDay,
  sumRefundsByDay,
} from './repo.js'
export { orderRoutes } from './routes.js'
export { forgetUnrevealedTokens } from './seal.js'
export type { OrderRow, OrderStatus } from './table.js'
