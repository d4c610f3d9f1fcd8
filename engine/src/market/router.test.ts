import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createPool, type MarketPool } from './pools.js'
import { minInputFor, routeExactIn } from './router.js'

const WAD = 10n ** 18n

function cp(id: string, base: bigint, quote: bigint): MarketPool {
  const p = createPool(id, { kind: 'cp', feeBps: 30 })
  p.setReserves(base, quote)
  return p
}

test('one live pool gets the whole order without a quote; none gives no route', () => {
  const a = cp('a', 100n * WAD, 100n * WAD)
  const empty = createPool('e', { kind: 'cp', feeBps: 30 })
  assert.deepEqual(routeExactIn([a, empty], WAD, true), [{ pool: 'a', amountIn: WAD }])
  assert.equal(routeExactIn([empty], WAD, true), undefined)
})

test('two equal pools share a large order in halves, which beats either alone', () => {
  const a = cp('a', 100n * WAD, 100n * WAD)
  const b = cp('b', 100n * WAD, 100n * WAD)
  const route = routeExactIn([a, b], 50n * WAD, true)!
  assert.deepEqual(route.map((l) => l.amountIn), [25n * WAD, 25n * WAD])
  const split = a.quote(25n * WAD, true) + b.quote(25n * WAD, true)
  assert.ok(split > a.quote(50n * WAD, true))
})

test('a much deeper pool takes a small order alone', () => {
  const deep = cp('deep', 10_000n * WAD, 10_000n * WAD)
  const shallow = cp('shallow', 10n * WAD, 10n * WAD)
  assert.deepEqual(routeExactIn([shallow, deep], WAD, true), [{ pool: 'deep', amountIn: WAD }])
})

test('the smallest input buying an exact output: one wei less would not', () => {
  const a = cp('a', 100n * WAD, 100n * WAD)
  const need = minInputFor(a, 7n * WAD, false, 100n * WAD)!
  assert.ok(a.quote(need, false) >= 7n * WAD)
  assert.ok(a.quote(need - 1n, false) < 7n * WAD)
  assert.equal(minInputFor(a, 7n * WAD, false, need - 1n), undefined)
})
