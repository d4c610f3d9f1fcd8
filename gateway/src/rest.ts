// The REST side of the same uWS app: markets, quotes, candles, orders, health and metrics. Errors
// carry the same `{code, message}` as the WebSocket protocol, with an HTTP status by code. Order
// routes authenticate every request from X-Fluxion-* headers (signed keys sign the method, path
// and body too) or from a browser session cookie (SIWE; Origin checked on state-changing requests)
// and run the same methods as the WebSocket protocol.
import type { HttpRequest, HttpResponse, TemplatedApp } from 'uWebSockets.js'
import type { Logger } from 'pino'
import { UnknownMarketError } from '../../engine/src/errors.js'
import type { GatewayVenue as Venue } from '../../engine/src/gateway-venue.js'
import { requirePermission, type Permission, type Principal } from './auth.js'
import { MalformedJsonError, MessageTooLargeError, NotFoundError, UnauthorizedError, toWireError } from './errors.js'
import { httpStatusOf, remoteIp, replyNotFound } from './http.js'
import type { DevFaucet } from './faucet.js'
import { callMethod, newSession, type Connection, type MethodContext } from './methods.js'
import type { GatewayMetrics } from './metrics.js'
import type { RateLimiter } from './rate-limit.js'
import { BUCKET_MS, candlesQuery, emptyQuery, methodParams, parseWith, quoteQuery, type ValidRequest } from './schema.js'
import type { BrowserAuth, BrowserHeaders } from './session.js'
import { encode } from './wire.js'
import { accountView, marketsView, poolsView } from './views.js'

/** What the REST routes read. */
export interface RestContext {
  venue: Venue
  metrics: GatewayMetrics
  logger: Logger
  now: () => number
  methods: MethodContext
  limiter: RateLimiter
  maxBodyBytes: number
  /** Extra fields for /v1/health (connections, uptime...). */
  health: () => Record<string, unknown>
  /** Sign-In with Ethereum and the session cookie. */
  browser: BrowserAuth
  /** The embedded demo's faucet (`POST /v1/dev/faucet` exists only with it). */
  faucet?: DevFaucet
}

/** A handler's answer that also sets response headers (Set-Cookie...). */
class WithHeaders {
  constructor(
    readonly body: unknown,
    readonly headers: ReadonlyArray<readonly [string, string]>,
  ) {}
}

// Auth answers are per user: never cached.
const NO_STORE = ['cache-control', 'no-store'] as const

/** One REST request, read in full before any await (uWS request objects do not outlive the callback). */
interface RestRequest {
  params: string[]
  query: URLSearchParams
  headers: Map<string, string>
  /** `METHOD path?query`, as signed. */
  target: string
  /** GET, POST, DELETE... */
  verb: string
  body: string
  ip: string
}

const AUTH_HEADERS = ['x-fluxion-key', 'x-fluxion-timestamp', 'x-fluxion-recv-window', 'x-fluxion-nonce', 'x-fluxion-signature', 'cookie', 'origin', 'host']

