// Who a connection is. The boundary is `Authenticator.authenticate(credentials, now)`: this slice
// ships `ApiKeyAuthenticator` (a static key → account map configured in the gateway); the next
// slice adds an HMAC-SHA256 authenticator behind the same interface, verifying `signature` over
// `timestamp + apiKey + nonce` with the key's secret, `timestamp` within `recvWindow` of `now`,
// and each nonce used once per key inside that window.
import { ForbiddenError, UnauthorizedError } from './errors.js'

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
}

/** Turns credentials into a principal, or throws UnauthorizedError. */
export interface Authenticator {
  authenticate(credentials: Credentials, now: number): Principal
}

/** One configured API key. */
export interface ApiKeyConfig {
  account: string
  permissions?: Permission[]
}

/** Static API keys: the key alone identifies the account (no signature yet). */
export class ApiKeyAuthenticator implements Authenticator {
  private readonly keys: Map<string, Principal>

  constructor(keys: Record<string, ApiKeyConfig>) {
    this.keys = new Map(Object.entries(keys).map(([apiKey, c]) => [apiKey, { apiKey, account: c.account, permissions: new Set(c.permissions ?? ['read', 'trade']) }]))
  }

  authenticate(credentials: Credentials): Principal {
    const principal = this.keys.get(credentials.apiKey)
    if (!principal) throw new UnauthorizedError('unknown API key')
    return principal
  }
}

/** The principal, if it holds `permission`; UNAUTHORIZED without one, FORBIDDEN without the permission. */
export function requirePermission(principal: Principal | undefined, permission: Permission): Principal {
  if (!principal) throw new UnauthorizedError('authenticate first (method auth)')
  if (!principal.permissions.has(permission)) throw new ForbiddenError(`API key lacks the ${permission} permission`)
  return principal
}
