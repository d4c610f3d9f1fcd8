// PGlite off the engine's thread. PGlite is PostgreSQL in WASM, run synchronously on the thread
// that calls it: appending a fill event with its trade costs that thread ~50 µs (measured in
// bench/store-append.bench.ts), so at 20,000 events/s the engine would have no time left for
// orders. Here the database runs in a worker thread and the engine only posts batches to it.
import { Worker } from 'node:worker_threads'
import { StorageError } from '../errors.js'
import type { Candle, LoggedEvent, PagedEventStore, TradeRecord } from './event-store.js'
import { readPaged } from './event-store.js'
import { encodeBatch, type EncodedBatch } from './log-batch.js'
import { defaultDataDir } from './pglite-event-store.js'
import { deserializeError, type StoreOperation, type StoreRequest, type StoreResponse } from './store-thread-protocol.js'

interface Waiting {
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

/** A PgliteEventStore running in a worker thread, behind the same interface. */
export class WorkerEventStore implements PagedEventStore {
  readonly kind = 'pglite' as const
  readonly dataDir: string
  #worker: Worker | undefined
  #exited: Promise<void> = Promise.resolve()
  #nextId = 1
  readonly #waiting = new Map<number, Waiting>()

  constructor(options: { dataDir?: string } = {}) {
    this.dataDir = options.dataDir ?? defaultDataDir()
  }

  /** Names the data directory (and the thread) in messages. */
  describe(): string {
    return `PGlite at ${this.dataDir} (worker thread)`
  }

  /** Starts the thread, then opens and migrates the store in it. */
  async open(): Promise<void> {
    if (this.#worker) return
    const worker = new Worker(new URL('./pglite-thread.worker.mjs', import.meta.url), { workerData: { dataDir: this.dataDir } })
    this.#worker = worker
    worker.on('message', (response: StoreResponse) => {
      const waiting = this.#waiting.get(response.id)
      if (!waiting) return
      this.#waiting.delete(response.id)
      if (response.ok) waiting.resolve(response.value)
      else waiting.reject(deserializeError(response.error))
    })
    // A thread that dies takes every unanswered request with it: they fail, nothing hangs.
    const fail = (reason: string) => {
      if (this.#worker === worker) this.#worker = undefined
      for (const waiting of this.#waiting.values()) waiting.reject(new StorageError(`${this.describe()}: ${reason}`))
      this.#waiting.clear()
    }
    worker.on('error', (err) => fail(`worker thread failed: ${err.message}`))
    this.#exited = new Promise((resolve) => worker.on('exit', (code) => (fail(`worker thread exited (code ${code})`), resolve())))
    try {
      await this.#call('open')
    } catch (err) {
      await worker.terminate()
      throw err
    }
  }

  /** See EventStore.append: checked and encoded here, resolves once PGlite has committed in the worker. */
  append(events: readonly LoggedEvent[], trades: readonly TradeRecord[]): Promise<void> {
    if (!this.#worker) return Promise.reject(new StorageError(`${this.describe()}: store is not open`))
    let batch: EncodedBatch
    try {
      batch = encodeBatch(events, trades)
    } catch (err) {
      return Promise.reject(err)
    }
    return batch.text === '' ? Promise.resolve() : (this.#call('appendEncoded', batch) as Promise<void>)
  }

  /** See EventStore.readEvents. */
  readEvents(after: number): AsyncGenerator<LoggedEvent> {
    return readPaged(this, after)
  }

  /** See PagedEventStore.readPage. */
  readPage(after: number, limit: number): Promise<LoggedEvent[]> {
    return this.#call('readPage', after, limit) as Promise<LoggedEvent[]>
  }

  /** See EventStore.lastSeq. */
  lastSeq(): Promise<number> {
    return this.#call('lastSeq') as Promise<number>
  }

  /** See EventStore.saveSnapshot. */
  saveSnapshot(seq: number, state: string): Promise<void> {
    return this.#call('saveSnapshot', seq, state) as Promise<void>
  }

  /** See EventStore.latestSnapshot. */
  latestSnapshot(): Promise<{ seq: number; state: string } | undefined> {
    return this.#call('latestSnapshot') as Promise<{ seq: number; state: string } | undefined>
  }

  /** See EventStore.candles. */
  candles(market: string, bucketMs: number, from: number, to: number): Promise<Candle[]> {
    return this.#call('candles', market, bucketMs, from, to) as Promise<Candle[]>
  }

  /** See PagedEventStore.appliedMigrations. */
  appliedMigrations(): Promise<number[]> {
    return this.#call('appliedMigrations') as Promise<number[]>
  }

  /** Closes the store in the worker (releasing the data directory) and ends the thread. */
  async close(): Promise<void> {
    if (!this.#worker) return
    await this.#call('close')
    await this.#exited
  }

  #call(op: StoreOperation, ...args: unknown[]): Promise<unknown> {
    const worker = this.#worker
    if (!worker) return Promise.reject(new StorageError(`${this.describe()}: store is not open`))
    const request: StoreRequest = { id: this.#nextId++, op, args }
    return new Promise((resolve, reject) => {
      this.#waiting.set(request.id, { resolve, reject })
      worker.postMessage(request)
    })
  }
}
