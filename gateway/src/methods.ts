// The protocol's methods: each takes validated params and the connection's session, and returns
// the result (or throws a typed error). Orders go to the engine through `venue.submit`, which
// refuses with the engine's own error codes and changes nothing when it does.
import type { Command } from '../../engine/src/commands.js'
import type { GatewayVenue as Venue } from '../../engine/src/gateway-venue.js'
import { requirePermission, type Authenticator, type Principal } from './auth.js'
import { isPrivate, parseChannel, topicOf, type ChannelHub, type ChannelSpec } from './channels.js'
import { InvalidParamsError } from './errors.js'
import type { EventFeed } from './feed.js'
import type { ConnectionLimits } from './rate-limit.js'
import type { Params, ValidRequest } from './schema.js'
import { accountView, marketsView, quotesView } from './views.js'

/** What the gateway remembers of one connection. */
export interface Session {
  id: number
  ip: string
  principal?: Principal
  /** Cancel the account's orders when this connection closes (opt-in with `auth`). */
  cancelOnDisconnect: boolean
  /** Subscribed channel name → uWS topic. */
  channels: Map<string, string>
  closed: boolean
  /** This connection's rate-limit state. */
  limits: ConnectionLimits
  /** The armed cancel-after (dead-man) timer, if any. */
  cancelAfter?: ReturnType<typeof setTimeout>
  /** The maximum-lifetime timer (notice, then close). */
  lifetime?: ReturnType<typeof setTimeout>
  /** Seq of this connection's `system` channel (notices). */
  systemSeq: number
  /** Its buffer came near the backpressure limit: updates may have been skipped, snapshots due on drain. */
  lagging: boolean
}

/** A fresh session: nothing subscribed, no opt-ins, authenticated only if `principal` is given. */
export function newSession(id: number, ip: string, limits: ConnectionLimits, principal?: Principal): Session {
  return { id, ip, ...(principal ? { principal } : {}), cancelOnDisconnect: false, channels: new Map(), closed: false, limits, systemSeq: 0, lagging: false }
}

/** Methods that trade: they also spend the API key's order tokens. */
export const ORDER_METHODS: ReadonlySet<string> = new Set(['placeOrder', 'cancelOrder', 'cancelAll', 'cancelAfter'])

/** The socket side of a connection that methods need. */
export interface Connection {
  readonly session: Session
  /** Sends the channel's snapshot and subscribes the socket to its topic. */
  snapshot(channel: string, topic: string, data: unknown): void
  unsubscribe(topic: string): void
}

/** The Connection of one socket whose channels go through `hub`. */
export function socketConnection<S>(hub: ChannelHub<S>, socket: S, session: Session): Connection {
  return {
    session,
    snapshot: (channel, topic, data) => hub.snapshot(socket, topic, channel, data),
    unsubscribe: (topic) => hub.unsubscribe(socket, topic),
  }
}

/** Everything the methods work with. */
export interface MethodContext {
  venue: Venue
  feed: EventFeed
  authenticator: Authenticator
  now: () => number
  /** Cancels every resting order of the session's account (cancel-on-disconnect, cancel-after); logs failures. */
  cancelAllOf: (session: Session, why: string) => void
}

/** A method's result, and what to do once the response is sent (snapshots follow the ack). */
export interface MethodOutcome {
  result: unknown
  after?: () => void
}

