// The terminal's client of protocol v1 (docs/protocol.md): requests matched by id, channel pushes
// checked for continuity (seq/prevSeq) with a resubscribe on a gap, and a reconnect that
// resubscribes everything. The browser's session cookie authenticates the socket at upgrade.
import type { Push as GatewayPush } from '../../../gateway/src/wire.js'

/** A channel push as the gateway sends it (gateway/src/wire.ts `Push`), its data typed by the reader. */
export type Push<T = unknown> = Omit<GatewayPush, 'data'> & { data: T }

/** An error answer of the gateway: its stable code and message. */
export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ProtocolError'
  }
}

/** What to do with a push: apply it, resubscribe (a gap), or drop it (no snapshot yet). */
export type PushVerdict = 'apply' | 'gap' | 'drop'

/** Channels pushed to every connection without a subscription; their seqs are not per subscriber. */
const UNTRACKED = new Set(['heartbeat', 'system'])

/** Per-channel continuity: a snapshot starts a run, each update must continue the last seq. */
export class SeqTracker {
  private readonly last = new Map<string, number>()

  /** Checks a push against the channel's last seq and records it when it applies. */
  accept(push: Pick<Push, 'channel' | 'type' | 'seq' | 'prevSeq'>): PushVerdict {
    if (UNTRACKED.has(push.channel)) return 'apply'
    if (push.type === 'snapshot') {
      this.last.set(push.channel, push.seq)
      return 'apply'
    }
    const last = this.last.get(push.channel)
    if (last === undefined) return 'drop'
    if (push.prevSeq !== last) {
      this.last.delete(push.channel)
      return 'gap'
    }
    this.last.set(push.channel, push.seq)
    return 'apply'
  }

  /** Forgets a channel (unsubscribed, or waiting for a fresh snapshot). */
  forget(channel: string): void {
    this.last.delete(channel)
  }

  /** Forgets every channel (a new connection). */
  clear(): void {
    this.last.clear()
  }
}

/** Connection state shown to the user. */
export type ConnectionStatus = 'connecting' | 'open' | 'closed'

type Handler = (push: Push) => void

/** The WebSocket constructor to use (the browser's; tests pass the `ws` package's). */
export type WebSocketFactory = (url: string) => WebSocket

interface Pending {
  resolve: (answer: TimedAnswer<unknown>) => void
  reject: (err: Error) => void
  /** When the request left (performance.now()). */
  sentAt: number
}

/** A result, how long the request took from here and back, and how much of that the venue spent
 *  between reading it and writing the answer (its `usDiff`; absent from a gateway without it). */
export interface TimedAnswer<T> {
  result: T
  roundTripMs: number
  venueMs?: number
}

/** A protocol v1 connection that survives reconnects and gaps. */
export class ProtocolClient {
  private ws: WebSocket | undefined
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private readonly handlers = new Map<string, Set<Handler>>()
  private readonly tracker = new SeqTracker()
  private readonly statusListeners = new Set<(s: ConnectionStatus) => void>()
  private stopped = false
  private retryMs = 250
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  /** Gaps seen (each triggered a resubscribe). */
  gaps = 0
  status: ConnectionStatus = 'closed'

  constructor(
    private readonly url: string,
    private readonly open: WebSocketFactory = (u) => new WebSocket(u),
  ) {}

