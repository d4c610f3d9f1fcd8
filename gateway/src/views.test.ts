// The views over a real seeded engine: a trade is the log's trade record of its fill, and a pool
// looks the same in the quotes view and in the pools view.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { tradeEntry } from '../../engine/src/engine.js'
import { seededVenue, WAD } from '../../engine/src/test-support/venue.js'
import { poolsView, quotesView, tradeView } from './views.js'

test('tradeView is the fill as the log records it (tradeEntry: price, amounts), with its side and order id; other events have none', () => {
  const { run, clock, log } = seededVenue()
  run({ type: 'deposit', account: 'amy', asset: 'fUSD', amount: 100_000n * WAD })
  const bought = run({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 5_000n * WAD })
  const sold = run({ type: 'order', account: 'amy', market: 'sETH', side: 'sell', kind: 'market', amountIn: WAD })
  const fills = [...bought, ...sold].filter((e) => e.event.type === 'fill')
  assert.equal(fills.length, 2)
  for (const e of fills) {
    const trade = tradeView(e)!
    const record = tradeEntry(e)!
    assert.deepEqual({ seq: trade.eventSeq, market: trade.market, ts: trade.ts, price: trade.price, baseAmount: trade.baseAmount, quoteAmount: trade.quoteAmount }, record)
    assert.equal(trade.orderId, e.event.type === 'fill' ? e.event.orderId : undefined)
    assert.equal(trade.side, e.event.type === 'fill' ? e.event.side : undefined)
    assert.equal(trade.ts, clock.t)
    // Quote per base: near the oracle's 2,000 for a small order, either side.
    assert.ok(trade.price > 1900n * WAD && trade.price < 2100n * WAD, String(trade.price))
  }
  assert.equal(fills[0]!.event.type === 'fill' && fills[0]!.event.side, 'buy')
  for (const e of log.filter((x) => x.event.type !== 'fill')) assert.equal(tradeView(e), undefined, e.event.type)
})

test('a pool has one view: the quotes view and the pools view agree on id, kind, mid price and reserves', () => {
  const { engine, clock } = seededVenue()
  for (const market of engine.state.markets.values()) {
    const quoted = quotesView(market, clock.t).pools
    const detailed = poolsView(engine.state, market.symbol).map(({ id, kind, midPrice, reserves }) => ({ id, kind, midPrice, reserves }))
    assert.deepEqual(quoted, detailed)
    assert.ok(quoted.length > 0 && quoted.every((p) => p.midPrice > 0n))
  }
})
