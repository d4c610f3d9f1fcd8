// Plain HTTP answers shared by the WebSocket upgrade, the REST routes and the static files: the
// status line of each error code, a JSON error reply, and the client's address.
import type { HttpResponse } from 'uWebSockets.js'
import { NotFoundError, toWireError, type WireError } from './errors.js'
import { encode } from './wire.js'

const STATUS: Record<string, string> = {
  INVALID_PARAMS: '400 Bad Request',
  INVALID_INPUT: '400 Bad Request',
  MALFORMED_JSON: '400 Bad Request',
  UNAUTHORIZED: '401 Unauthorized',
  BAD_SIGNATURE: '401 Unauthorized',
  TIMESTAMP_OUTSIDE_WINDOW: '401 Unauthorized',
  NONCE_REUSED: '401 Unauthorized',
  FORBIDDEN: '403 Forbidden',
  ORIGIN_NOT_ALLOWED: '403 Forbidden',
  SIWE_INVALID_MESSAGE: '400 Bad Request',
  SIWE_BAD_SIGNATURE: '401 Unauthorized',
  SIWE_DOMAIN_MISMATCH: '401 Unauthorized',
  SIWE_URI_MISMATCH: '401 Unauthorized',
  SIWE_CHAIN_MISMATCH: '401 Unauthorized',
  SIWE_NONCE_INVALID: '401 Unauthorized',
  SIWE_NOT_YET_VALID: '401 Unauthorized',
  SIWE_EXPIRED: '401 Unauthorized',
  UNKNOWN_MARKET: '404 Not Found',
  UNKNOWN_ORDER: '404 Not Found',
  NOT_FOUND: '404 Not Found',
  MESSAGE_TOO_LARGE: '413 Payload Too Large',
  RATE_LIMITED: '429 Too Many Requests',
  IP_BANNED: '429 Too Many Requests',
  TOO_MANY_CONNECTIONS: '429 Too Many Requests',
  ENGINE_HALTED: '503 Service Unavailable',
  ENGINE_UNAVAILABLE: '503 Service Unavailable',
  STORAGE_FAILED: '503 Service Unavailable',
  LOG_FAILED: '503 Service Unavailable',
  INTERNAL: '500 Internal Server Error',
}

/** The HTTP status line of an error code (422 for the engine's refusals not listed). */
export const httpStatusOf = (code: string): string => STATUS[code] ?? '422 Unprocessable Entity'

/** Ends the response with `{error}` as JSON and the HTTP status of its code; returns the wire error. */
export function replyError(res: HttpResponse, err: unknown): WireError {
  const error = toWireError(err)
  res.writeStatus(httpStatusOf(error.code)).writeHeader('content-type', 'application/json').end(encode({ error }))
  return error
}

/** Answers a request for a route or file that does not exist: 404 `NOT_FOUND` as JSON. */
export function replyNotFound(res: HttpResponse, method: string, url: string): void {
  replyError(res, new NotFoundError(`${method} ${url}`))
}

/** The client's address as text (uWS hands it over as bytes): what per-IP limits and bans key on. */
export const remoteIp = (res: HttpResponse): string => Buffer.from(res.getRemoteAddressAsText()).toString()
