// Liquidity depth: for each side of a market, how much one can trade through its router (all its
// pools) before the average execution price moves past each impact level. Every level is an exact
// engine quote found by search — growing from the previous level's size, then false position to 1
// part in 10,000 — so what the chart shows is what an order of that size would get now. Updates of the
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
/** Below this size a level counts as unreachable (a millionth of a unit). */
const DUST = START / 1_000_000n
/** The search stops when the bracket is within 1/PRECISION of its upper end. */
const PRECISION = 10_000n
const GROWTH = 8n
const MAX_GROWTHS = 96
const MAX_STEPS = 64

type Quoter = Pick<Engine, 'quote' | 'state'>
type Quote = ReturnType<Engine['quote']>

/** The depth of `market` now. Throws UNKNOWN_MARKET for a market the engine does not list. */
export function computeDepth(engine: Quoter, market: string): DepthView {
  const m = engine.state.markets.get(market)
  const eventSeq = engine.state.seq
  const oraclePrice = m?.guard.lastPrice() ?? 0n
  if (!m) engine.quote(market, 'buy', 1n) // the engine's own UNKNOWN_MARKET
  if (oraclePrice === 0n) return { market, eventSeq, oraclePrice, levels: [] }
  const levels: DepthLevel[] = []
  for (const side of ['buy', 'sell'] as const) {
    const quote = (amount: bigint): Quote | undefined => {
      try {
        const q = engine.quote(market, side, amount, 0)
        return q.amountOut > 0n ? q : undefined
      } catch (err) {
        if (typeof (err as { code?: unknown }).code === 'string') return undefined // not fillable (liquidity, limits)
        throw err
      }
    }
    // The largest size known to meet the previous (smaller) level, and its quote: it meets this one too.
    let known: { amount: bigint; q: Quote } | undefined
    for (const impactBps of IMPACT_LEVELS_BPS) {
      const limit = oraclePrice * BigInt(side === 'buy' ? 10_000 + impactBps : 10_000 - impactBps)
      // How far a quote's average price lies past the level (≤ 0: within it), in oracle-bps units.
      const excess = (q: Quote) => (side === 'buy' ? q.averagePrice * 10_000n - limit : limit - q.averagePrice * 10_000n)
      const level = searchLevel(quote, excess, known)
      if (level) known = level
      levels.push(level ? { side, impactBps, amountIn: level.amount, amountOut: level.q.amountOut, avgPrice: level.q.averagePrice } : { side, impactBps, amountIn: 0n, amountOut: 0n, avgPrice: null })
    }
  }
  return { market, eventSeq, oraclePrice, levels }
}

// The largest size whose quote is within the level (excess ≤ 0), to 1/PRECISION: grow a bracket
// from the last known size, then narrow it by false position (Illinois variant: an end kept twice
// has its excess halved, so both ends close in) with bisection where an end has no quote.
function searchLevel(quote: (a: bigint) => Quote | undefined, excess: (q: Quote) => bigint, known?: { amount: bigint; q: Quote }): { amount: bigint; q: Quote } | undefined {
  let lo = known
  let hi = known ? known.amount * 2n : START
  let hiQ = quote(hi)
  for (let k = 0; k < MAX_GROWTHS && hiQ && excess(hiQ) <= 0n; k++) {
    lo = { amount: hi, q: hiQ }
    hi *= GROWTH
    hiQ = quote(hi)
  }
  if (!lo) {
    // Nothing at a whole unit: either a smaller size meets the level, or (dust) none does.
    const dustQ = quote(DUST)
    if (!dustQ || excess(dustQ) > 0n) return undefined
    lo = { amount: DUST, q: dustQ }
  }
  let wLo = excess(lo.q)
  let wHi = hiQ ? excess(hiQ) : undefined
  let kept: 'lo' | 'hi' | undefined
  for (let k = 0; k < MAX_STEPS && hi - lo.amount > hi / PRECISION; k++) {
    const span = hi - lo.amount
    let mid: bigint = wHi !== undefined && wHi > wLo ? lo.amount + (span * -wLo) / (wHi - wLo) : lo.amount + span / 2n
    if (mid <= lo.amount) mid = lo.amount + 1n
    if (mid >= hi) mid = hi - 1n
    const q = quote(mid)
    if (q && excess(q) <= 0n) {
      lo = { amount: mid, q }
      wLo = excess(q)
      if (kept === 'hi' && wHi !== undefined) wHi /= 2n
      kept = 'hi'
    } else {
      hi = mid
      wHi = q ? excess(q) : undefined
      if (kept === 'lo') wLo /= 2n
      kept = 'lo'
    }
  }
  return lo
}

/** Publishes an update of a channel to its subscribers (ChannelHub.update). */
type Publish = (topic: string, channel: string, data: () => unknown) => void

/** The depth channels: views cached per engine seq, updates coalesced per market. */
export class DepthBook {
  private readonly cache = new Map<string, { view: DepthView; at: number }>()
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>()
  private readonly lastPublished = new Map<string, number>()
  private stopped = false

  constructor(
    private readonly engine: Quoter,
    private readonly publish: Publish,
    private readonly intervalMs = 250,
  ) {}

  /** The market's depth: recomputed when the engine moved on, but for snapshots and REST at most
   *  once per `intervalMs` (a burst of requests costs one computation; the update that a change
   *  schedules is always `fresh`). */
  view(market: string, fresh = false): DepthView {
    const cached = this.cache.get(market)
    const at = performance.now()
    if (cached && (cached.view.eventSeq === this.engine.state.seq || (!fresh && at - cached.at < this.intervalMs))) return cached.view
    const view = computeDepth(this.engine, market)
    this.cache.set(market, { view, at })
    return view
  }

  /** The market's price, pools or fees changed: an update follows within `intervalMs`, one for any number of changes. */
  changed(market: string): void {
    if (this.stopped || this.pending.has(market)) return
    const wait = Math.max(0, (this.lastPublished.get(market) ?? -Infinity) + this.intervalMs - performance.now())
    const timer = setTimeout(() => {
      this.pending.delete(market)
      this.lastPublished.set(market, performance.now())
      this.publish(`depth:${market}`, `depth:${market}`, () => this.view(market, true)) // an update shows the change that caused it
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
