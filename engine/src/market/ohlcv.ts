// One OHLCV bar and how a fill moves it: the store's one-second candles and the gateway's live
// bars fold fills the same way.

/** An OHLCV bar: prices quote per base and volumes, bigints in WAD units. */
export interface Bar {
  /** Start of the bucket, ms since the epoch. */
  bucketStart: number
  open: bigint
  high: bigint
  low: bigint
  close: bigint
  baseVolume: bigint
  quoteVolume: bigint
  trades: number
}

/** The bar a bucket's first fill opens. */
export function openBar(bucketStart: number, price: bigint, baseAmount: bigint, quoteAmount: bigint): Bar {
  return { bucketStart, open: price, high: price, low: price, close: price, baseVolume: baseAmount, quoteVolume: quoteAmount, trades: 1 }
}

/** Folds a later fill of the bucket into its bar. */
export function foldFill(bar: Bar, price: bigint, baseAmount: bigint, quoteAmount: bigint): void {
  if (price > bar.high) bar.high = price
  if (price < bar.low) bar.low = price
  bar.close = price
  bar.baseVolume += baseAmount
  bar.quoteVolume += quoteAmount
  bar.trades++
}

/** Folds a later bar of the same bucket (fills after the bar's own) into it. */
export function mergeBar(bar: Bar, later: Bar): void {
  if (later.high > bar.high) bar.high = later.high
  if (later.low < bar.low) bar.low = later.low
  bar.close = later.close
  bar.baseVolume += later.baseVolume
  bar.quoteVolume += later.quoteVolume
  bar.trades += later.trades
}
