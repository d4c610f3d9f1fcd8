// What clients see of the engine's state and events: plain objects whose bigints the wire turns
// into decimal strings. Levels are absolute (a market's whole view, never a diff).
import { escrowAccount } from '../../engine/src/accounts/accounts.js'
import { accountHealth, healthFactor } from '../../engine/src/accounts/margin.js'
import { tradeEntry } from '../../engine/src/engine.js'
import type { EngineEvent, SequencedEvent } from '../../engine/src/events.js'
import type { Market } from '../../engine/src/market/market.js'
import type { MarketPool } from '../../engine/src/market/pools.js'
import type { EngineState } from '../../engine/src/state.js'

/** One pool of a market: its kind, mid price and reserves. */
export interface PoolView {
  id: string
  kind: string
  midPrice: bigint
  reserves: { base: bigint; quote: bigint }
}

/** A pool's view (mid price 0 until the pool can price). */
export function poolView(p: MarketPool): PoolView {
  return { id: p.id, kind: p.kind, midPrice: p.ready() ? p.midPrice() : 0n, reserves: p.reserves() }
}

/** The `quotes:<market>` view: oracle price, LP fee rate, pool mid prices. */
export interface QuotesView {
  market: string
  oraclePrice: bigint
  oraclePublishedAt: number | null
  status: 'live' | 'paused'
  pausedReason?: string
  /** LP fee rate in WAD (1e18 = 100%). */
  lpFeeRate: bigint
  pools: PoolView[]
}

/** A market as listed, with its current quotes view. */
export interface MarketView extends QuotesView {
  base: string
  quote: string
  maxPositionBase: bigint
  stats: { fills: number; baseVolume: bigint; quoteVolume: bigint }
}

/** The quotes view of a market at time `now`. */
export function quotesView(m: Market, now: number): QuotesView {
  const status = m.guard.status(now)
  const view: QuotesView = {
    market: m.symbol,
    oraclePrice: m.guard.lastPrice(),
    oraclePublishedAt: 'publishedAt' in status && status.publishedAt !== undefined ? status.publishedAt : null,
    status: status.state === 'paused' ? 'paused' : 'live',
    lpFeeRate: m.lpFeeRate,
    pools: m.poolList().map(poolView),
  }
  if (status.state === 'paused') view.pausedReason = status.reason
  return view
}

/** A market's listing and quotes view. */
export function marketView(m: Market, now: number): MarketView {
  const { base, quote, maxPositionBase } = m.listing
  // Not `{ ...quotesView(), ... }`: see engine/src/v8-flags.ts.
  return Object.assign(quotesView(m, now), { base, quote, maxPositionBase, stats: { fills: m.stats.fills, baseVolume: m.stats.baseVolume, quoteVolume: m.stats.quoteVolume } })
}

/** Every market, in listing order. */
export function marketsView(state: EngineState, now: number): MarketView[] {
  return [...state.markets.values()].map((m) => marketView(m, now))
}

/** A public trade (no account): price in quote per base, WAD. */
export interface TradeView {
  /** The engine log seq of the fill. */
  eventSeq: number
  market: string
  orderId: string
  side: 'buy' | 'sell'
  price: bigint
  baseAmount: bigint
  quoteAmount: bigint
  ts: number
}

type Fill = Extract<EngineEvent, { type: 'fill' }>

/**
 * The public trade of a fill event (undefined for other events): the trade the log records for it
 * (engine.ts `tradeEntry`, so price and amounts are the ones the stored candles are built from),
 * with its order id.
 */
export function tradeView(e: SequencedEvent): TradeView | undefined {
  const trade = tradeEntry(e)
  if (!trade || e.event.type !== 'fill') return undefined
  const { seq: eventSeq, market, ts, price, baseAmount, quoteAmount } = trade
  return { eventSeq, market, orderId: e.event.orderId, side: e.event.side, price, baseAmount, quoteAmount, ts }
}

/** A private fill, as its account sees it (`fills` data): the event, with its public trade's price. */
export type FillView = Omit<Fill, 'type'> & { eventSeq: number; ts: number; price: bigint }

/** The private fill view of a fill event, given its trade (`tradeView`): one price for both. */
export function fillView(ev: Fill, trade: TradeView): FillView {
  const { type: _, legs, ...rest } = ev
  return { eventSeq: trade.eventSeq, ...rest, ts: trade.ts, price: trade.price, legs } // not spread first: see engine/src/v8-flags.ts
}

/** An account as its owner sees it: balances, escrow, debts and health. */
export interface AccountView {
  account: string
  /** Free balances by asset. */
  balances: Record<string, bigint>
  /** Held for resting orders, by asset. */
  escrow: Record<string, bigint>
  /** Synth debts by asset. */
  debts: Record<string, bigint>
  /** Weighted collateral over debt at liquidation thresholds (null without debt); below 1 is liquidatable. */
  healthFactor: number | null
  /** The same at loan-to-value weights: below 1, no new debt or risk-adding trade is allowed. */
  ltvHealthFactor: number | null
  openOrders: number
}

/** The account view of `account` now. */
export function accountView(state: EngineState, account: string): AccountView {
  const position = state.position(account)
  const price = (a: string) => state.price(a)
  const params = (a: string) => state.collateral.get(a)
  const factor = (w: 'ltv' | 'liquidation') => {
    const f = healthFactor(accountHealth(position, price, params, w))
    return Number.isFinite(f) ? f : null
  }
  return {
    account,
    balances: Object.fromEntries(state.ledger.holdings(account)),
    escrow: Object.fromEntries(state.ledger.holdings(escrowAccount(account))),
    debts: Object.fromEntries(position.debts),
    healthFactor: factor('liquidation'),
    ltvHealthFactor: factor('ltv'),
    openOrders: state.openOrderCount(account),
  }
}

/** The user accounts an event changes (whose `account` channel gets an update). */
export function accountsOf(ev: EngineEvent): string[] {
  switch (ev.type) {
    case 'liquidation':
      return [ev.account, ev.liquidator]
    case 'order-opened':
      return [ev.order.account]
    default:
      return 'account' in ev ? [ev.account] : []
  }
}

/** One pool in full, as `GET /v1/pools` shows it: reserves, curve parameters and LP shares. */
export interface PoolDetailView extends PoolView {
  market: string
  /** Total LP shares of the pool. */
  lpShares: bigint
  /** `pmm`: the oracle-anchored PMM's anchor price, k, targets, curve state r and fee rates (WAD); `cp`: its fee in bps. */
  params: Record<string, bigint | number>
}

/** Every pool of a market (listing order), or of every market. */
export function poolsView(state: EngineState, market?: string): PoolDetailView[] {
  const markets = market === undefined ? [...state.markets.values()] : [state.markets.get(market)!]
  return markets.flatMap((m) =>
    m.poolList().map((p) => {
      const s = p.state()
      const params: Record<string, bigint | number> = s.kind === 'pmm' ? { oraclePrice: s.i, k: s.k, baseTarget: s.baseTarget, quoteTarget: s.quoteTarget, r: s.r, lpFeeRate: s.lpFeeRate, mtFeeRate: s.mtFeeRate } : { feeBps: s.feeBps }
      return { market: m.symbol, ...poolView(p), lpShares: state.totalShares(p.id), params }
    }),
  )
}
