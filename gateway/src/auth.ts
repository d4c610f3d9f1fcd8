// Who a connection is. The boundary is `Authenticator.authenticate(credentials, now)`.
// `ApiKeyAuthenticator` serves keys configured in the gateway: a key with a `secret` must sign
// (HMAC-SHA256 over `authPayload`, the timestamp within the receive window of the server's clock,
// each nonce once per key while its window lasts); a key without one is a bare static key (for the
// embedded demo and tests).
import { createHmac, timingSafeEqual } from 'node:crypto'
import { BadSignatureError, ForbiddenError, NonceReusedError, TimestampOutsideWindowError, UnauthorizedError } from './errors.js'

/** What a key may do: read private channels, or also trade. */
export type Permission = 'read' | 'trade'

/** An authenticated caller: the engine account it acts for and what it may do. */
export interface Principal {
  apiKey: string
  account: string
  permissions: ReadonlySet<Permission>
}

/** What a client presents (the `auth` method's params). */
export interface Credentials {
  apiKey: string
  timestamp?: number
  recvWindow?: number
  nonce?: string
  signature?: string
  /** REST only: the request being signed, `METHOD path?query` + "\n" + body. */
  request?: string
}

/** Turns credentials into a principal, or throws UnauthorizedError. */
export interface Authenticator {
  authenticate(credentials: Credentials, now: number): Principal
}

/** One configured API key. */
export interface ApiKeyConfig {
  account: string
  permissions?: Permission[]
  /** HMAC-SHA256 secret: when set, `auth` must be signed. */
  secret?: string
}

/** Receive window when the client gives none, and the largest it may ask for (ms). */
export const DEFAULT_RECV_WINDOW = 5000
export const MAX_RECV_WINDOW = 60_000

/** The text a client signs: `apiKey`, `timestamp`, `recvWindow`, `nonce` and (REST) the request, newline-separated. */
export function authPayload(apiKey: string, timestamp: number, recvWindow: number, nonce: string, request?: string): string {
  const head = `${apiKey}\n${timestamp}\n${recvWindow}\n${nonce}`
  return request === undefined ? head : `${head}\n${request}`
}

/** Lowercase hex HMAC-SHA256 of the auth payload (what a client sends as `signature`). */
export function signAuth(secret: string, apiKey: string, timestamp: number, recvWindow: number, nonce: string, request?: string): string {
  return createHmac('sha256', secret).update(authPayload(apiKey, timestamp, recvWindow, nonce, request)).digest('hex')
}

/** Nonces seen per key, each kept until its timestamp's window has passed (a replay after that fails the window check). */
export class NonceWindow {
  private readonly seen = new Map<string, number>()

  /** Records the nonce; false if it was already used and has not expired. */
  use(apiKey: string, nonce: string, expiresAt: number, now: number): boolean {
    if (this.seen.size > 10_000) for (const [k, exp] of this.seen) if (exp < now) this.seen.delete(k)
    const key = `${apiKey}\u0000${nonce}`
    const exp = this.seen.get(key)
    if (exp !== undefined && exp >= now) return false
    this.seen.set(key, expiresAt)
    return true
  }
}

/** API keys configured in the gateway, signed (with a secret) or bare. */
export class ApiKeyAuthenticator implements Authenticator {
  private readonly keys: Map<string, { principal: Principal; secret?: string }>
  private readonly nonces = new NonceWindow()

  constructor(keys: Record<string, ApiKeyConfig>) {
    this.keys = new Map(
      Object.entries(keys).map(([apiKey, c]) => [apiKey, { principal: { apiKey, account: c.account, permissions: new Set(c.permissions ?? ['read', 'trade']) }, ...(c.secret ? { secret: c.secret } : {}) }]),
    )
  }

  authenticate(credentials: Credentials, now: number): Principal {
    const key = this.keys.get(credentials.apiKey)
    if (!key) throw new UnauthorizedError('unknown API key')
    if (key.secret === undefined) return key.principal
    const { timestamp, nonce, signature } = credentials
    const recvWindow = credentials.recvWindow ?? DEFAULT_RECV_WINDOW
    if (timestamp === undefined || nonce === undefined || signature === undefined) throw new UnauthorizedError('this key signs: give timestamp, nonce and signature')
    if (recvWindow > MAX_RECV_WINDOW) throw new TimestampOutsideWindowError(`recvWindow ${recvWindow} exceeds ${MAX_RECV_WINDOW} ms`)
    const expected = Buffer.from(signAuth(key.secret, credentials.apiKey, timestamp, recvWindow, nonce, credentials.request), 'hex')
    const given = Buffer.from(signature, 'hex')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new BadSignatureError()
    // Checked after the signature, so an unsigned caller learns nothing about the clock or nonces.
    if (Math.abs(now - timestamp) > recvWindow) throw new TimestampOutsideWindowError(`timestamp ${timestamp} is ${now - timestamp} ms from the server's clock (window ${recvWindow} ms)`)
    if (!this.nonces.use(credentials.apiKey, nonce, timestamp + recvWindow, now)) throw new NonceReusedError(nonce)
    return key.principal
  }
}

/** The principal, if it holds `permission`; UNAUTHORIZED without one, FORBIDDEN without the permission. */
export function requirePermission(principal: Principal | undefined, permission: Permission): Principal {
  if (!principal) throw new UnauthorizedError('authenticate first (method auth)')
  if (!principal.permissions.has(permission)) throw new ForbiddenError(`API key lacks the ${permission} permission`)
  return principal
}
