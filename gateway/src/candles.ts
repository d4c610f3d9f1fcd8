// One-minute candles kept in memory per market for the `candles:<market>:1m` channel: loaded from
// the store's candles at start, then advanced by every fill the bus carries. Each update is the
// whole bar the fill landed in (absolute, never a diff).
import { foldFill, openBar, type Bar } from '../../engine/src/market/ohlcv.js'
import type { Candle, EventStore } from '../../engine/src/store/event-store.js'
import type { TradeView } from './views.js'

/** Bars per market the snapshot carries. */
export const CANDLE_HISTORY = 120

/** Recent candles of one bucket width for every market. */
export class CandleBook {
  private readonly bars = new Map<string, Bar[]>()

  constructor(readonly bucketMs: number) {}

  /** Loads each market's last bars (up to `now`) from the store. */
  async load(store: EventStore, markets: Iterable<string>, now: number): Promise<void> {
    for (const market of markets) {
      const from = Math.floor(now / this.bucketMs) * this.bucketMs - (CANDLE_HISTORY - 1) * this.bucketMs
      const candles = await store.candles(market, this.bucketMs, from, from + (CANDLE_HISTORY + 1) * this.bucketMs)
      this.bars.set(market, candles.map(toBar))
    }
  }

  /** Folds a trade into its bar; returns the bar as it now stands, as a candle when asked (the
   *  fold runs for every fill, the decimal strings only when a subscriber wants them). */
  add(trade: TradeView): () => Candle {
    const list = this.bars.get(trade.market) ?? []
    this.bars.set(trade.market, list)
    const bucketStart = Math.floor(trade.ts / this.bucketMs) * this.bucketMs
    let bar = list.at(-1)
    // Engine time never goes back, so a trade never belongs to an earlier bar.
    if (bar && bar.bucketStart >= bucketStart) foldFill(bar, trade.price, trade.baseAmount, trade.quoteAmount)
    else {
      bar = openBar(bucketStart, trade.price, trade.baseAmount, trade.quoteAmount)
      list.push(bar)
      if (list.length > CANDLE_HISTORY) list.shift()
    }
    const folded = bar
    return () => toCandle(trade.market, folded)
  }

  /** The market's recent bars, oldest first. */
  recent(market: string): Candle[] {
    return (this.bars.get(market) ?? []).map((b) => toCandle(market, b))
  }
}

function toBar(c: Candle): Bar {
  return { bucketStart: c.bucketStart, open: BigInt(c.open), high: BigInt(c.high), low: BigInt(c.low), close: BigInt(c.close), baseVolume: BigInt(c.baseVolume), quoteVolume: BigInt(c.quoteVolume), trades: c.trades }
}

function toCandle(market: string, b: Bar): Candle {
  return { market, bucketStart: b.bucketStart, open: String(b.open), high: String(b.high), low: String(b.low), close: String(b.close), baseVolume: String(b.baseVolume), quoteVolume: String(b.quoteVolume), trades: b.trades }
}
