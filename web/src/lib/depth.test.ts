import assert from 'node:assert/strict'
import { test } from 'node:test'
import { depthRows } from './depth.js'

const W = 10n ** 18n
test('depthRows pairs buy spend and sell proceeds per impact level, sorted', () => {
  const rows = depthRows({
    market: 'sETH',
    eventSeq: 1,
    oraclePrice: (2000n * W).toString(),
    levels: [
      { side: 'buy', impactBps: 25, amountIn: (1500n * W).toString(), amountOut: W.toString(), avgPrice: (2003n * W).toString() },
      { side: 'buy', impactBps: 10, amountIn: '0', amountOut: '0', avgPrice: null },
      { side: 'sell', impactBps: 25, amountIn: W.toString(), amountOut: (1990n * W).toString(), avgPrice: (1990n * W).toString() },
      { side: 'sell', impactBps: 10, amountIn: '0', amountOut: '0', avgPrice: null },
    ],
  })
  assert.deepEqual(rows, [
    { impact: 10, buy: 0, sell: 0 },
    { impact: 25, buy: 1500, sell: 1990 },
  ])
  assert.deepEqual(depthRows(null), [])
})
