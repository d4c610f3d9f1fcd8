// One synthetic market: its listing, oracle guard, pools, resting orders, liquidity-mining
// accumulators and running totals. The state machine mutates it; nothing else does.
import type { MarketListing, RestingOrder } from '../events.js'
import { OracleGuard } from '../oracle/oracle-guard.js'
import { createPool, type MarketPool } from './pools.js'

/** Liquidity-mining accumulator of one pool (MasterChef style, exact integers). */
export interface PoolRewards {
  /** Rewards per share since listing, scaled by 1e18. */
  perShare: bigint
  updatedAt: number
  /** Per provider: what was already accounted for at the last change, and what is owed. */
  providers: Map<string, { paid: bigint; owed: bigint }>
}

/** Running totals a market reports. */
export interface MarketStats {
  fills: number
  baseVolume: bigint
  quoteVolume: bigint
  lpFees: bigint
  protocolFees: bigint
  liquidations: number
}

export class Market {
  readonly symbol: string
  readonly guard: OracleGuard
  readonly pools = new Map<string, MarketPool>()
  readonly rewards = new Map<string, PoolRewards>()
  /** Resting limit and stop orders by id, in time priority. */
  readonly orders = new Map<string, RestingOrder>()
  lpFeeRate: bigint
  variance = 0
  stats: MarketStats = { fills: 0, baseVolume: 0n, quoteVolume: 0n, lpFees: 0n, protocolFees: 0n, liquidations: 0 }

  constructor(readonly listing: MarketListing) {
    this.symbol = listing.market
    this.guard = new OracleGuard(listing.market, listing.oracle)
    this.lpFeeRate = listing.baseFeeRate
    for (const { id, params } of listing.pools) {
      this.pools.set(id, createPool(id, params))
      this.rewards.set(id, { perShare: 0n, updatedAt: 0, providers: new Map() })
    }
  }

  pool(id: string): MarketPool | undefined {
    return this.pools.get(id)
  }

  /** Puts a restored pool in place of the listed one of the same id. */
  replacePool(pool: MarketPool): void {
    if (!this.pools.has(pool.id)) throw new Error(`${this.symbol} lists no pool ${pool.id}`)
    this.pools.set(pool.id, pool)
    this.ordered = undefined
  }

  /** Every pool, in listing order. */
  poolList(): readonly MarketPool[] {
    return this.ordered ??= [...this.pools.values()]
  }

  private ordered?: MarketPool[]
}
