// The gateway: one uWebSockets.js app serving protocol v1 at /ws and REST beside it, fed by the
// venue's bus. Every frame is size-checked, parsed and schema-validated before a method runs;
// a rejected frame gets an error response and changes nothing.
import pino, { type Logger } from 'pino'
import type { HttpResponse, WebSocket, us_listen_socket } from 'uWebSockets.js'
import type { GatewayVenue as Venue } from '../../engine/src/gateway-venue.js'
import { ApiKeyAuthenticator, type ApiKeyConfig, type Authenticator } from './auth.js'
import { ChannelHub } from './channels.js'
import { InvalidRequestError, IpBannedError, MalformedJsonError, MessageTooLargeError, TooManyConnectionsError, toWireError, type WireError } from './errors.js'
import { DevFaucet, type DevFaucetOptions } from './faucet.js'
import { EventFeed } from './feed.js'
import { callMethod, newSession, ORDER_METHODS, resnapshot, socketConnection, type Connection, type MethodContext, type Session } from './methods.js'
import { GatewayMetrics } from './metrics.js'
import { RateLimiter, type RateLimits } from './rate-limit.js'
import { remoteIp, replyError } from './http.js'
import { registerRest } from './rest.js'
import { envelopeId, parseRequest } from './schema.js'
import { BrowserAuth, type BrowserAuthOptions } from './session.js'
import { registerStatic } from './static.js'
import { loadUws } from './uws.js'
import { uwsTransport } from './uws-transport.js'
import { encode, errorFrame, resultFrame, timing } from './wire.js'

/** How the gateway listens and what it serves. */
export interface GatewayOptions {
  venue: Venue
  /** TCP port; 0 picks a free one (default 8080). */
  port?: number
  /** Interface to bind (default 127.0.0.1; TLS terminates in front). */
  host?: string
  /** Static API keys → account and permissions (ignored when `authenticator` is given). */
  apiKeys?: Record<string, ApiKeyConfig>
  authenticator?: Authenticator
  /** Structured logger (default: pino on stderr, so stdout stays the host program's). */
  logger?: Logger
  /** Level of the default logger (default LOG_LEVEL, else info). */
  logLevel?: string
  now?: () => number
  /** Largest request the protocol answers (default 16 KiB): above it, MESSAGE_TOO_LARGE. */
  maxMessageBytes?: number
  /** Largest frame uWS accepts at all (default 64 KiB): above it uWS drops the socket (1006, no close frame). */
  maxPayloadBytes?: number
  /** Idle seconds before uWS closes a silent connection (default 60; uWS pings before that). */
  idleTimeoutSeconds?: number
  /** Interval of the `heartbeat` channel pushes (default 20 s). */
  heartbeatMs?: number
  /** Bytes buffered for a slow reader beyond which uWS skips its updates (default 1 MiB). */
  maxBackpressureBytes?: number
  /** A slow reader's fate: fresh snapshots once it catches up (default), or a close. */
  slowReader?: 'resnapshot' | 'close'
  /** Open connections one IP may hold (default 50); more get HTTP 429 TOO_MANY_CONNECTIONS. */
  maxConnectionsPerIp?: number
  /** Maximum connection lifetime (default 24 h): a `system` notice `lifetimeNoticeMs` before (default 60 s), then close 1001. */
  maxLifetimeMs?: number
  lifetimeNoticeMs?: number
  /** Token-bucket limits (see rate-limit.ts for the defaults). */
  rateLimits?: Partial<RateLimits>
  /** Directory of the built web terminal (web/dist) to serve at `/` (default: none, API only). */
  webRoot?: string
  /** Register Node's default process metrics (default true). */
  defaultMetrics?: boolean
  /** Sign-In with Ethereum and browser sessions (domain, chain id, TTLs, Secure cookie). */
  siwe?: BrowserAuthOptions
  /** Page origins that may use the session cookie (default: same-origin, `http(s)://<Host>`). */
  allowedOrigins?: string[]
  /** The embedded demo's faucet: `POST /v1/dev/faucet` deposits `amount` `asset` (off by default). */
  devFaucet?: DevFaucetOptions
}

