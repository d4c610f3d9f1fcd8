import { test } from 'node:test'
import assert from 'node:assert/strict'
import { bitcoinDaily, logReturns, sp500Daily } from './history.js'

test('the S&P 500 series covers 2000-01-03 .. 2020-04-17, 5,105 days', () => {
  // vega-datasets 3.2.1 ships 5,105 rows (ANCHORS.md counts 5,104, from an earlier release).
  const closes = sp500Daily()
  assert.equal(closes.length, 5105)
  assert.equal(closes[0]!.date, '2000-01-03')
  assert.equal(closes.at(-1)!.date, '2020-04-17')
  assert.equal(closes[0]!.close, 1455.219971)
  assert.equal(closes[0]!.closeText, '1455.219971')
})

test('the bitcoin series covers 2016-07-04 .. 2017-07-03 in date order', () => {
  const closes = bitcoinDaily()
  assert.equal(closes.length, 365)
  assert.deepEqual(closes[0], { date: '2016-07-04', close: 676.18, closeText: '676.18' })
  assert.equal(closes.at(-1)!.date, '2017-07-03')
  assert.ok(closes.every((c, i) => i === 0 || c.date > closes[i - 1]!.date))
})

test('log returns are dated by the later day', () => {
  const { dates, returns } = logReturns([
    { date: 'a', close: 100 },
    { date: 'b', close: 110 },
    { date: 'c', close: 99 },
  ])
  assert.deepEqual(dates, ['b', 'c'])
  assert.equal(returns[0], Math.log(1.1))
  assert.equal(returns[1], Math.log(0.9))
})
