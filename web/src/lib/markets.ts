// The `markets` channel folded into a map by symbol, and a market's price history for its sparkline.
import type { Push } from './protocol.js'
import type { MarketView } from './wire.js'

export type { MarketView }

/** Markets by symbol, in listing order, with the first price seen (for the change column). */
export interface MarketsState {
  list: MarketView[]
  firstPrice: Record<string, string>
}

export const EMPTY_MARKETS: MarketsState = { list: [], firstPrice: {} }

/** Folds one `markets` push: a snapshot lists every market, an update replaces one. */
export function reduceMarkets(state: MarketsState, push: Push): MarketsState {
  if (push.type === 'snapshot') {
    const list = (push.data as { markets: MarketView[] }).markets
    const firstPrice = { ...state.firstPrice }
    for (const m of list) firstPrice[m.market] ??= m.oraclePrice
    return { list, firstPrice }
  }
  const m = push.data as MarketView
  const i = state.list.findIndex((x) => x.market === m.market)
  const list = i < 0 ? [...state.list, m] : state.list.map((x, j) => (j === i ? m : x))
  return { list, firstPrice: { ...state.firstPrice, [m.market]: state.firstPrice[m.market] ?? m.oraclePrice } }
}

/** Price change from `first` to `now` in percent. */
export const changePercent = (first: string, now: string): number => (BigInt(first) === 0n ? 0 : Number(((BigInt(now) - BigInt(first)) * 1_000_000n) / BigInt(first)) / 10_000)