/** A running gateway. */
export interface Gateway {
  port: number
  /** ws:// URL of the protocol endpoint. */
  url: string
  /** http:// base of the REST routes. */
  httpUrl: string
  metrics: GatewayMetrics
  /** Stops listening, closes every connection (1001, after a `system` notice; cancel-on-disconnect
   *  runs), disarms dead-man timers and drops the bus subscriptions. The venue stays open. */
  close(): Promise<void>
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Starts the gateway over a venue; throws UWS_NOT_NATIVE when uWS would run its JS fallback. */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const uws = loadUws()
  const { venue } = options
  const now = options.now ?? Date.now
  const logger = options.logger ?? pino({ name: 'fluxion-gateway', level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info' }, pino.destination(2))
  const maxMessageBytes = options.maxMessageBytes ?? 16 * 1024
  const metrics = new GatewayMetrics({ defaultMetrics: options.defaultMetrics ?? true })
  const stopLogMetrics = venue.log && metrics.watchLog(venue.log)
  const authenticator = options.authenticator ?? new ApiKeyAuthenticator(options.apiKeys ?? {})
  const browser = new BrowserAuth(options.siwe, options.allowedOrigins)
  const app = uws.App()
  const hub = new ChannelHub(uwsTransport<Session>(app), now, (type) => metrics.pushes.inc({ type }))
  const feed = new EventFeed(venue, hub, now, (err) => logger.error({ err }, 'the feed failed on an event'))
  let closed = false
  const cancelling = new Set<Promise<void>>()
  const cancelAllOf = (session: Session, why: string) => {
    const account = session.principal?.account
    // After close() the venue may be gone (a dead-man timer can outlive the gateway).
    if (account === undefined || closed) return
    const done = venue.submit({ type: 'cancel-all', account }).then(
      (r) => logger.info({ session: session.id, account, cancelled: r.events.length }, why),
      (err: unknown) => logger.error({ err, session: session.id, account }, `${why} failed`),
    )
    cancelling.add(done)
    void done.finally(() => cancelling.delete(done))
  }
  const ctx: MethodContext = { venue, feed, authenticator, now, cancelAllOf }
  const limiter = new RateLimiter(options.rateLimits ?? {}, now)
  let nextId = 1
  const startedAt = Date.now()

  // The open sockets, each with its Connection, made when it opens: made per request, its closures
  // cost the order path ~1–4 µs (tsx wraps each in a __name call).
  const connections = new Map<WebSocket<Session>, Connection>()
  const connectionOf = (ws: WebSocket<Session>): Connection => connections.get(ws)!

  // The `system` channel: per-connection notices (closing soon, and why), always on.
  const notify = (ws: WebSocket<Session>, data: { event: 'closing'; reason: 'max-lifetime' | 'shutdown'; closeInMs: number }) => {
    const session = ws.getUserData()
    if (session.closed) return
    const prevSeq = session.systemSeq++
    ws.send(encode({ channel: 'system', type: 'update', seq: session.systemSeq, prevSeq, ts: now(), data }))
  }
  const maxPerIp = options.maxConnectionsPerIp ?? 50
  const perIp = new Map<string, number>()
  const maxBackpressure = options.maxBackpressureBytes ?? 1024 * 1024
  const slowReader = options.slowReader ?? 'resnapshot'
  const maxLifetimeMs = options.maxLifetimeMs ?? 24 * 3_600_000
  const noticeMs = Math.min(options.lifetimeNoticeMs ?? 60_000, maxLifetimeMs)

  const sendError = (ws: WebSocket<Session>, id: string | number | null, error: WireError, method: string, readAt: number) => {
    metrics.errors.inc({ code: error.code })
    metrics.requests.inc({ method, outcome: 'error' })
    if (!ws.getUserData().closed) ws.send(errorFrame(id, error, timing(readAt)))
  }

  // Answers that resolve together (the orders of one durable batch) leave in one corked write per
  // socket once the microtasks resolving them have run, not a send(2) each: at 5,000 orders/s
  // the gateway's thread went from 66% to 60% busy (bench/gateway-orders.bench.ts, 3 runs each).
  let outbox = new Map<WebSocket<Session>, Array<() => void>>()
  const sendAll = (sends: Array<() => void>) => () => {
    for (const send of sends) send()
  }
  // A fresh Map per flush, not clear(): V8 leaves a cleared Map's old table (entries and all)
  // pointing at its successor, for live iterators; once one such table reached the old generation,
  // every later one, with the answers' closures and their requests, survived each young collection
  // through it (main-thread scavenges at 5,000 orders/s promoted 250–665 KB each, not 250 KB).
  const flushOutbox = () => {
    const flushing = outbox
    outbox = new Map()
    for (const [ws, sends] of flushing) if (!ws.getUserData().closed) ws.cork(sendAll(sends))
  }
  const deliver = (ws: WebSocket<Session>, send: () => void) => {
    const queued = outbox.get(ws)
    if (queued) return void queued.push(send)
    if (outbox.size === 0) process.nextTick(flushOutbox)
    outbox.set(ws, [send])
  }

  const onMessage = (ws: WebSocket<Session>, message: ArrayBuffer, isBinary: boolean) => {
    const received = performance.now()
    const session = ws.getUserData()
    try {
      limiter.takeMessage(session.limits)
    } catch (err) {
      sendError(ws, null, toWireError(err), 'limited', received)
      if (limiter.shouldBan(session.limits)) {
        limiter.ban(session.ip)
        logger.warn({ session: session.id, ip: session.ip }, 'rate-limit offender closed and banned')
        ws.end(1008, 'rate limit: banned')
      }
      return
    }
    if (isBinary) return sendError(ws, null, toWireError(new InvalidRequestError('binary frames are not accepted; send JSON text')), 'invalid', received)
    if (message.byteLength > maxMessageBytes) return sendError(ws, null, toWireError(new MessageTooLargeError(message.byteLength, maxMessageBytes)), 'invalid', received)
    let value: unknown
    try {
      value = JSON.parse(decoder.decode(message))
    } catch (err) {
      return sendError(ws, null, toWireError(new MalformedJsonError((err as Error).message)), 'invalid', received)
    }
    let request
    try {
      request = parseRequest(value)
    } catch (err) {
      return sendError(ws, envelopeId(value), toWireError(err), 'invalid', received)
    }
    let quota: { orders: number } | undefined
    if (ORDER_METHODS.has(request.method) && session.principal) {
      try {
        quota = { orders: limiter.takeOrder(session.limits, session.principal.apiKey) }
      } catch (err) {
        return sendError(ws, request.id, toWireError(err), request.method, received)
      }
    }
    callMethod(request, connectionOf(ws), ctx).then(
      (outcome) => {
        if (session.closed) return metrics.succeeded(request.method)
        deliver(ws, () => {
          const t = timing(received)
          ws.send(resultFrame(request.id, outcome.result, quota, t))
          metrics.succeeded(request.method, t.usDiff / 1e6)
          outcome.after?.()
        })
      },
      (err: unknown) => {
        const error = toWireError(err)
        if (error.code === 'INTERNAL') logger.error({ err, method: request.method, session: session.id }, 'method failed')
        if (!session.closed) deliver(ws, () => sendError(ws, request.id, error, request.method, received))
        else sendError(ws, request.id, error, request.method, received)
      },
    )
  }

  app.ws<Session>('/ws', {
    maxPayloadLength: options.maxPayloadBytes ?? 64 * 1024,
    idleTimeout: options.idleTimeoutSeconds ?? 60,
    sendPingsAutomatically: true,
    maxBackpressure,
    // Past the limit uWS skips a reader's updates: either close it, or (default) mark it lagging
    // and send fresh snapshots once it has drained, so a gap always heals on the same socket.
    closeOnBackpressureLimit: slowReader === 'close' ? 1 : 0,
    drain: (ws) => {
      const session = ws.getUserData()
      if (!session.lagging || ws.getBufferedAmount() > maxBackpressure / 4) return
      session.lagging = false
      metrics.resnapshots.inc()
      ws.cork(() => resnapshot(connectionOf(ws), ctx))
    },
    upgrade: (res: HttpResponse, req, context) => {
      const ip = remoteIp(res)
      const refuse = (err: unknown) => void metrics.errors.inc({ code: replyError(res, err).code })
      const banned = limiter.bannedUntil(ip)
      const refusal = banned !== undefined ? new IpBannedError(banned - now()) : (perIp.get(ip) ?? 0) >= maxPerIp ? new TooManyConnectionsError(maxPerIp) : undefined
      if (refusal) return refuse(refusal)
      // A browser session cookie authenticates the connection, from an allowed Origin only.
      let principal
      try {
        principal = browser.principal({ cookie: req.getHeader('cookie'), origin: req.getHeader('origin'), host: req.getHeader('host') }, now(), true)
      } catch (err) {
        return refuse(err)
      }
      const session = newSession(nextId++, ip, limiter.connection(), principal)
      res.upgrade(session, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context)
    },
    open: (ws) => {
      connections.set(ws, socketConnection(hub, ws, ws.getUserData()))
      ws.subscribe('heartbeat')
      const session = ws.getUserData()
      perIp.set(session.ip, (perIp.get(session.ip) ?? 0) + 1)
      session.lifetime = setTimeout(() => {
        notify(ws, { event: 'closing', reason: 'max-lifetime', closeInMs: noticeMs })
        session.lifetime = setTimeout(() => {
          if (!session.closed) ws.end(1001, 'maximum connection lifetime')
        }, noticeMs)
        session.lifetime.unref()
      }, maxLifetimeMs - noticeMs)
      session.lifetime.unref()
      metrics.connections.inc()
      logger.debug({ session: ws.getUserData().id, ip: ws.getUserData().ip }, 'connection opened')
    },
    message: onMessage,
    close: (ws, code) => {
      const session = ws.getUserData()
      session.closed = true
      connections.delete(ws)
      const left = (perIp.get(session.ip) ?? 1) - 1
      if (left > 0) perIp.set(session.ip, left)
      else perIp.delete(session.ip)
      metrics.connections.dec()
      clearTimeout(session.lifetime)
      logger.debug({ session: session.id, code }, 'connection closed')
      // A dead-man timer outlives the socket (that is its point); cancel-on-disconnect fires now.
      if (session.cancelOnDisconnect) {
        clearTimeout(session.cancelAfter)
        cancelAllOf(session, 'cancel-on-disconnect')
      }
    },
  })
  if (options.webRoot !== undefined) registerStatic(app, options.webRoot)
  registerRest(app, { venue, metrics, logger, now, methods: ctx, limiter, maxBodyBytes: maxMessageBytes, health: () => ({ connections: connections.size, uptimeMs: Date.now() - startedAt }), browser, faucet: options.devFaucet && new DevFaucet(venue, options.devFaucet) })

  await feed.start()
  const host = options.host ?? '127.0.0.1'
  let token: us_listen_socket
  try {
    token = await new Promise<us_listen_socket>((resolve, reject) => {
      app.listen(host, options.port ?? 8080, (t) => (t ? resolve(t) : reject(new Error(`cannot listen on ${host}:${options.port ?? 8080}`))))
    })
  } catch (err) {
    await feed.stop()
    throw err
  }
  const port = uws.us_socket_local_port(token as unknown as Parameters<typeof uws.us_socket_local_port>[0])
  const heartbeat = setInterval(() => {
    hub.update('heartbeat', 'heartbeat', () => ({}))
  }, options.heartbeatMs ?? 20_000)
  heartbeat.unref()
  // A buffer near the limit means uWS may skip (or has skipped) updates for that reader.
  // (With slowReader 'close' nothing is watched: uWS's own limit closes the socket.)
  const lagWatch =
    slowReader === 'resnapshot'
      ? setInterval(() => {
          for (const ws of connections.keys()) if (ws.getBufferedAmount() >= maxBackpressure / 2) ws.getUserData().lagging = true
        }, 10)
      : undefined
  lagWatch?.unref()
  logger.info({ host, port }, 'gateway listening')

  return {
    port,
    url: `ws://${host}:${port}/ws`,
    httpUrl: `http://${host}:${port}`,
    metrics,
    close: async () => {
      clearInterval(heartbeat)
      clearInterval(lagWatch)
      uws.us_listen_socket_close(token)
      for (const ws of [...connections.keys()]) {
        ws.cork(() => notify(ws, { event: 'closing', reason: 'shutdown', closeInMs: 0 }))
        ws.end(1001, 'gateway shutting down')
      }
      await Promise.all(cancelling) // cancel-on-disconnect of the sockets just closed
      closed = true
      stopLogMetrics?.()
      await feed.stop()
    },
  }
}
