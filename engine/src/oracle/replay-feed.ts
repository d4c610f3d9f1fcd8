// Replays real daily history, time-compressed: day i is published at start + i·msPerDay.
import { parsePrice } from './price.js'
import type { DailyClose } from './history.js'
import type { OracleFeed, PriceUpdate } from './feed.js'

export interface ReplayFeedOptions {
  symbol: string
  history: readonly DailyClose[]
  /** Name of the source, for `PriceUpdate.source`. */
  sourceName: string
  /** Engine time of the first day. */
  start: number
  /** Engine milliseconds per historical day (the compression). */
  msPerDay: number
  /**
   * Replay again from the beginning when the history ends, continuing from the last price
   * (each pass is scaled by last/first), so a long demo never jumps back. Without it the feed
   * stops publishing and the market goes stale, as it would in production.
   */
  loop?: boolean
}

/** A feed that publishes a historical series at a compressed pace. */
export class ReplayFeed implements OracleFeed {
  readonly symbol: string
  private readonly prices: bigint[]
  private published = -1

  constructor(private readonly options: ReplayFeedOptions) {
    if (options.history.length < 2) throw new RangeError('a replay needs at least two days of history')
    if (!(options.msPerDay > 0)) throw new RangeError(`msPerDay must be positive, got ${options.msPerDay}`)
    this.symbol = options.symbol
    this.prices = options.history.map((d) => parsePrice(d.closeText))
  }

  /** The price of step `i` (0-based, counting loops). */
  private priceAt(i: number): bigint {
    const n = this.prices.length
    const pass = Math.floor(i / n)
    let price = this.prices[i % n]!
    // Each further pass starts where the previous ended: scale by (last/first)^pass, exactly.
    for (let p = 0; p < pass; p++) price = (price * this.prices[n - 1]!) / this.prices[0]!
    return price
  }

  poll(now: number): PriceUpdate[] {
    const { start, msPerDay, history, loop, sourceName } = this.options
    if (now < start) return []
    let last = Math.floor((now - start) / msPerDay)
    if (!loop) last = Math.min(last, history.length - 1)
    const updates: PriceUpdate[] = []
    // A caller that falls far behind gets the latest few days, not an unbounded backlog.
    for (let i = Math.max(this.published + 1, last - 63); i <= last; i++) {
      updates.push({
        symbol: this.symbol,
        price: this.priceAt(i),
        publishedAt: start + i * msPerDay,
        source: `replay:${sourceName} ${history[i % history.length]!.date}`,
      })
    }
    this.published = Math.max(this.published, last)
    return updates
  }
}
