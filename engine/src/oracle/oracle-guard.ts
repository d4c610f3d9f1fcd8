// Guards a market against bad prices: a stale price (no update within maxAgeMs) or a jump beyond
// maxDeviationBps from the last accepted price pauses the market instead of trading on it. A
// deviating price is accepted once a second update confirms it (within the band of the first),
// which is how a real move differs from a bad print.
import { MarketPausedError, StaleOracleError } from '../errors.js'
import type { PriceUpdate } from './feed.js'

export interface OracleGuardOptions {
  maxAgeMs: number
  maxDeviationBps: number
}

/** What the guard decided about the market's price. */
export type OracleStatus =
  | { state: 'live'; price: bigint; publishedAt: number }
  | { state: 'paused'; reason: 'no-price' | 'stale' | 'deviation'; price?: bigint; publishedAt?: number }

const BPS = 10_000n

/** |a − b| / b in basis points, rounded up so a boundary move counts as a deviation. */
function deviationBps(a: bigint, b: bigint): bigint {
  const diff = a > b ? a - b : b - a
  return (diff * BPS + b - 1n) / b
}

/** The price state of one market, fed by its oracle and checked on every use. */
export class OracleGuard {
  private accepted?: { price: bigint; publishedAt: number }
  private suspect?: PriceUpdate

  constructor(
    readonly symbol: string,
    private readonly options: OracleGuardOptions,
  ) {
    if (!(options.maxAgeMs > 0 && options.maxDeviationBps > 0)) throw new RangeError('maxAgeMs and maxDeviationBps must be positive')
  }

  /** Takes an update; returns whether it became the accepted price. Older updates are ignored. */
  accept(update: PriceUpdate): boolean {
    if (update.price <= 0n) return false
    if (this.accepted && update.publishedAt <= this.accepted.publishedAt) return false
    const band = BigInt(this.options.maxDeviationBps)
    const jumps = this.accepted !== undefined && deviationBps(update.price, this.accepted.price) > band
    const confirms = this.suspect !== undefined && deviationBps(update.price, this.suspect.price) <= band
    if (jumps && !confirms) {
      this.suspect = update
      return false
    }
    this.suspect = undefined
    this.accepted = { price: update.price, publishedAt: update.publishedAt }
    return true
  }

  /** The market's price state at engine time `now`. */
  status(now: number): OracleStatus {
    if (!this.accepted) return { state: 'paused', reason: 'no-price' }
    const { price, publishedAt } = this.accepted
    if (this.suspect) return { state: 'paused', reason: 'deviation', price, publishedAt }
    if (now - publishedAt > this.options.maxAgeMs) return { state: 'paused', reason: 'stale', price, publishedAt }
    return { state: 'live', price, publishedAt }
  }

  /** The price to trade at now, or the typed error that stops the trade. */
  livePrice(now: number): bigint {
    const s = this.status(now)
    if (s.state === 'live') return s.price
    if (s.reason === 'stale') throw new StaleOracleError(this.symbol, now - s.publishedAt!, this.options.maxAgeMs)
    throw new MarketPausedError(this.symbol, s.reason === 'no-price' ? 'no oracle price yet' : 'oracle price deviates, awaiting confirmation')
  }
}
