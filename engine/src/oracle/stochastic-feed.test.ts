import { test } from 'node:test'
import assert from 'node:assert/strict'
import { DEFAULT_STOCHASTIC, StochasticFeed } from './stochastic-feed.js'
import { priceToNumber } from './price.js'

const make = (seed: number) => new StochasticFeed({ ...DEFAULT_STOCHASTIC, symbol: 'sETH', seed, initialPrice: 2000, start: 0 })

test('the same seed gives the same path, however it is polled', () => {
  const a = make(1)
  const b = make(1)
  const all = a.poll(250 * 60).map((u) => u.price)
  const pieces = [...b.poll(250 * 10), ...b.poll(250 * 30), ...b.poll(250 * 60)].map((u) => u.price)
  assert.deepEqual(pieces, all)
  assert.equal(all.length, 61)
  assert.notDeepEqual(make(2).poll(250 * 60).map((u) => u.price), all)
})

test('the simulated volatility matches the calm regime', () => {
  // One simulated day per second, 4 prices a second: daily-ish log returns over many steps.
  const feed = new StochasticFeed({ ...DEFAULT_STOCHASTIC, symbol: 'sETH', seed: 9, initialPrice: 2000, start: 0, stressEntry: 0, jumpsPerYear: 0 })
  const prices = feed.poll(250 * 20_000).map((u) => priceToNumber(u.price))
  assert.equal(prices.length, 64, 'a long backlog publishes only the newest prices')
  const feed2 = new StochasticFeed({ ...DEFAULT_STOCHASTIC, symbol: 'sETH', seed: 9, initialPrice: 2000, start: 0, stressEntry: 0, jumpsPerYear: 0 })
  const returns: number[] = []
  let previous = 2000
  for (let t = 1; t <= 20_000; t++) {
    const [u] = feed2.poll(250 * t)
    const p = priceToNumber(u!.price)
    returns.push(Math.log(p / previous))
    previous = p
  }
  const dt = (250 * 86_400) / (365 * 24 * 3600 * 1000)
  const variance = returns.reduce((s, r) => s + r * r, 0) / returns.length
  const annualised = Math.sqrt(variance / dt)
  assert.ok(Math.abs(annualised - 0.6) < 0.02, `annualised volatility ${annualised}`)
})

test('invalid options are refused', () => {
  assert.throws(() => new StochasticFeed({ ...DEFAULT_STOCHASTIC, symbol: 'x', seed: 1, initialPrice: 0, start: 0 }), RangeError)
})
