// Browser sessions: what a Sign-In with Ethereum buys. A session is an opaque random id in an
// httpOnly SameSite=Strict cookie, held in the gateway's memory (bounded, expiring). The cookie
// authenticates REST and the WebSocket upgrade only from allowed origins (a cross-site page can make
// the browser send the cookie, but not forge the Origin header), which is the CSRF guard.
import { randomBytes } from 'node:crypto'
import type { Principal } from './auth.js'
import { OriginNotAllowedError, RateLimitedError, SiweInvalidMessageError, UnauthorizedError } from './errors.js'
import { TokenBucket } from './rate-limit.js'
import { siweSignInBody } from './schema.js'
import { SiweVerifier, type SiweOptions } from './siwe.js'

/** Name of the session cookie. */
export const SESSION_COOKIE = 'fluxion_session'

/** A signed-in wallet. Its engine account is its checksummed address. */
export interface BrowserSession {
  id: string
  address: string
  account: string
  expiresAt: number
}

/** Live sessions by id: each expires, at most `max` held (expired ones dropped first, then the oldest). */
export class SessionStore {
  private readonly sessions = new Map<string, BrowserSession>()

  constructor(
    readonly ttlMs = 24 * 3_600_000,
    private readonly max = 10_000,
  ) {}

  /** A new session for `address`, ending after the TTL or at `notAfter`, whichever is first. */
  create(address: string, now: number, notAfter?: number): BrowserSession {
    if (this.sessions.size >= this.max) {
      for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id)
      for (const id of this.sessions.keys()) {
        if (this.sessions.size < this.max) break
        this.sessions.delete(id)
      }
    }
    const session = { id: randomBytes(32).toString('base64url'), address, account: address, expiresAt: Math.min(now + this.ttlMs, notAfter ?? Infinity) }
    this.sessions.set(session.id, session)
    return session
  }

  /** The live session of an id (an expired one is dropped). */
  get(id: string, now: number): BrowserSession | undefined {
    const s = this.sessions.get(id)
    if (s && s.expiresAt <= now) {
      this.sessions.delete(id)
      return undefined
    }
    return s
  }

  /** Ends a session at once; true if it existed. */
  revoke(id: string): boolean {
    return this.sessions.delete(id)
  }

  get size(): number {
    return this.sessions.size
  }
}

/** The value of cookie `name` in a Cookie header (the first one, if repeated). */
export function readCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** The Set-Cookie value that stores a session (Max-Age in whole seconds). */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}${secure ? '; Secure' : ''}`
}

/** Which page origins may use the session cookie: a configured list, or (default) same-origin, `http(s)://<Host>`. */
export class OriginPolicy {
  private readonly allowed?: ReadonlySet<string>

  constructor(allowedOrigins?: readonly string[]) {
    if (allowedOrigins !== undefined) this.allowed = new Set(allowedOrigins.map((o) => new URL(o).origin))
  }

  /** Whether a page at `origin` may act on a request sent to `host`. */
  allows(origin: string, host: string): boolean {
    if (origin === '' || origin === 'null') return false
    if (this.allowed) return this.allowed.has(origin)
    return host !== '' && (origin === `http://${host}` || origin === `https://${host}`)
  }
}

/** The headers of a request that browser authentication reads ('' when absent). */
export interface BrowserHeaders {
  cookie: string
  origin: string
  host: string
}

/** Options of browser sign-in and sessions (`startGateway({siwe})`). */
export interface BrowserAuthOptions extends SiweOptions {
  /** Session lifetime (default 24 h; a message's Expiration Time shortens it). */
  sessionTtlMs?: number
  /** Most sessions held at once (default 10,000). */
  maxSessions?: number
  /** Add `Secure` to the cookie (behind TLS). */
  secureCookie?: boolean
  /** Sign-in requests (nonce and sign-in) per second per IP (default 10, burst 30): past it, RATE_LIMITED. */
  signInsPerSecond?: number
  signInBurst?: number
}

/** What the session routes answer: the session as its owner sees it. */
export interface SessionView {
  address: string
  account: string
  permissions: ['read', 'trade']
  expiresAt: number
}

/** Sign-in, sessions and the cookie's origin checks, for the REST routes and the WebSocket upgrade. */
export class BrowserAuth {
  readonly siwe: SiweVerifier
  readonly sessions: SessionStore
  readonly origins: OriginPolicy
  private readonly secure: boolean
  private readonly perIp = new Map<string, TokenBucket>()

