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

/** One batch made durable: its events, and how long the store took to make them so. */
export interface CommittedBatch {
  events: number
  seconds: number
}

/** Events gathered for one store append, and the promise every one of them waits on. */
interface Batch {
  events: LoggedEvent[]
  trades: TradeRecord[]
  durable: Promise<void>
  resolve: () => void
  reject: (err: unknown) => void
}

function newBatch(): Batch {
  let resolve!: () => void
  let reject!: (err: unknown) => void
  const durable = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // Callers may drop the promise of a batch that fails; the failure is reported to those that keep it.
  durable.catch(() => undefined)
  return { events: [], trades: [], durable, resolve, reject }
}

/** The default bound on one batch: large enough to amortise a commit, small enough to keep a statement quick. */
export const DEFAULT_MAX_BATCH = 4096

/**
 * Appends events to a store in coalesced batches. `append` resolves once that event is durable;
 * the events of one batch share one promise (one allocation per batch, not per event), and
 * batches resolve in order. The first failed batch fails the log for good (fail-stop): that
 * batch, everything queued and every later append reject with LogFailedError.
 */
export class GroupCommitLog {
  readonly #store: EventStore
  readonly #maxBatch: number
  /** Full batches waiting for the store, oldest first, then the one gathering appends. */
  #waiting: Batch[] = []
  #gathering: Batch | undefined
  #flushing = false
  #failure: LogFailedError | undefined
  /** The newest batch's promise: durable means everything before it is too. */
  #last: Promise<void> = Promise.resolve()
  #batches = 0
  #events = 0
  #lastBatchSize = 0
  #maxBatchSize = 0
  #inFlight = 0
  #queued = 0
  #observers: Array<(batch: CommittedBatch) => void> = []

  constructor(store: EventStore, options: { maxBatch?: number } = {}) {
    this.#store = store
    this.#maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH)
  }

  /** Queues one event (and its fills, if any); resolves when it is durable. */
  append(event: LoggedEvent, trades?: TradeRecord | readonly TradeRecord[]): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure)
    let batch = this.#gathering
    if (batch === undefined || batch.events.length >= this.#maxBatch) {
      if (batch !== undefined) this.#waiting.push(batch)
      batch = this.#gathering = newBatch()
    }
    batch.events.push(event)
    if (trades !== undefined) {
      if ('seq' in trades) batch.trades.push(trades)
      else for (const t of trades) batch.trades.push(t)
    }
    this.#queued++
    this.#last = batch.durable
    if (!this.#flushing) {
      this.#flushing = true
      // After the event loop's current I/O phase, not a timer: the appends of every message read
      // in this turn (a socket's burst of orders) share the first batch, one write for them all.
      setImmediate(() => void this.#drain())
    }
    return batch.durable
  }

  /** Resolves when every event appended so far is durable (rejects if the log has failed). */
  flushed(): Promise<void> {
    return this.#failure ? Promise.reject(this.#failure) : this.#last
  }

  /** Calls `observer` after each batch is durable (metrics: on a server, a commit waits for the
   *  disk's flush, and this is where its tail shows); returns the call that stops it. */
  observe(observer: (batch: CommittedBatch) => void): () => void {
    this.#observers = [...this.#observers, observer]
    return () => void (this.#observers = this.#observers.filter((o) => o !== observer))
  }

  /** Counters for status lines. */
  get stats(): GroupCommitStats {
    return {
      batches: this.#batches,
      events: this.#events,
      lastBatchSize: this.#lastBatchSize,
      maxBatchSize: this.#maxBatchSize,
      pending: this.#queued + this.#inFlight,
      failed: this.#failure !== undefined,
    }
  }

  #next(): Batch | undefined {
    const batch = this.#waiting.shift() ?? this.#gathering
    if (batch === this.#gathering) this.#gathering = undefined
    return batch
  }

  async #drain(): Promise<void> {
    for (let batch = this.#next(); batch !== undefined && !this.#failure; batch = this.#next()) {
      const size = batch.events.length
      this.#queued -= size
      this.#inFlight = size
      const started = performance.now()
      try {
        await this.#store.append(batch.events, batch.trades)
      } catch (err) {
        this.#inFlight = 0
        this.#fail(err, batch)
        break
      }
      this.#inFlight = 0
      this.#batches++
      this.#events += size
      this.#lastBatchSize = size
      if (size > this.#maxBatchSize) this.#maxBatchSize = size
      batch.resolve()
      if (this.#observers.length > 0) {
        const committed = { events: size, seconds: (performance.now() - started) / 1000 }
        for (const observe of this.#observers) observe(committed)
      }
    }
    this.#flushing = false
  }

  #fail(cause: unknown, batch: Batch): void {
    this.#failure = cause instanceof LogFailedError ? cause : new LogFailedError(cause)
    const failed = [batch, ...this.#waiting, ...(this.#gathering ? [this.#gathering] : [])]
    this.#waiting = []
    this.#gathering = undefined
    this.#queued = 0
    for (const b of failed) b.reject(this.#failure)
  }
}
