// Splits an exact-input order across a market's pools when that fills better than any single
// pool. Pools are quoted, never touched: the state machine executes the chosen legs afterwards.
import type { MarketPool } from './pools.js'

/** One leg of a routed order: how much of the input goes to which pool. */
export interface RouteLeg {
  pool: string
  amountIn: bigint
}

/** Eighths are enough to find most of the gain of a split and keep a route to 2 × 8 quotes. */
const SPLIT_STEPS = 8n

function safeQuote(pool: MarketPool, amountIn: bigint, sellBase: boolean): bigint {
  if (amountIn === 0n) return 0n
  try {
    return pool.quote(amountIn, sellBase)
  } catch {
    return -1n // the pool cannot take this amount (e.g. not enough liquidity)
  }
}

/** The best route for selling `amountIn` (base when `sellBase`), or undefined when no pool can
 *  fill it. With one pool there is nothing to choose and nothing is quoted here. */
export function routeExactIn(pools: readonly MarketPool[], amountIn: bigint, sellBase: boolean): RouteLeg[] | undefined {
  const live: MarketPool[] = []
  for (const p of pools) if (p.ready()) live.push(p)
  if (live.length <= 1) return live.length === 1 ? [{ pool: live[0]!.id, amountIn }] : undefined
  let best: RouteLeg[] | undefined
  let bestOut = 0n
  const consider = (legs: Array<RouteLeg & { amountOut: bigint }>) => {
    const out = legs.reduce((sum, l) => sum + l.amountOut, 0n)
    if (out > bestOut) {
      best = legs.filter((l) => l.amountIn > 0n).map(({ pool, amountIn }) => ({ pool, amountIn }))
      bestOut = out
    }
  }
  const whole = live.map((pool) => ({ pool, out: safeQuote(pool, amountIn, sellBase) })).filter((q) => q.out >= 0n)
  for (const q of whole) consider([{ pool: q.pool.id, amountIn, amountOut: q.out }])
  // Splits between the two pools that fill best on their own.
  whole.sort((a, b) => (b.out > a.out ? 1 : b.out < a.out ? -1 : 0))
  if (whole.length >= 2) {
    const [a, b] = [whole[0]!.pool, whole[1]!.pool]
    for (let step = 1n; step < SPLIT_STEPS; step++) {
      const inA = (amountIn * step) / SPLIT_STEPS
      const outA = safeQuote(a, inA, sellBase)
      const outB = safeQuote(b, amountIn - inA, sellBase)
      if (outA >= 0n && outB >= 0n) {
        consider([
          { pool: a.id, amountIn: inA, amountOut: outA },
          { pool: b.id, amountIn: amountIn - inA, amountOut: outB },
        ])
      }
    }
  }
  return best
}

/** The smallest input that buys at least `amountOut` from one pool (bisection over its exact
 *  quotes, at most 256 steps), or undefined when the pool cannot pay that much. */
export function minInputFor(pool: MarketPool, amountOut: bigint, sellBase: boolean, maxIn: bigint): bigint | undefined {
  if (!pool.ready() || safeQuote(pool, maxIn, sellBase) < amountOut) return undefined
  let lo = 0n // quote(lo) < amountOut
  let hi = maxIn // quote(hi) ≥ amountOut
  for (let i = 0; i < 256 && hi - lo > 1n; i++) {
    const mid = (lo + hi) / 2n
    if (safeQuote(pool, mid, sellBase) >= amountOut) hi = mid
    else lo = mid
  }
  return hi
}