  constructor(
    private readonly options: BrowserAuthOptions = {},
    allowedOrigins?: readonly string[],
  ) {
    this.siwe = new SiweVerifier(options)
    this.sessions = new SessionStore(options.sessionTtlMs, options.maxSessions)
    this.origins = new OriginPolicy(allowedOrigins)
    this.secure = options.secureCookie ?? false
  }

  /** Takes a sign-in token of the IP (nonce and sign-in requests): a flood can neither evict every
   *  nonce nor grind signatures. RATE_LIMITED when the IP has none left. */
  throttle(ip: string, now: number): void {
    let bucket = this.perIp.get(ip)
    if (!bucket) {
      if (this.perIp.size >= 10_000) this.perIp.clear() // bounded; a full reset only forgets the buckets
      this.perIp.set(ip, (bucket = new TokenBucket(this.options.signInsPerSecond ?? 10, this.options.signInBurst ?? 30, now)))
    }
    const r = bucket.take(now)
    if (!r.ok) throw new RateLimitedError('sign-in', r.retryAfterMs)
  }

  /** `POST /v1/auth/siwe`: verifies the signed message and opens a session; nothing is created on a refusal. */
  signIn(body: string, headers: BrowserHeaders, now: number): { view: SessionView; setCookie: string } {
    if (headers.origin !== '' && !this.origins.allows(headers.origin, headers.host)) throw new OriginNotAllowedError(headers.origin)
    let value: unknown
    try {
      value = JSON.parse(body)
    } catch {
      throw new SiweInvalidMessageError('body must be JSON {"message", "signature"}')
    }
    const parsed = siweSignInBody.safeParse(value)
    if (!parsed.success) throw new SiweInvalidMessageError('body must be {"message": "<EIP-4361 text>", "signature": "0x<hex>"}')
    const { message, signature } = parsed.data
    const signIn = this.siwe.verify(message, signature, { host: headers.host, originAllowed: (o) => this.origins.allows(o, headers.host) }, now)
    const session = this.sessions.create(signIn.address, now, signIn.expiresAt)
    return { view: viewOf(session), setCookie: sessionCookie(session.id, (session.expiresAt - now) / 1000, this.secure) }
  }

  /** The live session a Cookie header names, if any. */
  current(cookie: string, now: number): BrowserSession | undefined {
    const id = readCookie(cookie, SESSION_COOKIE)
    return id === undefined ? undefined : this.sessions.get(id, now)
  }

  /** `GET /v1/auth/session`. */
  sessionView(headers: BrowserHeaders, now: number): SessionView {
    const session = this.current(headers.cookie, now)
    if (!session) throw new UnauthorizedError('no live session: sign in first')
    return viewOf(session)
  }

  /** `POST /v1/auth/logout`: ends the cookie's session (if any) and answers the clearing cookie. */
  logout(headers: BrowserHeaders): string {
    const id = readCookie(headers.cookie, SESSION_COOKIE)
    if (id !== undefined) {
      if (!this.origins.allows(headers.origin, headers.host)) throw new OriginNotAllowedError(headers.origin)
      this.sessions.revoke(id)
    }
    return sessionCookie('', 0, this.secure)
  }

  /**
   * The principal of a request carrying the session cookie: undefined without the cookie;
   * UNAUTHORIZED when it names no live session; ORIGIN_NOT_ALLOWED when `checkOrigin` (WebSocket
   * upgrades, state-changing REST) and the Origin is missing or not allowed.
   */
  principal(headers: BrowserHeaders, now: number, checkOrigin: boolean): Principal | undefined {
    const id = readCookie(headers.cookie, SESSION_COOKIE)
    if (id === undefined) return undefined
    if (checkOrigin && !this.origins.allows(headers.origin, headers.host)) throw new OriginNotAllowedError(headers.origin)
    const session = this.sessions.get(id, now)
    if (!session) throw new UnauthorizedError('session expired or unknown')
    return principalOf(session)
  }
}

const SESSION_PERMISSIONS: ReadonlySet<'read' | 'trade'> = new Set(['read', 'trade'])

/** A session's principal: read and trade on its own account; order limits count per wallet. */
export function principalOf(session: BrowserSession): Principal {
  return { apiKey: `wallet:${session.address}`, account: session.account, permissions: SESSION_PERMISSIONS }
}

function viewOf(s: BrowserSession): SessionView {
  return { address: s.address, account: s.account, permissions: ['read', 'trade'], expiresAt: s.expiresAt }
}
