import assert from 'node:assert/strict'
import { test } from 'node:test'
import { reduceOrders, type RestingOrder } from './orders.js'

const order = (orderId: string): RestingOrder => ({ orderId, account: 'a', market: 'sETH', side: 'buy', kind: 'limit', amountIn: '1', limitPrice: '2', placedAt: 1 })

test('snapshot replaces, opened adds once, filled and cancelled remove', () => {
  let list = reduceOrders([order('x')], 'snapshot', { orders: [order('o1')] })
  assert.deepEqual(list.map((o) => o.orderId), ['o1'])
  list = reduceOrders(list, 'update', { event: 'opened', order: order('o2') })
  list = reduceOrders(list, 'update', { event: 'opened', order: order('o2') })
  assert.deepEqual(list.map((o) => o.orderId), ['o1', 'o2'])
  list = reduceOrders(list, 'update', { event: 'filled', orderId: 'o1' })
  assert.deepEqual(list.map((o) => o.orderId), ['o2'])
  list = reduceOrders(list, 'update', { event: 'cancelled', orderId: 'o2' })
  assert.deepEqual(list, [])
  assert.deepEqual(reduceOrders(list, 'update', { event: 'filled', orderId: 'market-order' }), [])
})
