// The fan-out benchmark's baseline: the gateway's own channel logic (ChannelHub, EventFeed, wire
// encoding, request validation and methods) served by the `ws` library instead of uWS, the way a
// competent `ws` server does it: each update encoded once into one Buffer, the topic's subscriber
// set iterated, one send each; permessage-deflate off (the uWS build has no compression either);
// a reader whose buffer passes the limit skips updates and gets fresh snapshots once drained,
// like the uWS gateway's default. Benchmark-only: the product never loads `ws`.
import { WebSocketServer, type WebSocket } from 'ws'
import type { Venue } from '../engine/src/venue.js'
import { ApiKeyAuthenticator, type ApiKeyConfig } from '../gateway/src/auth.js'
import { ChannelHub } from '../gateway/src/channels.js'
import { MalformedJsonError, toWireError } from '../gateway/src/errors.js'
import { EventFeed } from '../gateway/src/feed.js'
import { callMethod, resnapshot, socketConnection, type MethodContext, type Session } from '../gateway/src/methods.js'
import { RateLimiter } from '../gateway/src/rate-limit.js'
import { envelopeId, parseRequest } from '../gateway/src/schema.js'
import type { Transport } from '../gateway/src/transport.js'
import { errorFrame, resultFrame, timing } from '../gateway/src/wire.js'

/** Topics as subscriber sets over `ws` sockets; slow readers are skipped and marked lagging. */
export class WsTransport implements Transport<WebSocket> {
  private readonly topics = new Map<string, Set<WebSocket>>()
  private readonly topicsOf = new Map<WebSocket, Set<string>>()
  /** Sockets that missed updates, due fresh snapshots once drained. */
  readonly lagging = new Set<WebSocket>()

  constructor(private readonly maxBackpressureBytes: number) {}

  send(socket: WebSocket, text: string): void {
    socket.send(text)
  }

  subscribe(socket: WebSocket, topic: string): void {
    let set = this.topics.get(topic)
    if (!set) this.topics.set(topic, (set = new Set()))
    set.add(socket)
    let mine = this.topicsOf.get(socket)
    if (!mine) this.topicsOf.set(socket, (mine = new Set()))
    mine.add(topic)
  }

  unsubscribe(socket: WebSocket, topic: string): void {
    this.topics.get(topic)?.delete(socket)
    this.topicsOf.get(socket)?.delete(topic)
  }

  /** Forgets a closed socket. */
  drop(socket: WebSocket): void {
    for (const topic of this.topicsOf.get(socket) ?? []) this.topics.get(topic)?.delete(socket)
    this.topicsOf.delete(socket)
    this.lagging.delete(socket)
  }

  subscribers(topic: string): number {
    return this.topics.get(topic)?.size ?? 0
  }

  publish(topic: string, text: string): void {
    const subscribers = this.topics.get(topic)
    if (!subscribers) return
    const frame = Buffer.from(text) // once per message, not per subscriber
    for (const socket of subscribers) {
      if (socket.bufferedAmount > this.maxBackpressureBytes) {
        this.lagging.add(socket)
        continue
      }
      socket.send(frame, { binary: false })
    }
  }
}

/** A running baseline server. */
export interface WsBaseline {
  url: string
  close(): Promise<void>
}

/** Serves protocol v1's requests and channels for `venue` on `ws` at ws://127.0.0.1:<port>/ws. */
export async function startWsBaseline(options: { venue: Venue; apiKeys?: Record<string, ApiKeyConfig>; now?: () => number; maxBackpressureBytes?: number }): Promise<WsBaseline> {
  const { venue } = options
  const now = options.now ?? Date.now
  const maxBackpressure = options.maxBackpressureBytes ?? 1024 * 1024
  const transport = new WsTransport(maxBackpressure)
  const hub = new ChannelHub(transport, now)
  const feed = new EventFeed(venue, hub, now, (err) => console.error('bad event on the bus', err))
  const ctx: MethodContext = { venue, feed, authenticator: new ApiKeyAuthenticator(options.apiKeys ?? {}), now, cancelAllOf: () => undefined }
  const limiter = new RateLimiter({}, now) // for the session's shape; the baseline does not limit
  const sessions = new Map<WebSocket, Session>()
  let nextId = 1

  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws', perMessageDeflate: false, maxPayload: 64 * 1024 })
  wss.on('connection', (ws, req) => {
    const session: Session = { id: nextId++, ip: req.socket.remoteAddress ?? '', cancelOnDisconnect: false, channels: new Map(), closed: false, limits: limiter.connection(), systemSeq: 0, lagging: false }
    sessions.set(ws, session)
    ws.on('message', (data, isBinary) => {
      const readAt = performance.now()
      let value: unknown
      try {
        if (isBinary) throw new MalformedJsonError('binary frame')
        value = JSON.parse(String(data))
      } catch (err) {
        return ws.send(errorFrame(null, toWireError(err), timing(readAt)))
      }
      const id = envelopeId(value)
      let request
      try {
        request = parseRequest(value)
      } catch (err) {
        return ws.send(errorFrame(id, toWireError(err), timing(readAt)))
      }
      const req = request
      callMethod(req, socketConnection(hub, ws, session), ctx).then(
        (outcome) => {
          if (session.closed) return
          ws.send(resultFrame(req.id, outcome.result, undefined, timing(readAt)))
          outcome.after?.()
        },
        (err: unknown) => {
          if (!session.closed) ws.send(errorFrame(req.id, toWireError(err), timing(readAt)))
        },
      )
    })
    ws.on('close', () => {
      session.closed = true
      sessions.delete(ws)
      transport.drop(ws)
    })
  })
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve)
    wss.once('error', reject)
  })
  await feed.start()
  // Lagging readers get fresh snapshots once their buffer is down to a quarter of the limit.
  const drainWatch = setInterval(() => {
    for (const ws of transport.lagging) {
      const session = sessions.get(ws)
      if (!session || ws.bufferedAmount > maxBackpressure / 4) continue
      transport.lagging.delete(ws)
      resnapshot(socketConnection(hub, ws, session), ctx)
    }
  }, 10)
  drainWatch.unref()
  const { port } = wss.address() as { port: number }
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    close: async () => {
      clearInterval(drainWatch)
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      await feed.stop()
    },
  }
}
