// Candle series of the price chart: REST history and `candles:<m>:1m` pushes merged by bucket,
// and the rows Recharts draws (floats are for drawing only).
import { wadToNumber } from './format.js'
import type { Candle } from './wire.js'

export type { Candle }

/** A chart row: one bar. `range` is [low, high] for the wick-and-body shape. */
export interface CandleRow {
  t: number
  open: number
  high: number
  low: number
  close: number
  range: [number, number]
  volume: number
}

/** Merges candles into a series sorted by bucket, a later copy of a bucket replacing the earlier; keeps the last `max`. */
export function mergeCandles(series: readonly Candle[], incoming: readonly Candle[], max = 240): Candle[] {
  const byBucket = new Map<number, Candle>()
  for (const c of series) byBucket.set(c.bucketStart, c)
  for (const c of incoming) byBucket.set(c.bucketStart, c)
  return [...byBucket.values()].sort((a, b) => a.bucketStart - b.bucketStart).slice(-max)
}

/** The drawable row of a candle (volume in the quote asset). */
export function candleRow(c: Candle): CandleRow {
  const low = wadToNumber(c.low)
  const high = wadToNumber(c.high)
  return { t: c.bucketStart, open: wadToNumber(c.open), high, low, close: wadToNumber(c.close), range: [low, high], volume: wadToNumber(c.quoteVolume) }
}

/** The start of the 1-minute bucket holding `ts`. */
export const bucketOf = (ts: number, bucketMs = 60_000): number => ts - (ts % bucketMs)