/** Runs one validated request. */
export async function callMethod(req: ValidRequest, conn: Connection, ctx: MethodContext): Promise<MethodOutcome> {
  const session = conn.session
  switch (req.method) {
    case 'ping':
      return { result: { pong: ctx.now() } }
    case 'auth': {
      const { cancelOnDisconnect, ...credentials } = req.params
      const principal = ctx.authenticator.authenticate(credentials, ctx.now())
      if (session.principal && session.principal.account !== principal.account) throw new InvalidParamsError('this connection is already authenticated for another account')
      session.principal = principal
      if (cancelOnDisconnect !== undefined) session.cancelOnDisconnect = cancelOnDisconnect
      return { result: { account: principal.account, permissions: [...principal.permissions], cancelOnDisconnect: session.cancelOnDisconnect } }
    }
    case 'setCancelOnDisconnect': {
      requirePermission(session.principal, 'trade') // it cancels orders
      session.cancelOnDisconnect = req.params.enabled
      return { result: { cancelOnDisconnect: session.cancelOnDisconnect } }
    }
    case 'subscribe':
      return subscribe(req.params, conn, ctx)
    case 'unsubscribe': {
      const removed: string[] = []
      for (const name of req.params.channels) {
        const topic = session.channels.get(name)
        if (topic === undefined) continue
        conn.unsubscribe(topic)
        session.channels.delete(name)
        removed.push(name)
      }
      return { result: { channels: removed } }
    }
    case 'quote': {
      const { market, side, amountIn, slippageBps } = req.params
      return { result: ctx.venue.engine.quote(market, side, amountIn, slippageBps ?? 50) }
    }
    case 'placeOrder': {
      const { account } = requirePermission(session.principal, 'trade')
      const command: Command = { type: 'order', account, ...req.params }
      const r = await ctx.venue.submit(command)
      return { result: { orderId: r.orderId, status: r.status, eventSeqs: r.events.map((e) => e.seq) } }
    }
    case 'cancelOrder': {
      const { account } = requirePermission(session.principal, 'trade')
      const r = await ctx.venue.submit({ type: 'cancel', account, ...req.params })
      return { result: { orderId: r.orderId, status: 'cancelled' } }
    }
    case 'cancelAll': {
      const { account } = requirePermission(session.principal, 'trade')
      const market = req.params?.market
      const r = await ctx.venue.submit(market === undefined ? { type: 'cancel-all', account } : { type: 'cancel-all', account, market })
      return { result: { cancelled: r.events.map((e) => (e.event.type === 'order-cancelled' ? e.event.orderId : '')).filter(Boolean) } }
    }
    case 'cancelAfter': {
      requirePermission(session.principal, 'trade')
      clearTimeout(session.cancelAfter)
      session.cancelAfter = undefined
      const { timeoutMs } = req.params
      const at = ctx.now()
      if (timeoutMs > 0) {
        session.cancelAfter = setTimeout(() => {
          session.cancelAfter = undefined
          ctx.cancelAllOf(session, 'cancel-after')
        }, timeoutMs)
        session.cancelAfter.unref()
      }
      return { result: { currentTime: at, triggerTime: timeoutMs > 0 ? at + timeoutMs : null } }
    }
  }
}

function subscribe(params: Params<'subscribe'>, conn: Connection, ctx: MethodContext): MethodOutcome {
  const session = conn.session
  const state = ctx.venue.engine.state
  // Every channel is checked before any is joined: a bad list changes nothing.
  const specs = params.channels.map((name) => ({ name, spec: parseChannel(name, (m) => state.markets.has(m)) }))
  const principal = specs.some((s) => isPrivate(s.spec)) ? requirePermission(session.principal, 'read') : session.principal
  const fresh = specs.filter((s) => !session.channels.has(s.name))
  for (const { name, spec } of fresh) session.channels.set(name, topicOf(name, spec, principal?.account))
  return {
    result: { channels: params.channels },
    after: () => {
      for (const { name, spec } of fresh) if (!session.closed) conn.snapshot(name, session.channels.get(name)!, snapshotOf(spec, principal?.account, ctx))
    },
  }
}

/** Sends a fresh snapshot of every channel the connection follows (after updates were skipped). */
export function resnapshot(conn: Connection, ctx: MethodContext): void {
  const session = conn.session
  const markets = ctx.venue.engine.state.markets
  for (const [name, topic] of session.channels) conn.snapshot(name, topic, snapshotOf(parseChannel(name, (m) => markets.has(m)), session.principal?.account, ctx))
}

function snapshotOf(spec: ChannelSpec, account: string | undefined, ctx: MethodContext): unknown {
  const state = ctx.venue.engine.state
  switch (spec.kind) {
    case 'markets':
      return { markets: marketsView(state, ctx.now()) }
    case 'quotes':
      return quotesView(state.markets.get(spec.market)!, ctx.now())
    case 'trades':
      return { trades: ctx.feed.recentTrades(spec.market) }
    case 'depth':
      return ctx.feed.depth.view(spec.market)
    case 'candles':
      return { bucket: spec.bucket, candles: ctx.feed.candles.recent(spec.market) }
    case 'orders':
      return { orders: state.openOrders(account!) }
    case 'fills':
      return { fills: [] }
    case 'account':
      return accountView(state, account!)
  }
}
