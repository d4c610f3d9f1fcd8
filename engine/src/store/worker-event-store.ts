// PGlite off the engine's thread. PGlite is PostgreSQL in WASM, run synchronously on the thread
// that calls it: appending a fill event with its trade costs that thread ~50 µs (measured in
// bench/store-append.bench.ts), so at 20,000 events/s the engine would have no time left for
// orders. Here the database runs in a worker thread; the engine's thread checks each batch,
// writes its frame to the journal (batch-journal.ts: that is when it is durable, as durable as a
// PGlite commit) and hands the thread every ingest interval the frames gathered, as one commit:
// a commit costs PGlite's thread far more than the rows in it, so at 5,000 orders/s handing
// batches over back to back kept that thread ~30% busy, and every 50 ms ~7% (measured with
// /proc/<pid>/task/*/schedstat under bench/gateway-orders.bench.ts), CPU the engine's thread and
// the V8 helper threads (which run PGlite's collections, at full priority) get back on 2 cores.
import { Worker } from 'node:worker_threads'
import { SequenceConflictError, StorageError } from '../errors.js'
import { BatchJournal, encodeFrame, journalPath } from './batch-journal.js'
import type { Candle, LoggedEvent, PagedEventStore, TradeRecord } from './event-store.js'
import { readPaged } from './event-store.js'
import { encodeBatch, type EncodedBatch } from './log-batch.js'
import { defaultDataDir } from './pglite-event-store.js'
import { deserializeError, type StoreOperation, type StoreRequest, type StoreResponse } from './store-thread-protocol.js'

interface Waiting {
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

/** Journaled events PGlite may lag behind by before appends wait for it (about 2.5 s at 20,000/s). */
export const MAX_INGEST_LAG = 50_000

const JOURNAL_RESTART_BYTES = 8 << 20

/** How long journaled batches gather before PGlite takes them in (reads do not wait for it). */
export const INGEST_INTERVAL_MS = 50

/** A batch in the journal that PGlite has not been handed yet: its frame's bytes (off the JS heap). */
interface JournaledBatch {
  firstSeq: number
  lastSeq: number
  frame: Uint8Array
}

/** Someone waiting for PGlite to have taken in the log up to `seq`. */
interface IngestWaiter {
  seq: number
  resolve: () => void
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
  #journal: BatchJournal | undefined
  /** The last seq journaled, and each stream's last stream seq: what an append must continue. */
  #lastSeq = 0
  #streams = new Map<string, number>()
  /** The last seq PGlite has committed; batches journaled after it, not yet handed over. */
  #ingestedSeq = 0
  #unposted: JournaledBatch[] = []
  #posting = false
  #postTimer: NodeJS.Timeout | undefined
  #ingestWaiters: IngestWaiter[] = []
  #failure: StorageError | undefined
  #journalBytes = 0

  readonly #journalRestartBytes: number
  readonly #ingestIntervalMs: number

  /**
   * `journalRestartBytes`: past this size the journal starts afresh with only what PGlite lacks
   * (default 8 MB). `ingestIntervalMs`: how long batches gather before PGlite takes them in
   * (default INGEST_INTERVAL_MS; a read, a close or the MAX_INGEST_LAG bound hands them over at once).
   */
  constructor(options: { dataDir?: string; journalRestartBytes?: number; ingestIntervalMs?: number } = {}) {
    this.dataDir = options.dataDir ?? defaultDataDir()
    this.#journalRestartBytes = options.journalRestartBytes ?? JOURNAL_RESTART_BYTES
    this.#ingestIntervalMs = options.ingestIntervalMs ?? INGEST_INTERVAL_MS
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
      await this.#call('open') // which takes in what the journal held (PgliteEventStore.open)
      const journal = new BatchJournal(journalPath(this.dataDir), { spareAhead: true })
      journal.open()
      this.#journal = journal
      this.#journalBytes = 0
      this.#failure = undefined
      this.#lastSeq = this.#ingestedSeq = (await this.#call('lastSeq')) as number
      this.#streams = new Map((await this.#call('streamPositions')) as Array<[string, number]>)
    } catch (err) {
      const journal = this.#journal
      this.#journal = undefined
      await journal?.close()
      await worker.terminate()
      throw err
    }
  }

