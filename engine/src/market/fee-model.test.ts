import { test } from 'node:test'
import assert from 'node:assert/strict'
import { VolatilityFeeModel, nextVariance } from './fee-model.js'

const WAD = 10n ** 18n

test('the EWMA variance starts at the first squared return and then blends with λ = 0.94', () => {
  const first = nextVariance(0, 100n * WAD, 101n * WAD)
  assert.ok(Math.abs(first - Math.log(1.01) ** 2) < 1e-18)
  const second = nextVariance(first, 101n * WAD, 101n * WAD)
  assert.ok(Math.abs(second - 0.94 * first) < 1e-18)
  assert.equal(nextVariance(first, 0n, WAD), first) // no previous price: unchanged
})

test('the volatility fee widens with volatility and stays within its bounds', () => {
  const model = new VolatilityFeeModel()
  const base = WAD / 1000n
  const calm = model.lpFeeRate({ market: 'x', volatility: 0, baseFeeRate: base })
  const moving = model.lpFeeRate({ market: 'x', volatility: 0.01, baseFeeRate: base })
  assert.equal(calm, base)
  assert.equal(moving, base + (WAD * 10n) / 10_000n) // +10 bps at 1 % per update
  assert.equal(model.lpFeeRate({ market: 'x', volatility: 10, baseFeeRate: base }), WAD / 100n)
  assert.equal(model.lpFeeRate({ market: 'x', volatility: NaN, baseFeeRate: 0n }), WAD / 10_000n)
})
