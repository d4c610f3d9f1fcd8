// The engine's events: each accepted command becomes one or more of these, and applying them in
// order is the only way the state changes. They are the durable log, the replay input and what
// the bus publishes. Amounts are bigint; in JSON they are decimal strings.
import type { CollateralParams } from './accounts/margin.js'
import { parseJsonWithBigints, toJson } from './codec/json.js'
import type { PoolParams } from './market/pools.js'
import type { LoggedEvent } from './store/event-store.js'

export type Side = 'buy' | 'sell' // buy: pay the quote asset for the synth; sell: the reverse

/** A market's listing: the synth, its risk parameters, oracle guard and pools. */
export interface MarketListing {
  market: string
  /** The synth (base asset), e.g. "sETH". */
  base: string
  /** The collateral unit (quote asset), e.g. "fUSD". */
  quote: string
  collateral: CollateralParams
  liquidationBonusBps: number
  /** Largest net position (holdings − debt, either sign) one account may take, in base units. */
  maxPositionBase: bigint
  /** Debt left below this (in base units) counts as dust: liquidation must clear it. */
  dustDebt: bigint
  baseFeeRate: bigint
  /** Liquidity-mining reward (asset REWARD_ASSET) paid per second to each pool's providers. */
  rewardRate: bigint
  oracle: { maxAgeMs: number; maxDeviationBps: number }
  pools: Array<{ id: string; params: PoolParams }>
}

/** One leg of a fill: what went through one pool. */
export interface FillLeg {
  pool: string
  amountIn: bigint
  amountOut: bigint
  lpFee: bigint
  feeOnInput: boolean
  protocolFee: bigint
}

/** A limit or stop order waiting in a market, its input held in escrow. */
export interface RestingOrder {
  orderId: string
  account: string
  market: string
  side: Side
  kind: 'limit' | 'stop'
  amountIn: bigint
  /** Worst average price accepted (quote per base, WAD); stop orders without it fill at any price. */
  limitPrice?: bigint
  /** Oracle price that triggers a stop order: at or below for a sell, at or above for a buy. */
  stopPrice?: bigint
  clientOrderId?: string
  placedAt: number
}

export type EngineEvent =
  | { type: 'collateral-listed'; asset: string; params: CollateralParams }
  | ({ type: 'market-listed' } & MarketListing)
  | { type: 'price'; market: string; price: bigint; publishedAt: number; accepted: boolean; variance: number; lpFeeRate: bigint }
  | { type: 'deposit'; account: string; asset: string; amount: bigint }
  | { type: 'withdrawal'; account: string; asset: string; amount: bigint }
  | { type: 'mint'; market: string; account: string; amount: bigint }
  | { type: 'burn'; market: string; account: string; amount: bigint }
  | { type: 'fill'; market: string; orderId: string; account: string; side: Side; amountIn: bigint; amountOut: bigint; legs: FillLeg[]; fromEscrow: boolean; clientOrderId?: string }
  | { type: 'order-opened'; market: string; order: RestingOrder }
  | { type: 'order-cancelled'; market: string; orderId: string; account: string; reason: string }
  | { type: 'liquidity-added'; market: string; pool: string; account: string; base: bigint; quote: bigint; shares: bigint }
  | { type: 'liquidity-removed'; market: string; pool: string; account: string; base: bigint; quote: bigint; shares: bigint }
  | { type: 'rewards-claimed'; market: string; pool: string; account: string; amount: bigint }
  | { type: 'pool-configured'; market: string; pool: string; k: bigint }
  | { type: 'liquidation'; market: string; liquidator: string; account: string; repaid: bigint; collateralAsset: string; seized: bigint; cancelledOrders: string[] }

export type EventType = EngineEvent['type']

/** An event as logged: its place in the log and in its stream, and when it happened. */
export interface SequencedEvent {
  /** Position in the whole log (1-based, gapless). */
  seq: number
  /** The market it belongs to, or "accounts". */
  stream: string
  /** Position within its stream (1-based, gapless): what subscribers check for gaps. */
  streamSeq: number
  /** Engine time (ms since the epoch). */
  ts: number
  event: EngineEvent
}

/** The stream of an event: its market, or "accounts" for deposits and withdrawals. */
export function streamOf(event: EngineEvent): string {
  return 'market' in event ? event.market : 'accounts'
}

// Fields with these names are bigints wherever they appear in events and snapshots; JSON carries
// them as decimal strings. (Asset names share "base"/"quote" but never look like integers.)
const BIGINT_FIELDS = new Set([
  'amount', 'price', 'amountIn', 'amountOut', 'lpFee', 'protocolFee', 'lpFeeRate', 'baseFeeRate', 'maxPositionBase', 'dustDebt',
  'rewardRate', 'limitPrice', 'stopPrice', 'base', 'quote', 'shares', 'k', 'i', 'mtFeeRate', 'baseTarget', 'quoteTarget',
  'repaid', 'seized', 'baseVolume', 'quoteVolume', 'lpFees', 'protocolFees', 'perShare', 'paid', 'owed',
])

/** JSON text of an event or snapshot, bigints as decimal strings. */
export { toJson }

/** Reads what `toJson` wrote: the bigint fields come back as bigints. */
export function fromJson<T>(text: string): T {
  return parseJsonWithBigints<T>(text, BIGINT_FIELDS)
}

/** JSON text of an event body. */
export const encodeEvent = (event: EngineEvent): string => toJson(event)
/** The event from its JSON text. */
export const decodeEvent = (body: string): EngineEvent => fromJson<EngineEvent>(body)
/** The sequenced event a log entry holds (the inverse of the engine's `journalEntry`). */
export const sequencedEvent = (e: LoggedEvent): SequencedEvent => ({ seq: e.seq, stream: e.stream, streamSeq: e.streamSeq, ts: e.ts, event: decodeEvent(e.body) })
