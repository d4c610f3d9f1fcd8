import { test } from 'node:test'
import assert from 'node:assert/strict'
import { accountHealth, healthAtMost, healthFactor, healthNotWorse, isHealthy, type CollateralParams } from './margin.js'

const WAD = 10n ** 18n
const params: Record<string, CollateralParams> = { fUSD: { ltvBps: 9000, liquidationThresholdBps: 9500 }, sETH: { ltvBps: 5000, liquidationThresholdBps: 7000 } }
const prices: Record<string, bigint> = { fUSD: WAD, sETH: 2000n * WAD }
const health = (holdings: Record<string, bigint>, debts: Record<string, bigint>, w: 'ltv' | 'liquidation') =>
  accountHealth({ holdings: new Map(Object.entries(holdings)), debts: new Map(Object.entries(debts)) }, (a) => prices[a]!, (a) => params[a], w)

test('health is Σ amount·price·weight against Σ debt·price, compared without rounding', () => {
  // 1000 fUSD + 1 sETH held, 1 sETH owed: (1000·0.95 + 2000·0.7) / 2000 = 1.175.
  const h = health({ fUSD: 1000n * WAD, sETH: WAD }, { sETH: WAD }, 'liquidation')
  assert.equal(healthFactor(h), 1.175)
  assert.ok(isHealthy(h))
  // At the boundary exactly: 2000 fUSD · 0.9 against 1800 of debt.
  const edge = health({ fUSD: 2000n * WAD }, { sETH: (9n * WAD) / 10n }, 'ltv')
  assert.ok(isHealthy(edge))
  assert.ok(!isHealthy(health({ fUSD: 2000n * WAD - 1n }, { sETH: (9n * WAD) / 10n }, 'ltv')))
  assert.equal(healthFactor(health({ fUSD: WAD }, {}, 'ltv')), Infinity)
})

test('healthAtMost and healthNotWorse compare ratios exactly', () => {
  const h = health({ fUSD: 1900n * WAD }, { sETH: WAD }, 'liquidation') // 1805 / 2000 = 0.9025
  assert.ok(healthAtMost(h, 95n, 100n))
  assert.ok(!healthAtMost(h, 90n, 100n))
  const better = health({ fUSD: 1950n * WAD }, { sETH: WAD }, 'liquidation')
  assert.ok(healthNotWorse(h, better))
  assert.ok(!healthNotWorse(better, h))
  assert.ok(healthNotWorse(h, health({ fUSD: WAD }, {}, 'liquidation')))
})