  /** Opens the socket (and reopens it after every unexpected close). */
  connect(): void {
    this.stopped = false
    clearTimeout(this.retryTimer)
    const ws = this.open(this.url)
    this.ws = ws
    this.setStatus('connecting')
    ws.onopen = () => {
      if (this.ws !== ws) return
      this.retryMs = 250
      this.setStatus('open')
      this.tracker.clear()
      const channels = [...this.handlers.keys()]
      if (channels.length > 0) this.sendSubscribe(channels)
    }
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws === ws) this.receive(typeof ev.data === 'string' ? ev.data : String(ev.data))
    }
    // A failed connect or a dropped socket is followed by a close, which schedules the retry.
    ws.onerror = () => undefined
    ws.onclose = () => {
      if (this.ws !== ws) return
      this.ws = undefined
      this.failPending(new ProtocolError('DISCONNECTED', 'connection closed'))
      this.setStatus('closed')
      if (this.stopped) return
      this.retryTimer = setTimeout(() => this.connect(), this.retryMs)
      this.retryMs = Math.min(this.retryMs * 2, 5000)
    }
  }

  /** A fresh connection (after sign-in or sign-out, so the upgrade carries the new cookie). */
  reconnect(): void {
    const old = this.ws
    this.ws = undefined
    this.failPending(new ProtocolError('DISCONNECTED', 'reconnecting'))
    old?.close(1000, 'reconnect')
    this.connect()
  }

  /** Closes for good. */
  close(): void {
    this.stopped = true
    clearTimeout(this.retryTimer)
    const old = this.ws
    this.ws = undefined
    old?.close(1000, 'bye')
    this.failPending(new ProtocolError('DISCONNECTED', 'client closed'))
    this.setStatus('closed')
  }

  /** Follows connection status changes; returns the unfollow function. */
  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  /** Sends a request and resolves with its result (rejects with ProtocolError on an error answer). */
  async request<T>(method: string, params?: Record<string, unknown>): Promise<T> {
    return (await this.requestTimed<T>(method, params)).result
  }

  /** As `request`, with the round trip and the venue's share of it. */
  requestTimed<T>(method: string, params?: Record<string, unknown>): Promise<TimedAnswer<T>> {
    const ws = this.ws
    if (!ws || ws.readyState !== 1) return Promise.reject(new ProtocolError('DISCONNECTED', 'not connected'))
    const id = this.nextId++
    return new Promise<TimedAnswer<T>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (answer: TimedAnswer<unknown>) => void, reject, sentAt: performance.now() })
      ws.send(JSON.stringify(params === undefined ? { method, id } : { method, id, params }))
    })
  }

  /** Calls `handler` with every applied push of `channel` (a snapshot first); returns the unsubscribe function. */
  subscribe(channel: string, handler: Handler): () => void {
    let set = this.handlers.get(channel)
    const first = !set
    if (!set) this.handlers.set(channel, (set = new Set()))
    set.add(handler)
    if (first && this.status === 'open') this.sendSubscribe([channel])
    return () => {
      const s = this.handlers.get(channel)
      if (!s) return
      s.delete(handler)
      if (s.size > 0) return
      this.handlers.delete(channel)
      this.tracker.forget(channel)
      if (this.status === 'open') this.request('unsubscribe', { channels: [channel] }).catch(() => undefined)
    }
  }

  /** Handles one frame from the server (public for tests that feed frames). */
  receive(text: string): void {
    let frame: { id?: number | string | null; result?: unknown; error?: { code: string; message: string }; channel?: string; usDiff?: number }
    try {
      frame = JSON.parse(text)
    } catch {
      return
    }
    if (typeof frame.channel === 'string') return this.onPush(frame as Push)
    if (typeof frame.id !== 'number') return
    const p = this.pending.get(frame.id)
    if (!p) return
    this.pending.delete(frame.id)
    if (frame.error) p.reject(new ProtocolError(frame.error.code, frame.error.message))
    else p.resolve({ result: frame.result, roundTripMs: performance.now() - p.sentAt, ...(typeof frame.usDiff === 'number' ? { venueMs: frame.usDiff / 1000 } : {}) })
  }

  private onPush(push: Push): void {
    const verdict = this.tracker.accept(push)
    if (verdict === 'gap') {
      this.gaps++
      // Missed updates: unsubscribe and subscribe again for a fresh snapshot.
      void this.request('unsubscribe', { channels: [push.channel] })
        .catch(() => undefined)
        .then(() => this.handlers.has(push.channel) && this.sendSubscribe([push.channel]))
      return
    }
    if (verdict === 'drop') return
    for (const h of this.handlers.get(push.channel) ?? []) h(push)
  }

  private sendSubscribe(channels: string[]): void {
    // One request per channel: a private channel refused (signed out) must not block public ones.
    for (const channel of channels) {
      this.request('subscribe', { channels: [channel] }).catch((err: unknown) => {
        if (err instanceof ProtocolError && err.code !== 'DISCONNECTED') console.warn(`subscribe ${channel}: ${err.code} ${err.message}`)
      })
    }
  }

  private failPending(err: Error): void {
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }

  private setStatus(s: ConnectionStatus): void {
    this.status = s
    for (const l of this.statusListeners) l(s)
  }
}
