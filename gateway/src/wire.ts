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

/** A successful response; order methods add the key's remaining order quota. */
export const resultFrame = (id: string | number, result: unknown, quota?: { orders: number }): string => encode(quota ? { id, result, quota } : { id, result })

/** An error response (`id` null when the request had none that could be read). */
export const errorFrame = (id: string | number | null, error: WireError): string => encode({ id, error })
