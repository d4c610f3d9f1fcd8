// Token buckets: per connection for every frame, per API key for order methods. A refused frame
// gets RATE_LIMITED (with how long to wait) and does nothing; a connection that keeps going past
// its limit is closed (1008) and its IP refused at upgrade (HTTP 429) for a while.
import { RateLimitedError } from './errors.js'

/** A token bucket: `burst` tokens, refilled at `perSecond`. */
export class TokenBucket {
  private tokens: number
  private updatedAt: number

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    now: number,
  ) {
    this.tokens = burst
    this.updatedAt = now
  }

  /** Takes one token, or returns the ms until one is available. */
  take(now: number): { ok: true; remaining: number } | { ok: false; retryAfterMs: number } {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.perSecond) / 1000)
    this.updatedAt = Math.max(this.updatedAt, now)
    if (this.tokens >= 1) {
      this.tokens -= 1
      return { ok: true, remaining: Math.floor(this.tokens) }
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) * 1000) / this.perSecond) }
  }
}

/** Limits of one gateway. */
export interface RateLimits {
  /** Frames per second per connection (default 50, burst 100). */
  messagesPerSecond: number
  messageBurst: number
  /** Order methods per second per API key, across its connections (default 20, burst 50). */
  ordersPerSecond: number
  orderBurst: number
  /** Refusals within `offenceWindowMs` that close the connection and ban its IP (default 20 in 10 s). */
  maxOffences: number
  offenceWindowMs: number
  /** How long a banned IP is refused (default 60 s). */
  banMs: number
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  messagesPerSecond: 50,
  messageBurst: 100,
  ordersPerSecond: 20,
  orderBurst: 50,
  maxOffences: 20,
  offenceWindowMs: 10_000,
  banMs: 60_000,
}

/** The gateway's rate limiter: buckets per connection and per key, offences and bans per IP. */
export class RateLimiter {
  readonly limits: RateLimits
  private readonly keyBuckets = new Map<string, TokenBucket>()
  private readonly bans = new Map<string, number>()

  constructor(
    limits: Partial<RateLimits>,
    private readonly now: () => number,
  ) {
    this.limits = { ...DEFAULT_RATE_LIMITS, ...limits }
  }

  /** A fresh per-connection state. */
  connection(): ConnectionLimits {
    return { bucket: new TokenBucket(this.limits.messagesPerSecond, this.limits.messageBurst, this.now()), offences: [] }
  }

  /** Whether the IP is banned now (and until when). */
  bannedUntil(ip: string): number | undefined {
    const until = this.bans.get(ip)
    if (until === undefined) return undefined
    if (until <= this.now()) {
      this.bans.delete(ip)
      return undefined
    }
    return until
  }

  /** Takes a frame token; throws RATE_LIMITED (and records the offence) when there is none. */
  takeMessage(conn: ConnectionLimits): void {
    const r = conn.bucket.take(this.now())
    if (!r.ok) this.refuse(conn, r.retryAfterMs, 'messages')
  }

  /** Takes an order token of the key; returns what is left, or throws RATE_LIMITED. */
  takeOrder(conn: ConnectionLimits, apiKey: string): number {
    let bucket = this.keyBuckets.get(apiKey)
    if (!bucket) this.keyBuckets.set(apiKey, (bucket = new TokenBucket(this.limits.ordersPerSecond, this.limits.orderBurst, this.now())))
    const r = bucket.take(this.now())
    if (!r.ok) this.refuse(conn, r.retryAfterMs, 'orders')
    return (r as { remaining: number }).remaining
  }

  /** Whether the connection has offended often enough to be closed and its IP banned. */
  shouldBan(conn: ConnectionLimits): boolean {
    const since = this.now() - this.limits.offenceWindowMs
    while (conn.offences.length > 0 && conn.offences[0]! < since) conn.offences.shift()
    return conn.offences.length >= this.limits.maxOffences
  }

  /** Bans the IP for `banMs`. */
  ban(ip: string): void {
    this.bans.set(ip, this.now() + this.limits.banMs)
  }

  private refuse(conn: ConnectionLimits, retryAfterMs: number, what: string): never {
    conn.offences.push(this.now())
    throw new RateLimitedError(what, retryAfterMs)
  }
}

/** What the limiter keeps per connection. */
export interface ConnectionLimits {
  bucket: TokenBucket
  offences: number[]
}