/** Registers the REST routes on the app. */
export function registerRest(app: TemplatedApp, ctx: RestContext): void {
  const route = (verb: 'get' | 'post' | 'del', path: string, handler: (r: RestRequest) => unknown, paramCount = 0) => {
    app[verb](path, (res, req) => {
      const r = readRequest(res, req, paramCount)
      let aborted = false
      res.onAborted(() => {
        aborted = true
      })
      const reply = (status: string, body: string, headers: ReadonlyArray<readonly [string, string]> = []) => {
        if (aborted) return
        res.cork(() => {
          res.writeStatus(status).writeHeader('content-type', 'application/json')
          for (const [name, value] of headers) res.writeHeader(name, value)
          res.end(body)
        })
        ctx.metrics.http.inc({ route: `${verb.toUpperCase()} ${path}`, status: status.slice(0, 3) })
      }
      const fail = (err: unknown) => {
        const error = toWireError(err)
        if (error.code === 'INTERNAL') ctx.logger.error({ err, path }, 'REST handler failed')
        ctx.metrics.errors.inc({ code: error.code })
        reply(httpStatusOf(error.code), encode({ error }))
      }
      const run = () =>
        Promise.resolve()
          .then(() => handler(r))
          .then((body) => (body instanceof WithHeaders ? reply('200 OK', encode(body.body), body.headers) : reply('200 OK', encode(body))), fail)
      if (verb === 'get') return void run()
      readBody(res, ctx.maxBodyBytes).then((body) => {
        r.body = body
        return run()
      }, fail)
    })
  }

  route('get', '/v1/health', () => {
    const engine = ctx.venue.engine
    const halted = engine.haltReason
    return { status: halted ? 'halted' : 'ok', ...(halted ? { reason: halted } : {}), seq: engine.state.seq, markets: engine.state.markets.size, uws: 'native', ...ctx.health() }
  })
  route('get', '/v1/markets', () => ({ markets: marketsView(ctx.venue.engine.state, ctx.now()) }))
  route(
    'get',
    '/v1/markets/:market/quote',
    ({ params: [market], query }) => {
      const q = parseWith(quoteQuery, Object.fromEntries(query))
      return ctx.venue.engine.quote(market!, q.side, q.amountIn, q.slippageBps ?? 50)
    },
    1,
  )
  route(
    'get',
    '/v1/markets/:market/candles',
    async ({ params: [market], query }) => {
      const q = parseWith(candlesQuery, Object.fromEntries(query))
      if (!ctx.venue.engine.state.markets.has(market!)) throw new NotFoundError(`/v1/markets/${market}`)
      return { market, bucket: q.bucket, candles: await ctx.venue.store.candles(market!, BUCKET_MS[q.bucket], q.from, q.to) }
    },
    1,
  )
  route('get', '/v1/account', (r) => accountView(ctx.venue.engine.state, principalOf(r, 'read').account))
  route('get', '/v1/orders', (r) => ({ orders: ctx.venue.engine.state.openOrders(principalOf(r, 'read').account) }))
  route('post', '/v1/orders', (r) => order(r, { method: 'placeOrder', id: 0, params: parseWith(methodParams.placeOrder, json(r.body)) }))
  route('del', '/v1/orders/:orderId', (r) => order(r, { method: 'cancelOrder', id: 0, params: { orderId: r.params[0]! } }), 1)
  route('del', '/v1/orders', (r) => {
    const market = r.query.get('market')
    return order(r, { method: 'cancelAll', id: 0, params: parseWith(methodParams.cancelAll, market === null ? {} : { market }) })
  })

  route(
    'get',
    '/v1/depth/:market',
    ({ params: [market], query }) => {
      parseWith(emptyQuery, Object.fromEntries(query))
      return ctx.methods.feed.depth.view(market!)
    },
    1,
  )
  route('get', '/v1/pools', () => ({ pools: poolsView(ctx.venue.engine.state) }))
  route(
    'get',
    '/v1/pools/:market',
    ({ params: [market] }) => {
      if (!ctx.venue.engine.state.markets.has(market!)) throw new UnknownMarketError(market!)
      return { market, pools: poolsView(ctx.venue.engine.state, market) }
    },
    1,
  )

  // Browser sessions (Sign-In with Ethereum).
  route('get', '/v1/auth/nonce', (r) => {
    ctx.browser.throttle(r.ip, ctx.now())
    return new WithHeaders(ctx.browser.siwe.nonces.issue(ctx.now()), [NO_STORE])
  })
  route('post', '/v1/auth/siwe', (r) => {
    ctx.browser.throttle(r.ip, ctx.now())
    const { view, setCookie } = ctx.browser.signIn(r.body, browserHeaders(r), ctx.now())
    ctx.logger.info({ address: view.address, ip: r.ip }, 'wallet signed in')
    return new WithHeaders(view, [['set-cookie', setCookie], NO_STORE])
  })
  route('get', '/v1/auth/session', (r) => new WithHeaders(ctx.browser.sessionView(browserHeaders(r), ctx.now()), [NO_STORE]))
  route('post', '/v1/auth/logout', (r) => new WithHeaders({ loggedOut: true }, [['set-cookie', ctx.browser.logout(browserHeaders(r))], NO_STORE]))
  const faucet = ctx.faucet
  if (faucet) route('post', '/v1/dev/faucet', async (r) => ({ result: await faucet.pay(principalOf(r, 'trade').account, ctx.now()) }))

  app.get('/metrics', (res) => {
    let aborted = false
    res.onAborted(() => {
      aborted = true
    })
    ctx.metrics.registry.metrics().then(
      (text) => {
        if (aborted) return
        res.cork(() => {
          res.writeStatus('200 OK').writeHeader('content-type', ctx.metrics.registry.contentType).end(text)
        })
      },
      (err: unknown) => ctx.logger.error({ err }, 'metrics failed'),
    )
  })
  app.any('/*', (res, req) => replyNotFound(res, req.getMethod().toUpperCase(), req.getUrl()))

  // Authenticates one REST request and checks the permission: from its X-Fluxion-* headers, or
  // else from the session cookie (whose Origin must be allowed when the request changes state).
  function principalOf(r: RestRequest, permission: Permission): Principal {
    const h = r.headers
    const num = (name: string) => (h.has(name) ? Number(h.get(name)) : undefined)
    if (!h.has('x-fluxion-key')) {
      const browser = ctx.browser.principal(browserHeaders(r), ctx.now(), r.verb !== 'GET')
      if (browser) return requirePermission(browser, permission)
      throw new UnauthorizedError('X-Fluxion-Key header or a session cookie required')
    }
    const credentials = parseWith(methodParams.auth, {
      apiKey: h.get('x-fluxion-key'),
      ...(h.has('x-fluxion-timestamp') ? { timestamp: num('x-fluxion-timestamp') } : {}),
      ...(h.has('x-fluxion-recv-window') ? { recvWindow: num('x-fluxion-recv-window') } : {}),
      ...(h.has('x-fluxion-nonce') ? { nonce: h.get('x-fluxion-nonce') } : {}),
      ...(h.has('x-fluxion-signature') ? { signature: h.get('x-fluxion-signature') } : {}),
    })
    return requirePermission(ctx.methods.authenticator.authenticate({ ...credentials, request: `${r.target}\n${r.body}` }, ctx.now()), permission)
  }

  // An order route: authenticate this request, spend an order token, then run the protocol method.
  async function order(r: RestRequest, request: ValidRequest): Promise<unknown> {
    const principal = principalOf(r, 'trade')
    const limits = ctx.limiter.connection()
    const remaining = ctx.limiter.takeOrder(limits, principal.apiKey)
    const session = newSession(0, r.ip, limits, principal)
    const conn: Connection = { session, snapshot: () => undefined, unsubscribe: () => undefined }
    const { result } = await callMethod(request, conn, ctx.methods)
    return { result, quota: { orders: remaining } }
  }
}

