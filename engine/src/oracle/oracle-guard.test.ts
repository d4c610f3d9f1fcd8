import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OracleGuard } from './oracle-guard.js'
import { parsePrice } from './price.js'
import type { PriceUpdate } from './feed.js'

const at = (price: string, publishedAt: number): PriceUpdate => ({ symbol: 'sETH', price: parsePrice(price), publishedAt, source: 'test' })

test('no price, then live, then stale when updates stop', () => {
  const g = new OracleGuard('sETH', { maxAgeMs: 1000, maxDeviationBps: 500 })
  assert.deepEqual(g.status(0), { state: 'paused', reason: 'no-price' })
  assert.throws(() => g.livePrice(0), { code: 'MARKET_PAUSED' })
  assert.ok(g.accept(at('2000', 100)))
  assert.equal(g.livePrice(1100), parsePrice('2000'))
  assert.equal(g.status(1101).state, 'paused')
  assert.throws(() => g.livePrice(1101), { code: 'STALE_ORACLE' })
  assert.ok(g.accept(at('2010', 1200)))
  assert.equal(g.livePrice(1300), parsePrice('2010'))
})

test('a jump beyond the band pauses until a second price confirms it', () => {
  const g = new OracleGuard('sETH', { maxAgeMs: 10_000, maxDeviationBps: 500 })
  g.accept(at('2000', 1))
  assert.ok(!g.accept(at('1500', 2)), '−25 % is held back')
  assert.throws(() => g.livePrice(3), { code: 'MARKET_PAUSED' })
  assert.ok(g.accept(at('1510', 4)), 'a second print near 1500 confirms the move')
  assert.equal(g.livePrice(5), parsePrice('1510'))
  // A bad print followed by a return to normal is dropped.
  assert.ok(!g.accept(at('3000', 6)))
  assert.ok(g.accept(at('1505', 7)), 'back within the band of the accepted price')
  assert.equal(g.livePrice(8), parsePrice('1505'))
})

test('a move exactly at the band is accepted; old and non-positive prices are ignored', () => {
  const g = new OracleGuard('sETH', { maxAgeMs: 10_000, maxDeviationBps: 500 })
  g.accept(at('2000', 10))
  assert.ok(g.accept(at('2100', 11)), '+5.00 % is inside a 500 bps band')
  assert.ok(!g.accept(at('2100', 11)), 'not newer')
  assert.ok(!g.accept({ ...at('1', 12), price: 0n }))
})
