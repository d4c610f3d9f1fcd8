// Group commit: many appends, few transactions. While one batch is being made durable the next
// one accumulates, so throughput grows with load and an idle log adds no delay (no timers).
import { LogFailedError } from '../errors.js'
import type { EventStore, LoggedEvent, TradeRecord } from './event-store.js'

/** Counters for status lines. */
export interface GroupCommitStats {
  /** Store appends (transactions) completed. */
  batches: number
  /** Events made durable. */
  events: number
  /** Events in the last completed batch. */
  lastBatchSize: number
  /** Largest batch so far. */
  maxBatchSize: number
  /** Events waiting for the next batch or in the one in flight. */
  pending: number
  /** Whether the log has failed (every append now rejects with LOG_FAILED). */
  failed: boolean
}

interface Pending {
  event: LoggedEvent
  trades: readonly TradeRecord[]
  resolve: () => void
  reject: (err: unknown) => void
}

/** The default bound on one batch: large enough to amortise a commit, small enough to keep a statement quick. */
export const DEFAULT_MAX_BATCH = 4096

/**
 * Appends events to a store in coalesced batches. `append` resolves once that event is durable;
 * promises resolve in append order. The first failed batch fails the log for good (fail-stop):
 * that batch, everything queued and every later append reject with LogFailedError.
 */
export class GroupCommitLog {
  readonly #store: EventStore
  readonly #maxBatch: number
  #queue: Pending[] = []
  #flushing = false
  #failure: LogFailedError | undefined
  #last: Promise<void> = Promise.resolve()
  #batches = 0
  #events = 0
  #lastBatchSize = 0
  #maxBatchSize = 0
  #inFlight = 0

  constructor(store: EventStore, options: { maxBatch?: number } = {}) {
    this.#store = store
    this.#maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH)
  }

  /** Queues one event (and its fills, if any); resolves when it is durable. */
  append(event: LoggedEvent, trades?: TradeRecord | readonly TradeRecord[]): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure)
    const fills: readonly TradeRecord[] = trades === undefined ? [] : 'seq' in trades ? [trades] : trades
    const promise = new Promise<void>((resolve, reject) => this.#queue.push({ event, trades: fills, resolve, reject }))
    this.#last = promise
    if (!this.#flushing) {
      this.#flushing = true
      // A microtask, not a timer: appends made in the same tick share the first batch.
      queueMicrotask(() => void this.#drain())
    }
    return promise
  }

  /** Resolves when every event appended so far is durable (rejects if the log has failed). */
  flushed(): Promise<void> {
    return this.#failure ? Promise.reject(this.#failure) : this.#last
  }

  /** Counters for status lines. */
  get stats(): GroupCommitStats {
    return {
      batches: this.#batches,
      events: this.#events,
      lastBatchSize: this.#lastBatchSize,
      maxBatchSize: this.#maxBatchSize,
      pending: this.#queue.length + this.#inFlight,
      failed: this.#failure !== undefined,
    }
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0 && !this.#failure) {
      const batch = this.#queue.splice(0, this.#maxBatch)
      const events: LoggedEvent[] = new Array(batch.length)
      const trades: TradeRecord[] = []
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i]!
        events[i] = p.event
        for (const t of p.trades) trades.push(t)
      }
      this.#inFlight = batch.length
      try {
        await this.#store.append(events, trades)
      } catch (err) {
        this.#inFlight = 0
        this.#fail(err, batch)
        break
      }
      this.#inFlight = 0
      this.#batches++
      this.#events += batch.length
      this.#lastBatchSize = batch.length
      if (batch.length > this.#maxBatchSize) this.#maxBatchSize = batch.length
      for (const p of batch) p.resolve()
    }
    this.#flushing = false
  }

  #fail(cause: unknown, batch: Pending[]): void {
    this.#failure = cause instanceof LogFailedError ? cause : new LogFailedError(cause)
    const waiting = [...batch, ...this.#queue]
    this.#queue = []
    for (const p of waiting) p.reject(this.#failure)
  }
}