function browserHeaders(r: RestRequest): BrowserHeaders {
  return { cookie: r.headers.get('cookie') ?? '', origin: r.headers.get('origin') ?? '', host: r.headers.get('host') ?? '' }
}

function json(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new MalformedJsonError((err as Error).message)
  }
}

function readRequest(res: HttpResponse, req: HttpRequest, paramCount: number): RestRequest {
  const query = req.getQuery() ?? ''
  const headers = new Map<string, string>()
  for (const name of AUTH_HEADERS) {
    const v = req.getHeader(name)
    if (v !== '') headers.set(name, v)
  }
  return {
    params: Array.from({ length: paramCount }, (_, i) => req.getParameter(i)),
    query: new URLSearchParams(query),
    headers,
    target: `${req.getMethod().toUpperCase()} ${req.getUrl()}${query ? `?${query}` : ''}`,
    verb: req.getMethod().toUpperCase(),
    body: '',
    ip: remoteIp(res),
  }
}

function readBody(res: HttpResponse, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let refused = false
    res.onData((chunk, isLast) => {
      if (refused) return
      size += chunk.byteLength
      if (size > limit) {
        refused = true
        return reject(new MessageTooLargeError(size, limit))
      }
      chunks.push(Buffer.from(chunk.slice(0))) // uWS reuses the chunk's memory after this call
      if (isLast) resolve(Buffer.concat(chunks).toString('utf8'))
    })
  })
}
