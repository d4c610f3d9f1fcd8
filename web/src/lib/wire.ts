// The gateway's views as they arrive over the wire: the same shapes as the engine's and the
// gateway's own types, with every bigint sent as a decimal string. Type-only imports: nothing of
// the engine or gateway is bundled, but the terminal's types follow theirs (a field renamed there
// fails the terminal's type check instead of reading undefined here).
import type { OrderQuote } from '../../../engine/src/engine.js'
import type { FillLeg, RestingOrder as EngineRestingOrder } from '../../../engine/src/events.js'
import type { Candle as StoreCandle } from '../../../engine/src/store/event-store.js'
import type { DepthLevel as GatewayDepthLevel, DepthView } from '../../../gateway/src/depth.js'
import type { SessionView } from '../../../gateway/src/session.js'
import type { AccountView, FillView, MarketView as GatewayMarketView, TradeView } from '../../../gateway/src/views.js'

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
/** A private fill on `fills` (and a resting order's fill on `orders`). */
export type FillData = Wire<FillView>
/** A resting (limit or stop) order on `orders`. */
export type RestingOrder = Wire<EngineRestingOrder>
/** The `quote` method's result, and one pool leg of it. */
export type Quote = Wire<OrderQuote>
export type QuoteLeg = Wire<FillLeg>
/** The `depth:<m>` data, and one impact level of it. */
export type Depth = Wire<DepthView>
export type DepthLevel = Wire<GatewayDepthLevel>
/** A browser session as `/v1/auth/siwe` and `/v1/auth/session` answer it. */
export type Session = Wire<SessionView>
