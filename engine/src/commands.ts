// What the engine can be asked to do. The gateway validates shapes against its schemas; the
// engine validates meaning (known market, positive amounts, fresh prices, enough collateral)
// and rejects with a typed error, changing nothing.
import type { CollateralParams } from './accounts/margin.js'
import type { MarketListing, Side } from './events.js'

export type Command =
  | { type: 'list-collateral'; asset: string; params: CollateralParams }
  | { type: 'list-market'; listing: MarketListing }
  | { type: 'configure-pool'; market: string; pool: string; k: bigint }
  /** An oracle price for a market (from its feed). */
  | { type: 'price'; market: string; price: bigint; publishedAt: number }
  | { type: 'deposit'; account: string; asset: string; amount: bigint }
  | { type: 'withdraw'; account: string; asset: string; amount: bigint }
  | { type: 'mint'; account: string; market: string; amount: bigint }
  | { type: 'burn'; account: string; market: string; amount: bigint }
  | OrderCommand
  | { type: 'cancel'; account: string; orderId?: string; clientOrderId?: string }
  | { type: 'cancel-all'; account: string; market?: string }
  | { type: 'add-liquidity'; account: string; market: string; pool: string; base: bigint; quote: bigint; minShares?: bigint }
  | { type: 'remove-liquidity'; account: string; market: string; pool: string; shares: bigint; minBase?: bigint; minQuote?: bigint }
  | { type: 'claim-rewards'; account: string; market: string; pool: string }
  | { type: 'liquidate'; liquidator: string; account: string; market: string; collateralAsset: string; amount: bigint }

/**
 * An order. `market` orders fill now or fail: exact input (`amountIn`, at least `minOut` back) or
 * exact output (`amountOut`, at most `maxIn` paid). `limit` orders fill now if the average price
 * is at least as good as `limitPrice`, else rest until an oracle move makes it so. `stop` orders
 * rest until the oracle price crosses `stopPrice`, then fill (no worse than `limitPrice` if set).
 */
export interface OrderCommand {
  type: 'order'
  account: string
  market: string
  side: Side
  kind: 'market' | 'limit' | 'stop'
  amountIn?: bigint
  minOut?: bigint
  amountOut?: bigint
  maxIn?: bigint
  limitPrice?: bigint
  stopPrice?: bigint
  /** Unique per account: a second order with the same id is refused, the first one stands. */
  clientOrderId?: string
}

export type CommandType = Command['type']
