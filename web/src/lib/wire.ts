// The gateway's views as they arrive over the wire: the same shapes as gateway/src/views.ts and
// the event store, with every bigint sent as a decimal string. Type-only imports: nothing of the
// engine or gateway is bundled, but the terminal's types follow theirs.
import type { Candle as StoreCandle } from '../../../engine/src/store/event-store.js'
import type { AccountView, MarketView as GatewayMarketView, TradeView } from '../../../gateway/src/views.js'

/** `T` as JSON carries it from the gateway: bigints become decimal strings. */
export type Wire<T> = T extends bigint ? string : T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T

/** One OHLCV bar (already strings in the store). */
export type Candle = StoreCandle
/** The `account` channel's data. */
export type AccountData = Wire<AccountView>
/** A market on the `markets` channel. */
export type MarketView = Wire<GatewayMarketView>
/** A public trade on `trades:<m>`. */
export type Trade = Wire<TradeView>
