// The messages between a WorkerEventStore and the store it runs in a worker thread, and how an
// error crosses the thread boundary with its class and code intact.
import { EngineError, InvalidInputError, LogFailedError, SequenceConflictError, StorageError } from '../errors.js'
import type { PagedEventStore } from './event-store.js'
import type { PgliteEventStore } from './pglite-event-store.js'
import type { SqlEventStore } from './sql-event-store.js'

/** The store methods a worker serves (readEvents travels as readPage calls, and appends as the
 *  journal's frames of batches encoded on the caller's thread: bytes cross, not objects). */
export type StoreOperation = 'open' | 'appendFrames' | 'streamPositions' | 'readPage' | 'lastSeq' | 'saveSnapshot' | 'latestSnapshot' | 'candles' | 'appliedMigrations' | 'close'

/** Main thread → worker. */
export interface StoreRequest {
  id: number
  op: StoreOperation
  args: unknown[]
}

/** An error as it crosses threads. */
export interface SerializedError {
  code?: string
  message: string
}

/** Worker → main thread. */
export type StoreResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerializedError }

/** Checks at compile time that every operation is a method of the store. */
export type ServedStore = Pick<PagedEventStore & Pick<SqlEventStore, 'streamPositions'> & Pick<PgliteEventStore, 'appendFrames'>, StoreOperation>

/** Flattens an error for postMessage (class instances lose their prototype on the way). */
export function serializeError(err: unknown): SerializedError {
  const message = err instanceof Error ? err.message : String(err)
  // By shape, not instanceof: a worker may load its own copy of the errors module.
  const code = (err as { code?: unknown } | null)?.code
  return err instanceof Error && typeof code === 'string' && err.name !== 'Error' ? { code, message } : { message }
}

/** Rebuilds the typed error on the caller's side, by its stable code. */
export function deserializeError(e: SerializedError): Error {
  switch (e.code) {
    case 'STORAGE_FAILED':
      return new StorageError(e.message)
    case 'SEQUENCE_CONFLICT':
      return new SequenceConflictError(e.message)
    case 'INVALID_INPUT':
      return new InvalidInputError(e.message)
    case 'LOG_FAILED':
      return new LogFailedError(new Error(e.message))
    case undefined:
      return new StorageError(e.message)
    default:
      return new EngineError(e.code, e.message)
  }
}
