import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bucketOf, candleRow, mergeCandles, type Candle } from './candles.js'

const W = 10n ** 18n
const candle = (t: number, close: bigint, trades = 1): Candle => ({
  market: 'sETH',
  bucketStart: t,
  open: (2000n * W).toString(),
  high: ((close > 2000n ? close : 2000n) * W).toString(),
  low: ((close < 2000n ? close : 2000n) * W).toString(),
  close: (close * W).toString(),
  baseVolume: W.toString(),
  quoteVolume: (close * W).toString(),
  trades,
})

test('mergeCandles sorts by bucket and a later copy of a bucket wins', () => {
  const merged = mergeCandles([candle(120_000, 2010n), candle(60_000, 2005n)], [candle(120_000, 2020n, 2), candle(180_000, 1990n)])
  assert.deepEqual(
    merged.map((c) => [c.bucketStart, c.close, c.trades]),
    [
      [60_000, (2005n * W).toString(), 1],
      [120_000, (2020n * W).toString(), 2],
      [180_000, (1990n * W).toString(), 1],
    ],
  )
  assert.equal(mergeCandles(merged, [], 2).length, 2)
  assert.equal(mergeCandles(merged, [], 2)[0]!.bucketStart, 120_000)
})

test('candleRow draws the range low..high and the quote volume', () => {
  const row = candleRow(candle(60_000, 1990n))
  assert.deepEqual(row.range, [1990, 2000])
  assert.equal(row.close, 1990)
  assert.equal(row.volume, 1990)
  assert.equal(bucketOf(125_432), 120_000)
})
