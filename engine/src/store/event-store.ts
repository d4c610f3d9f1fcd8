// The durable event log's contract: what the engine appends and reads back, whichever database
// holds it (PGlite in a data directory, or a PostgreSQL server).

/** One event of the log as stored: the engine serialises `body` (JSON text, bigints as decimal strings). */
export interface LoggedEvent {
  /** Global position in the log: 1-based and gapless. */
  seq: number
  /** Market symbol, or 'accounts'. */
  stream: string
  /** Position within `stream`: 1-based. */
  streamSeq: number
  type: string
  /** Milliseconds since the epoch. */
  ts: number
  /** Stored and returned byte for byte (replay hashes it), so it is text, not jsonb. */
  body: string
}

/** A fill as the candles see it: its event's seq, the market, when, and the amounts (WAD units). */
export interface TradeRecord {
  /** The seq of the event that made this fill. */
  seq: number
  market: string
  ts: number
  /** Quote per base. */
  price: bigint
  baseAmount: bigint
  quoteAmount: bigint
}

/** One OHLCV bar: prices and volumes as decimal strings in WAD units. */
export interface Candle {
  market: string
  /** Start of the bucket, ms since the epoch (buckets are aligned to the epoch). */
  bucketStart: number
  open: string
  high: string
  low: string
  close: string
  baseVolume: string
  quoteVolume: string
  trades: number
}

/** The durable event log with its trades and snapshots. */
export interface EventStore {
  readonly kind: 'pglite' | 'postgres'
  /** Applies migrations (idempotent, versioned in a schema_migrations table). */
  open(): Promise<void>
  /** Appends events (and their trades) in ONE transaction; resolves only once durable. Seqs must continue the log without gaps and each stream's seqs must go up (reject otherwise, nothing written). */
  append(events: readonly LoggedEvent[], trades: readonly TradeRecord[]): Promise<void>
  /** Events with seq > after, ascending, paged internally. */
  readEvents(after: number): AsyncIterable<LoggedEvent>
  /** The seq of the last event, 0 when the log is empty. */
  lastSeq(): Promise<number>
  /** Stores the serialised state as of `seq` (which must be in the log); replaces one at the same seq. */
  saveSnapshot(seq: number, state: string): Promise<void>
  /** The snapshot with the highest seq, if any. */
  latestSnapshot(): Promise<{ seq: number; state: string } | undefined>
  /** OHLCV per time bucket (bucketMs, a whole number of seconds) for [from, to), folded from the
   *  stored one-second candles (a second that overlaps the range counts whole); prices compared
   *  numerically (numeric(78,0)). */
  candles(market: string, bucketMs: number, from: number, to: number): Promise<Candle[]>
  close(): Promise<void>
}

/** What the stores here offer beyond EventStore: page reads (across threads), schema status, a name. */
export interface PagedEventStore extends EventStore {
  /** Up to `limit` events with seq > after, ascending: one page of readEvents. */
  readPage(after: number, limit: number): Promise<LoggedEvent[]>
  /** The schema versions recorded in schema_migrations, ascending. */
  appliedMigrations(): Promise<number[]>
  /** Names the database for messages, without secrets. */
  describe(): string
}

/** Events per page when reading the log back. */
export const READ_PAGE = 2000

/** readEvents in terms of readPage: keyset paging on seq. */
export async function* readPaged(store: Pick<PagedEventStore, 'readPage'>, after: number): AsyncGenerator<LoggedEvent> {
  let cursor = after
  for (;;) {
    const page = await store.readPage(cursor, READ_PAGE)
    yield* page
    if (page.length < READ_PAGE) return
    cursor = page[page.length - 1]!.seq
  }
}
