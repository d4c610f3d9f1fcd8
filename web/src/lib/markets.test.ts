import assert from 'node:assert/strict'
import { test } from 'node:test'
import { changePercent, EMPTY_MARKETS, reduceMarkets, type MarketView } from './markets.js'

const view = (market: string, price: string): MarketView => ({
  market,
  base: market,
  quote: 'fUSD',
  oraclePrice: price,
  oraclePublishedAt: 1,
  status: 'live',
  lpFeeRate: '0',
  maxPositionBase: '0',
  stats: { fills: 0, baseVolume: '0', quoteVolume: '0' },
  pools: [],
})
const push = (type: 'snapshot' | 'update', data: unknown) => ({ channel: 'markets', type, seq: 1, prevSeq: null, ts: 0, data })

test('snapshot lists, updates replace one market and keep the first price', () => {
  let s = reduceMarkets(EMPTY_MARKETS, push('snapshot', { markets: [view('sETH', '2000'), view('sBTC', '30000')] }))
  s = reduceMarkets(s, push('update', view('sETH', '2100')))
  assert.deepEqual(s.list.map((m) => [m.market, m.oraclePrice]), [['sETH', '2100'], ['sBTC', '30000']])
  assert.equal(s.firstPrice.sETH, '2000')
  assert.equal(changePercent(s.firstPrice.sETH!, '2100'), 5)
  assert.equal(changePercent('2000', '1990'), -0.5)
})
