// The `orders` channel folded into the list of open orders: a snapshot replaces it, `opened`
// adds, `filled` (a resting order that filled) and `cancelled` remove.

import type { RestingOrder } from './wire.js'

export type { RestingOrder }

/** The `data` of an `orders` push. */
export type OrdersPushData = { orders: RestingOrder[] } | { event: 'opened'; order: RestingOrder } | { event: 'filled' | 'cancelled'; orderId: string }

/** The open orders after one push (`snapshot` replaces, `update` changes). */
export function reduceOrders(current: readonly RestingOrder[], type: 'snapshot' | 'update', data: OrdersPushData): RestingOrder[] {
  if (type === 'snapshot') return 'orders' in data ? [...data.orders] : []
  if (!('event' in data)) return [...current]
  if (data.event === 'opened') return [...current.filter((o) => o.orderId !== data.order.orderId), data.order]
  return current.filter((o) => o.orderId !== data.orderId)
}
