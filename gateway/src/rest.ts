// The REST side of the same uWS app: markets, quotes, candles, health and metrics. Errors carry
// the same `{code, message}` as the WebSocket protocol, with an HTTP status by code.
import type { HttpResponse, TemplatedApp } from 'uWebSockets.js'
import type { Logger } from 'pino'
import type { Venue } from '../../engine/src/venue.js'
import { NotFoundError, toWireError } from './errors.js'
import type { GatewayMetrics } from './metrics.js'
import { BUCKET_MS, candlesQuery, parseWith, quoteQuery } from './schema.js'
import { encode } from './wire.js'
import { marketsView } from './views.js'

/** What the REST routes read. */
export interface RestContext {
  venue: Venue
  metrics: GatewayMetrics
  logger: Logger
  now: () => number
  /** Extra fields for /v1/health (connections, uptime...). */
  health: () => Record<string, unknown>
}

const STATUS: Record<string, string> = {
  INVALID_PARAMS: '400 Bad Request',
  INVALID_INPUT: '400 Bad Request',
  UNKNOWN_MARKET: '404 Not Found',
  NOT_FOUND: '404 Not Found',
  ENGINE_HALTED: '503 Service Unavailable',
  STORAGE_FAILED: '503 Service Unavailable',
  LOG_FAILED: '503 Service Unavailable',
  INTERNAL: '500 Internal Server Error',
}

/** The HTTP status line of an error code (422 for the engine's refusals not listed). */
export const httpStatusOf = (code: string): string => STATUS[code] ?? '422 Unprocessable Entity'

/** Registers the REST routes on the app. */
export function registerRest(app: TemplatedApp, ctx: RestContext): void {
  const route = (path: string, handler: (res: HttpResponse, params: string[], query: URLSearchParams) => unknown, paramCount = 0) => {
    app.get(path, (res, req) => {
      // uWS request data is only valid until the first await: read it all now.
      const params = Array.from({ length: paramCount }, (_, i) => req.getParameter(i))
      const query = new URLSearchParams(req.getQuery() ?? '')
      let aborted = false
      res.onAborted(() => {
        aborted = true
      })
      const reply = (status: string, body: string) => {
        if (aborted) return
        res.cork(() => {
          res.writeStatus(status).writeHeader('content-type', 'application/json').end(body)
        })
        ctx.metrics.http.inc({ route: path, status: status.slice(0, 3) })
      }
      Promise.resolve()
        .then(() => handler(res, params, query))
        .then(
          (body) => {
            if (body !== undefined) reply('200 OK', encode(body))
          },
          (err: unknown) => {
            const error = toWireError(err)
            if (error.code === 'INTERNAL') ctx.logger.error({ err, path }, 'REST handler failed')
            ctx.metrics.errors.inc({ code: error.code })
            reply(httpStatusOf(error.code), encode({ error }))
          },
        )
    })
  }

  route('/v1/health', () => {
    const engine = ctx.venue.engine
    const halted = engine.haltReason
    return { status: halted ? 'halted' : 'ok', ...(halted ? { reason: halted } : {}), seq: engine.state.seq, markets: engine.state.markets.size, uws: 'native', ...ctx.health() }
  })
  route('/v1/markets', () => ({ markets: marketsView(ctx.venue.engine.state, ctx.now()) }))
  route(
    '/v1/markets/:market/quote',
    (_res, [market], query) => {
      const q = parseWith(quoteQuery, Object.fromEntries(query))
      return ctx.venue.engine.quote(market!, q.side, q.amountIn, q.slippageBps ?? 50)
    },
    1,
  )
  route(
    '/v1/markets/:market/candles',
    async (_res, [market], query) => {
      const q = parseWith(candlesQuery, Object.fromEntries(query))
      if (!ctx.venue.engine.state.markets.has(market!)) throw new NotFoundError(`/v1/markets/${market}`)
      return { market, bucket: q.bucket, candles: await ctx.venue.store.candles(market!, BUCKET_MS[q.bucket], q.from, q.to) }
    },
    1,
  )
  app.get('/metrics', (res) => {
    let aborted = false
    res.onAborted(() => {
      aborted = true
    })
    ctx.metrics.registry.metrics().then((text) => {
      if (aborted) return
      res.cork(() => {
        res.writeStatus('200 OK').writeHeader('content-type', ctx.metrics.registry.contentType).end(text)
      })
    }, (err: unknown) => ctx.logger.error({ err }, 'metrics failed'))
  })
  app.any('/*', (res, req) => {
    const error = toWireError(new NotFoundError(`${req.getMethod().toUpperCase()} ${req.getUrl()}`))
    res.writeStatus(httpStatusOf(error.code)).writeHeader('content-type', 'application/json').end(encode({ error }))
  })
}
