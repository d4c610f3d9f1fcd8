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

/** What a guard remembers: the accepted price and an unconfirmed deviating one. */
export interface GuardState {
  accepted: { price: string; publishedAt: number } | null
  suspect: { price: string; publishedAt: number } | null
}

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

  /** What `accept` would do with an update, without doing it: ignore it (not positive, or not
   *  newer than the accepted price), hold it as a suspect deviation, or accept it. */
  judge(update: Pick<PriceUpdate, 'price' | 'publishedAt'>): 'ignore' | 'suspect' | 'accept' {
    if (update.price <= 0n) return 'ignore'
    if (this.accepted && update.publishedAt <= this.accepted.publishedAt) return 'ignore'
    const band = BigInt(this.options.maxDeviationBps)
    const jumps = this.accepted !== undefined && deviationBps(update.price, this.accepted.price) > band
    const confirms = this.suspect !== undefined && deviationBps(update.price, this.suspect.price) <= band
    return jumps && !confirms ? 'suspect' : 'accept'
  }

  /** Takes an update; returns whether it became the accepted price. Older updates are ignored. */
  accept(update: PriceUpdate): boolean {
    const verdict = this.judge(update)
    if (verdict === 'suspect') this.suspect = update
    if (verdict !== 'accept') return false
    this.suspect = undefined
    this.accepted = { price: update.price, publishedAt: update.publishedAt }
    return true
  }

  /** The last accepted price (whatever its age), or 0 before the first. */
  lastPrice(): bigint {
    return this.accepted?.price ?? 0n
  }

  /** When the last accepted price was published (0 before the first). */
  lastPublishedAt(): number {
    return this.accepted?.publishedAt ?? 0
  }

  /** The guard's memory, to snapshot and restore. */
  save(): GuardState {
    const point = (p?: { price: bigint; publishedAt: number }) => (p ? { price: String(p.price), publishedAt: p.publishedAt } : null)
    return { accepted: point(this.accepted), suspect: point(this.suspect) }
  }

  /** Restores what `save` returned. */
  restore(state: GuardState): void {
    this.accepted = state.accepted ? { price: BigInt(state.accepted.price), publishedAt: state.accepted.publishedAt } : undefined
    this.suspect = state.suspect ? { symbol: this.symbol, source: 'snapshot', price: BigInt(state.suspect.price), publishedAt: state.suspect.publishedAt } : undefined
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
