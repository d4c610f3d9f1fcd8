// The JSON the gateway sends: responses, errors and pushes. Bigints go out as decimal strings.
import { toJson } from '../../engine/src/events.js'
import type { WireError } from './errors.js'

/** A push: one message of a channel, `seq` continuing `prevSeq` (null on a snapshot). */
export interface Push {
  channel: string
  type: 'snapshot' | 'update'
  seq: number
  prevSeq: number | null
  ts: number
  data: unknown
}

/** JSON text of any value, bigints as decimal strings. */
export const encode = (value: unknown): string => toJson(value)

/**
 * When the gateway read a request and when it wrote the answer, in µs since the Unix epoch, and
 * the difference: the names Deribit gives them (usIn, usOut, usDiff). A client's round trip less
 * usDiff is its own share and the network's, which a market maker cannot see otherwise.
 */
export interface Timing {
  usIn: number
  usOut: number
  usDiff: number
}

/** The timing of an answer written now to a request read at `readAt` (both performance.now()). */
export function timing(readAt: number, writtenAt = performance.now()): Timing {
  const usIn = Math.round((performance.timeOrigin + readAt) * 1000)
  const usOut = Math.round((performance.timeOrigin + writtenAt) * 1000)
  return { usIn, usOut, usDiff: usOut - usIn }
}

/** A successful response; order methods add the key's remaining order quota. */
export const resultFrame = (id: string | number, result: unknown, quota: { orders: number } | undefined, t: Timing): string =>
  encode({ id, result, quota, usIn: t.usIn, usOut: t.usOut, usDiff: t.usDiff }) // JSON leaves an undefined quota out

/** An error response (`id` null when the request had none that could be read). */
export const errorFrame = (id: string | number | null, error: WireError, t: Timing): string => encode({ id, error, usIn: t.usIn, usOut: t.usOut, usDiff: t.usDiff })