  /**
   * See EventStore.append: checked here against the log (nothing is written when it does not
   * continue it), journaled, and resolved once journaled; PGlite takes it in behind, unless it
   * lags by more than MAX_INGEST_LAG events, when this waits for it to catch up.
   */
  append(events: readonly LoggedEvent[], trades: readonly TradeRecord[]): Promise<void> {
    const journal = this.#journal
    if (!journal) return Promise.reject(new StorageError(`${this.describe()}: store is not open`))
    if (this.#failure) return Promise.reject(this.#failure)
    let batch: EncodedBatch
    try {
      batch = encodeBatch(events, trades)
      if (batch.text === '') return Promise.resolve()
      this.#checkContinues(batch)
    } catch (err) {
      return Promise.reject(err)
    }
    let frame: Uint8Array
    try {
      frame = encodeFrame(batch)
      this.#journalBytes += journal.append(frame)
    } catch (err) {
      // Whether any of it reached the file is unknown: nothing more may be appended after it.
      this.#failure = new StorageError(`${this.describe()}: journal write failed: ${(err as Error).message}`, { cause: err })
      return Promise.reject(this.#failure)
    }
    this.#lastSeq = batch.lastSeq
    for (const s of batch.streams) this.#streams.set(s.stream, s.last)
    this.#unposted.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, frame })
    this.#schedulePost()
    return this.#lastSeq - this.#ingestedSeq > MAX_INGEST_LAG ? this.#ingested(batch.lastSeq) : Promise.resolve()
  }

  // The log's own checks, made here because a batch is acknowledged before PGlite sees it.
  #checkContinues(batch: EncodedBatch): void {
    if (batch.firstSeq !== this.#lastSeq + 1) throw new SequenceConflictError(`the log ends at seq ${this.#lastSeq}: a batch of seq ${batch.firstSeq}..${batch.lastSeq} would leave a gap or overlap`)
    for (const s of batch.streams) {
      const last = this.#streams.get(s.stream) ?? 0
      if (s.first <= last) throw new SequenceConflictError(`stream ${s.stream} is at seq ${last}: a batch cannot give it seq ${s.first} again`)
    }
  }

  // PGlite takes in what has gathered once the interval is up, or at once when someone waits.
  #schedulePost(): void {
    if (this.#posting || this.#unposted.length === 0) return
    if (this.#ingestWaiters.length > 0) return this.#post()
    this.#postTimer ??= setTimeout(() => this.#post(), this.#ingestIntervalMs).unref()
  }

  // Hands PGlite everything journaled and not yet handed over, as one commit; one at a time.
  // The frames' buffers move to its thread (transferred, not copied).
  #post(): void {
    clearTimeout(this.#postTimer)
    this.#postTimer = undefined
    if (this.#posting || this.#unposted.length === 0) return
    const frames = this.#unposted.map((b) => b.frame)
    const batch = { firstSeq: this.#unposted[0]!.firstSeq, lastSeq: this.#unposted.at(-1)!.lastSeq }
    this.#unposted = []
    this.#posting = true
    this.#call('appendFrames', [frames], frames.map((f) => f.buffer as ArrayBuffer)).then(
      () => {
        this.#posting = false
        this.#ingestedSeq = batch.lastSeq
        this.#ingestWaiters = this.#ingestWaiters.filter((w) => (w.seq <= batch.lastSeq ? (w.resolve(), false) : true))
        // Nothing is in flight now: PGlite has all but the batches not yet handed over.
        if (this.#journalBytes > this.#journalRestartBytes) this.#restartJournal()
        this.#schedulePost()
      },
      (err: unknown) => {
        // Journaled (so acknowledged) but refused: stop here. Reopening takes it in from the journal.
        this.#posting = false
        this.#failure = new StorageError(`${this.describe()}: PGlite did not take in journaled seq ${batch.firstSeq}..${batch.lastSeq}: ${(err as Error).message}`, { cause: err })
        for (const w of this.#ingestWaiters) w.reject(this.#failure)
        this.#ingestWaiters = []
      },
    )
  }

  #restartJournal(): void {
    try {
      this.#journalBytes = this.#journal?.restart(this.#unposted.map((b) => b.frame)) ?? 0
    } catch (err) {
      // The old journal (renamed over only on success) still holds everything: appends go on there.
      process.emitWarning(`${this.describe()}: could not restart the journal: ${(err as Error).message}`)
    }
  }

  /** Resolves once PGlite holds the log up to `seq` (reads wait for this, so they see every append). */
  #ingested(seq: number): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure)
    if (this.#ingestedSeq >= seq) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.#ingestWaiters.push({ seq, resolve, reject })
      this.#schedulePost()
    })
  }

  // A read (or snapshot) of the log as appended so far.
  async #read(op: StoreOperation, ...args: unknown[]): Promise<unknown> {
    await this.#ingested(this.#lastSeq)
    return this.#call(op, args)
  }

  /** See EventStore.readEvents. */
  readEvents(after: number): AsyncGenerator<LoggedEvent> {
    return readPaged(this, after)
  }

  /** See PagedEventStore.readPage. */
  readPage(after: number, limit: number): Promise<LoggedEvent[]> {
    return this.#read('readPage', after, limit) as Promise<LoggedEvent[]>
  }

  /** See EventStore.lastSeq. */
  lastSeq(): Promise<number> {
    return this.#read('lastSeq') as Promise<number>
  }

  /** See EventStore.saveSnapshot. */
  saveSnapshot(seq: number, state: string): Promise<void> {
    return this.#read('saveSnapshot', seq, state) as Promise<void>
  }

  /** See EventStore.latestSnapshot. */
  latestSnapshot(): Promise<{ seq: number; state: string } | undefined> {
    return this.#read('latestSnapshot') as Promise<{ seq: number; state: string } | undefined>
  }

  /** See EventStore.candles. */
  candles(market: string, bucketMs: number, from: number, to: number): Promise<Candle[]> {
    return this.#read('candles', market, bucketMs, from, to) as Promise<Candle[]>
  }

  /** See PagedEventStore.appliedMigrations. */
  appliedMigrations(): Promise<number[]> {
    return this.#call('appliedMigrations') as Promise<number[]>
  }

  /** Lets PGlite take in the journal, closes the store in the worker (releasing the data
   *  directory) and ends the thread. */
  async close(): Promise<void> {
    if (!this.#worker) return
    await this.#ingested(this.#lastSeq).catch(() => undefined) // a failed log stays in the journal
    const journal = this.#journal
    this.#journal = undefined
    await journal?.close()
    await this.#call('close')
    await this.#exited
  }

  #call(op: StoreOperation, args: unknown[] = [], transfer: ArrayBuffer[] = []): Promise<unknown> {
    const worker = this.#worker
    if (!worker) return Promise.reject(new StorageError(`${this.describe()}: store is not open`))
    const request: StoreRequest = { id: this.#nextId++, op, args }
    return new Promise((resolve, reject) => {
      this.#waiting.set(request.id, { resolve, reject })
      worker.postMessage(request, transfer)
    })
  }
}
