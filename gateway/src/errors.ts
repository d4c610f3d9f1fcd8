// Every error the gateway itself raises: a class per stable code. Engine errors (EngineError and
// its subclasses) keep their own codes and cross the wire unchanged; anything else is INTERNAL.
import { EngineError } from '../../engine/src/errors.js'

/** Base of every gateway error: a stable machine-readable `code` and a human message. */
export class GatewayError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** uWebSockets.js loaded its slow pure-JS fallback (or nothing): the gateway refuses to start. */
export class NativeUwsUnavailableError extends GatewayError {
  constructor(reason: string) {
    super('UWS_NOT_NATIVE', `uWebSockets.js native build is not running: ${reason}`)
  }
}

/** A text frame that is not JSON. */
export class MalformedJsonError extends GatewayError {
  constructor(reason: string) {
    super('MALFORMED_JSON', `message is not valid JSON: ${reason}`)
  }
}

/** JSON that is not a request `{method, id, params}` (or a binary frame). */
export class InvalidRequestError extends GatewayError {
  constructor(reason: string) {
    super('INVALID_REQUEST', reason)
  }
}

/** A request whose method the protocol does not have. */
export class UnknownMethodError extends GatewayError {
  constructor(method: string) {
    super('UNKNOWN_METHOD', `unknown method ${JSON.stringify(method)}`)
  }
}

/** A known method with params that do not match its schema. */
export class InvalidParamsError extends GatewayError {
  constructor(reason: string) {
    super('INVALID_PARAMS', reason)
  }
}

/** A frame above the protocol's message limit (larger still: uWS drops the socket, 1006). */
export class MessageTooLargeError extends GatewayError {
  constructor(size: number, limit: number) {
    super('MESSAGE_TOO_LARGE', `message of ${size} bytes exceeds the limit of ${limit} bytes`)
  }
}

/** A channel name the gateway does not serve (or a market it does not list). */
export class UnknownChannelError extends GatewayError {
  constructor(channel: string) {
    super('UNKNOWN_CHANNEL', `unknown channel ${JSON.stringify(channel)}`)
  }
}

/** A private method called without valid credentials on the connection. */
export class UnauthorizedError extends GatewayError {
  constructor(reason: string) {
    super('UNAUTHORIZED', reason)
  }
}

/** A signed request whose HMAC-SHA256 signature does not match. */
export class BadSignatureError extends GatewayError {
  constructor() {
    super('BAD_SIGNATURE', 'signature does not match')
  }
}

/** A signed request whose timestamp is outside its receive window (expired, or from the future). */
export class TimestampOutsideWindowError extends GatewayError {
  constructor(reason: string) {
    super('TIMESTAMP_OUTSIDE_WINDOW', reason)
  }
}

/** A nonce already used by this key inside its window: a replay. */
export class NonceReusedError extends GatewayError {
  constructor(nonce: string) {
    super('NONCE_REUSED', `nonce ${JSON.stringify(nonce)} was already used`)
  }
}

/** Credentials that are valid but lack the permission the method needs. */
export class ForbiddenError extends GatewayError {
  constructor(reason: string) {
    super('FORBIDDEN', reason)
  }
}

/** Past a token bucket's limit: wait `retryAfterMs`. Repeat offenders are closed and banned. */
export class RateLimitedError extends GatewayError {
  constructor(
    what: string,
    readonly retryAfterMs: number,
  ) {
    super('RATE_LIMITED', `${what} rate limit exceeded, retry after ${retryAfterMs} ms`)
  }
}

/** An IP banned for repeated rate-limit breaches: its upgrades get HTTP 429 until the ban ends. */
export class IpBannedError extends GatewayError {
  constructor(readonly retryAfterMs: number) {
    super('IP_BANNED', `too many rate-limit breaches: banned for ${retryAfterMs} ms`)
  }
}

/** An IP already holding its maximum of open connections: the upgrade gets HTTP 429. */
export class TooManyConnectionsError extends GatewayError {
  constructor(limit: number) {
    super('TOO_MANY_CONNECTIONS', `this IP already holds ${limit} connections`)
  }
}

/** A REST path the gateway does not serve. */
export class NotFoundError extends GatewayError {
  constructor(path: string) {
    super('NOT_FOUND', `no such resource ${path}`)
  }
}

/** A session cookie used from an Origin the gateway does not allow (WebSocket upgrade, state-changing REST): CSRF. */
export class OriginNotAllowedError extends GatewayError {
  constructor(origin: string) {
    super('ORIGIN_NOT_ALLOWED', origin === '' ? 'an Origin header is required with a session cookie' : `origin ${JSON.stringify(origin)} is not allowed`)
  }
}

/** Sign-In with Ethereum: the body is not `{message, signature}` or the message is not strict EIP-4361. */
export class SiweInvalidMessageError extends GatewayError {
  constructor(reason: string) {
    super('SIWE_INVALID_MESSAGE', reason)
  }
}

/** Sign-In with Ethereum: the signature does not recover the message's address. */
export class SiweBadSignatureError extends GatewayError {
  constructor(reason: string) {
    super('SIWE_BAD_SIGNATURE', reason)
  }
}

/** Sign-In with Ethereum: the message was made for another domain. */
export class SiweDomainMismatchError extends GatewayError {
  constructor(domain: string, expected: string) {
    super('SIWE_DOMAIN_MISMATCH', `domain ${JSON.stringify(domain)} is not ${JSON.stringify(expected)}`)
  }
}

/** Sign-In with Ethereum: the message's URI is not on an allowed origin. */
export class SiweUriMismatchError extends GatewayError {
  constructor(uri: string) {
    super('SIWE_URI_MISMATCH', `uri ${JSON.stringify(uri)} is not on an allowed origin`)
  }
}

/** Sign-In with Ethereum: the message names another chain. */
export class SiweChainMismatchError extends GatewayError {
  constructor(chainId: number, expected: number) {
    super('SIWE_CHAIN_MISMATCH', `chain id ${chainId} is not ${expected}`)
  }
}

/** Sign-In with Ethereum: the nonce was not issued here, has expired or was used already. */
export class SiweNonceInvalidError extends GatewayError {
  constructor() {
    super('SIWE_NONCE_INVALID', 'nonce is unknown, expired or already used')
  }
}

/** Sign-In with Ethereum: Issued At or Not Before lies in the future (beyond the clock skew allowed). */
export class SiweNotYetValidError extends GatewayError {
  constructor(reason: string) {
    super('SIWE_NOT_YET_VALID', reason)
  }
}

/** Sign-In with Ethereum: the message's Expiration Time has passed. */
export class SiweExpiredError extends GatewayError {
  constructor(expiredAt: string) {
    super('SIWE_EXPIRED', `message expired at ${expiredAt}`)
  }
}

/** What a client sees of an error: its code and message. */
export interface WireError {
  code: string
  message: string
  /** RATE_LIMITED and IP_BANNED: how long to wait. */
  retryAfterMs?: number
}

/** The wire form of any error: gateway and engine codes unchanged, anything else INTERNAL. */
export function toWireError(err: unknown): WireError {
  if (err instanceof RateLimitedError || err instanceof IpBannedError) return { code: err.code, message: err.message, retryAfterMs: err.retryAfterMs }
  if (err instanceof GatewayError || err instanceof EngineError) return { code: err.code, message: err.message }
  return { code: 'INTERNAL', message: 'internal error' }
}
