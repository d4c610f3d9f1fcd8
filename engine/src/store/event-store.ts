// The durable event log's contract: what the engine appends and reads back, whichever database
// holds it (PGlite in a data directory, or a PostgreSQL server).
import { InvalidInputError, SequenceConflictError } from '../errors.js'

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

/** A fill, kept beside the events for candles. Decimal strings in WAD (1e18) units. */
export interface TradeRecord {
  /** The seq of the event that made this fill. */
  seq: number
  market: string
  ts: number
  price: string
  baseAmount: string
  quoteAmount: string
  side: 'buy' | 'sell'
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
  /** Appends events (and their trades) in ONE transaction; resolves only once durable. Seqs must continue the log without gaps (reject otherwise, nothing written). */
  append(events: readonly LoggedEvent[], trades: readonly TradeRecord[]): Promise<void>
  /** Events with seq > after, ascending, paged internally. */
  readEvents(after: number): AsyncIterable<LoggedEvent>
  /** The seq of the last event, 0 when the log is empty. */
  lastSeq(): Promise<number>
  /** Stores the serialised state as of `seq` (which must be in the log); replaces one at the same seq. */
  saveSnapshot(seq: number, state: string): Promise<void>
  /** The snapshot with the highest seq, if any. */
  latestSnapshot(): Promise<{ seq: number; state: string } | undefined>
  /** OHLCV per time bucket (bucketMs) for [from, to), from the trades table; prices compared numerically (numeric(78,0)). */
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

/** Rows per page when reading the log back. */
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

/** numeric(78,0) silently rounds a fraction away, so amounts must already be whole WAD integers. */
const WAD_INTEGER = /^[0-9]{1,78}$/

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 1
const isMs = (n: number) => Number.isSafeInteger(n)
// Stores send texts as newline-joined lists (where '' would be no element at all); JSON text
// from JSON.stringify never holds a raw newline.
const singleLine = (text: unknown): boolean => typeof text === 'string' && text.length > 0 && !text.includes('\n')

/**
 * Checks what can be checked without the database, so a store can trust every value it sends:
 * seqs strictly consecutive within the batch (else SequenceConflictError), every trade belonging
 * to an event of the batch, integers where integers go, amounts as WAD integer strings, sides
 * buy or sell, texts non-empty and on one line (else InvalidInputError).
 */
export function checkBatch(events: readonly LoggedEvent[], trades: readonly TradeRecord[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!
    if (!isCount(e.seq)) throw new SequenceConflictError(`seq ${e.seq} is not a positive integer`)
    if (i > 0 && e.seq !== events[i - 1]!.seq + 1) {
      throw new SequenceConflictError(`batch is not consecutive: seq ${e.seq} follows ${events[i - 1]!.seq}`)
    }
    if (!isCount(e.streamSeq)) throw new InvalidInputError(`event ${e.seq}: stream seq ${e.streamSeq} is not a positive integer`)
    if (!isMs(e.ts)) throw new InvalidInputError(`event ${e.seq}: ts ${e.ts} is not a whole number of ms`)
    if (!singleLine(e.stream) || !singleLine(e.type) || !singleLine(e.body)) throw new InvalidInputError(`event ${e.seq}: stream, type and body must be non-empty single-line text`)
  }
  if (trades.length === 0) return
  const first = events[0]?.seq
  const last = events[events.length - 1]?.seq
  for (const t of trades) {
    if (first === undefined || last === undefined || !Number.isSafeInteger(t.seq) || t.seq < first || t.seq > last) {
      throw new SequenceConflictError(`trade for seq ${t.seq} has no event in this batch`)
    }
    if (!isMs(t.ts)) throw new InvalidInputError(`trade for seq ${t.seq}: ts ${t.ts} is not a whole number of ms`)
    for (const [name, v] of [['price', t.price], ['baseAmount', t.baseAmount], ['quoteAmount', t.quoteAmount]] as const) {
      if (typeof v !== 'string' || !WAD_INTEGER.test(v)) throw new InvalidInputError(`trade for seq ${t.seq}: ${name} ${JSON.stringify(v)} is not a non-negative integer in WAD units`)
    }
    if (!singleLine(t.market)) throw new InvalidInputError(`trade for seq ${t.seq}: market must be non-empty single-line text`)
    if (t.side !== 'buy' && t.side !== 'sell') throw new InvalidInputError(`trade for seq ${t.seq}: side ${JSON.stringify(t.side)} is neither buy nor sell`)
  }
}
