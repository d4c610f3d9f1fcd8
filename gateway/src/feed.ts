// From the events to the channels: the gateway follows the venue's event streams (the engine's
// own, or a replica's fed from Redis when several gateway processes serve one engine) and turns
// each event into updates.
import type { SequencedEvent } from '../../engine/src/events.js'
import { eventChannel, type GatewayVenue as Venue } from '../../engine/src/gateway-venue.js'
import { CandleBook } from './candles.js'
import type { ChannelUpdates } from './channels.js'
import { accountsOf, accountView, fillView, marketView, quotesView, tradeView, type FillView, type TradeView } from './views.js'
import { DepthBook } from './depth.js'

/** How many recent trades a `trades:<market>` snapshot carries. */
export const RECENT_TRADES = 100

/** How often the feed looks for markets listed since it started (ms). */
export const MARKET_WATCH_MS = 500

/** Subscribes to every market's stream and fans events out as channel updates. */
export class EventFeed {
  private readonly recent = new Map<string, TradeView[]>()
  /** One-minute bars per market (the `candles:<market>:1m` channels). */
  readonly candles = new CandleBook(60_000)
  /** Depth views and their coalesced updates (the `depth:<market>` channels). */
  readonly depth: DepthBook
  private unsubscribes: Array<() => Promise<void>> = []
  private readonly followed = new Set<string>()
  private marketWatch?: ReturnType<typeof setInterval>

  constructor(
    private readonly venue: Venue,
    private readonly hub: ChannelUpdates,
    private readonly now: () => number,
    private readonly onError: (err: unknown) => void,
  ) {
    this.depth = new DepthBook(venue.engine, (topic, channel, data) => hub.update(topic, channel, data))
  }

  /** Starts listening to the accounts stream and every market's, including markets listed later. */
  async start(): Promise<void> {
    await this.follow('accounts')
    await this.followNewMarkets()
    // A market listed later announces itself on its own stream, which nothing follows yet: the
    // state (the engine's, or a replica's) is where it shows up first.
    this.marketWatch = setInterval(() => void this.followNewMarkets().catch((err: unknown) => this.onError(err)), MARKET_WATCH_MS)
    this.marketWatch.unref()
  }

  /** Follows the streams of listed markets not followed yet (their recent bars first). */
  private async followNewMarkets(): Promise<void> {
    const fresh = [...this.venue.engine.state.markets.keys()].filter((m) => !this.followed.has(m))
    if (fresh.length === 0) return
    for (const market of fresh) this.followed.add(market)
    await this.candles.load(this.venue.store, fresh, this.now())
    for (const market of fresh) {
      this.recent.set(market, [])
      await this.follow(market)
    }
  }

  private async follow(stream: string): Promise<void> {
    this.followed.add(stream)
    this.unsubscribes.push(await this.venue.events.subscribe(eventChannel(stream), (e) => this.handle(e)))
  }

  /** The market's recent public trades, oldest first. */
  recentTrades(market: string): readonly TradeView[] {
    return this.recent.get(market) ?? []
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    clearInterval(this.marketWatch)
    this.depth.stop()
    const list = this.unsubscribes
    this.unsubscribes = []
    await Promise.all(list.map((u) => u().catch(() => undefined)))
  }

  private handle(e: SequencedEvent): void {
    try {
      this.onEvent(e)
    } catch (err) {
      this.onError(err)
    }
  }

  private onEvent(e: SequencedEvent): void {
    const { seq, ts, event: ev } = e
    const state = this.venue.engine.state
    // The account channel: balances, debts and health as they stand after the event (and later ones).
    for (const account of accountsOf(ev)) this.hub.update(`account:${account}`, 'account', () => accountView(state, account))
    const market = 'market' in ev ? state.markets.get(ev.market) : undefined
    if (!market) return
    // What moves quotes (price, fills, liquidity, pool settings) moves depth too.
    const quotes = () => {
      this.hub.update(`quotes:${market.symbol}`, `quotes:${market.symbol}`, () => quotesView(market, this.now()))
      this.depth.changed(market.symbol)
    }
    switch (ev.type) {
      case 'price':
        if (!ev.accepted) return
        this.hub.update('markets', 'markets', () => marketView(market, this.now()))
        quotes()
        return
      case 'fill': {
        const trade = tradeView(e)!
        const recent = this.recent.get(ev.market)!
        recent.push(trade)
        if (recent.length > RECENT_TRADES) recent.shift()
        const candle = this.candles.add(trade) // always: the bars must see every fill
        this.hub.update(`trades:${ev.market}`, `trades:${ev.market}`, () => trade)
        this.hub.update(`candles:${ev.market}:1m`, `candles:${ev.market}:1m`, candle)
        quotes()
        // Built only when the account's fills or orders channel has a subscriber.
        let fill: FillView | undefined
        const fillOnce = () => (fill ??= fillView(ev, trade))
        this.hub.update(`fills:${ev.account}`, 'fills', fillOnce)
        this.hub.update(`orders:${ev.account}`, 'orders', () => ({ event: 'filled', ...fillOnce() }))
        return
      }
      case 'order-opened':
        this.hub.update(`orders:${ev.order.account}`, 'orders', () => ({ event: 'opened', eventSeq: seq, ts, order: ev.order }))
        return
      case 'order-cancelled':
        this.hub.update(`orders:${ev.account}`, 'orders', () => ({ event: 'cancelled', eventSeq: seq, ts, market: ev.market, orderId: ev.orderId, reason: ev.reason }))
        return
      case 'liquidation':
        for (const orderId of ev.cancelledOrders) this.hub.update(`orders:${ev.account}`, 'orders', () => ({ event: 'cancelled', eventSeq: seq, ts, market: ev.market, orderId, reason: 'liquidation' }))
        quotes()
        return
      case 'liquidity-added':
      case 'liquidity-removed':
      case 'pool-configured':
        quotes()
        return
      default:
        return
    }
  }
}
