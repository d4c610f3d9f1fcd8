// Liquidity depth: for each side of a market, how much one can trade through its router (all its
// pools) before the average execution price moves past each impact level. Every level is an exact
// engine quote found by search — doubling from the previous level's size, then bisection to 1 part
// in 10,000 — so what the chart shows is what an order of that size would get now. Updates of the
// `depth:<market>` channel are coalesced: at most one per market every `intervalMs`.
import type { Engine } from '../../engine/src/engine.js'
import { PRICE_ONE } from '../../engine/src/oracle/price.js'

/** Impact levels of the depth view, in basis points of the oracle price (fees included). */
export const IMPACT_LEVELS_BPS = [10, 25, 50, 100, 250, 500, 1000] as const

/** One level: the largest `amountIn` whose average price stays within `impactBps` of the oracle. */
export interface DepthLevel {
  side: 'buy' | 'sell'
  impactBps: number
  /** Input: the quote asset (fUSD) for `buy`, the synth for `sell`. 0 when no size meets the level. */
  amountIn: bigint
  amountOut: bigint
  /** Quote per base (WAD) of that quote; null when `amountIn` is 0. */
  avgPrice: bigint | null
}

/** The `depth:<market>` view. */
export interface DepthView {
  market: string
  /** Engine log position the levels were computed at. */
  eventSeq: number
  oraclePrice: bigint
  /** `buy` levels then `sell`, each by impact; empty while the market has no oracle price. */
  levels: DepthLevel[]
}

/** Where to start searching when the previous level had no size: one whole unit. */
const START = PRICE_ONE
/** Bisection stops when the bracket is within 1/PRECISION of its upper end. */
const PRECISION = 10_000n
const MAX_DOUBLINGS = 256
const MAX_BISECTIONS = 64

type Quoter = Pick<Engine, 'quote' | 'state'>

/** The depth of `market` now. Throws UNKNOWN_MARKET for a market the engine does not list. */
export function computeDepth(engine: Quoter, market: string): DepthView {
  const m = engine.state.markets.get(market)
  const eventSeq = engine.state.seq
  const oraclePrice = m?.guard.lastPrice() ?? 0n
  if (!m) engine.quote(market, 'buy', 1n) // the engine's own UNKNOWN_MARKET
  if (oraclePrice === 0n) return { market, eventSeq, oraclePrice, levels: [] }
  const levels: DepthLevel[] = []
  for (const side of ['buy', 'sell'] as const) {
    let known = 0n // largest input known to meet the previous (smaller) level: it meets this one too
    for (const impactBps of IMPACT_LEVELS_BPS) {
      const within = (avg: bigint) => (side === 'buy' ? avg * 10_000n <= oraclePrice * BigInt(10_000 + impactBps) : avg * 10_000n >= oraclePrice * BigInt(10_000 - impactBps))
      // A quote of `amount`, if the router can fill it within the level.
      const meets = (amount: bigint) => {
        try {
          const q = engine.quote(market, side, amount, 0)
          return q.amountOut > 0n && within(q.averagePrice) ? q : undefined
        } catch (err) {
          if (typeof (err as { code?: unknown }).code === 'string') return undefined // not fillable (liquidity, limits)
          throw err
        }
      }
      let lo = known
      let hi = known > 0n ? known * 2n : START
      for (let k = 0; k < MAX_DOUBLINGS && meets(hi); k++) {
        lo = hi
        hi *= 2n
      }
      // Stops at the precision, or when even a millionth of a unit cannot meet the level.
      for (let k = 0; k < MAX_BISECTIONS && hi - lo > hi / PRECISION && !(lo === 0n && hi <= START / 1_000_000n); k++) {
        const mid = (lo + hi) / 2n
        if (meets(mid)) lo = mid
        else hi = mid
      }
      const q = lo > 0n ? meets(lo) : undefined
      known = q ? lo : known
      levels.push(q ? { side, impactBps, amountIn: lo, amountOut: q.amountOut, avgPrice: q.averagePrice } : { side, impactBps, amountIn: 0n, amountOut: 0n, avgPrice: null })
    }
  }
  return { market, eventSeq, oraclePrice, levels }
}

/** Publishes an update of a channel to its subscribers (ChannelHub.update). */
type Publish = (topic: string, channel: string, data: () => unknown) => void

/** The depth channels: views cached per engine seq, updates coalesced per market. */
export class DepthBook {
  private readonly cache = new Map<string, DepthView>()
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly lastPublished = new Map<string, number>()
  private stopped = false

  constructor(
    private readonly engine: Quoter,
    private readonly publish: Publish,
    private readonly intervalMs = 250,
  ) {}

  /** The market's depth now (recomputed only when the engine moved on since the last one). */
  view(market: string): DepthView {
    const cached = this.cache.get(market)
    if (cached && cached.eventSeq === this.engine.state.seq) return cached
    const view = computeDepth(this.engine, market)
    this.cache.set(market, view)
    return view
  }

  /** The market's price, pools or fees changed: an update follows within `intervalMs`, one for any number of changes. */
  changed(market: string): void {
    if (this.stopped || this.pending.has(market)) return
    const wait = Math.max(0, (this.lastPublished.get(market) ?? -Infinity) + this.intervalMs - performance.now())
    const timer = setTimeout(() => {
      this.pending.delete(market)
      this.lastPublished.set(market, performance.now())
      this.publish(`depth:${market}`, `depth:${market}`, () => this.view(market))
    }, wait)
    timer.unref()
    this.pending.set(market, timer)
  }

  /** Drops pending updates; later changes are ignored. */
  stop(): void {
    this.stopped = true
    for (const t of this.pending.values()) clearTimeout(t)
    this.pending.clear()
  }
}
