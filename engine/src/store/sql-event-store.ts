// The event store over any PostgreSQL session (PGlite or a server): migrations, appends, reads,
// snapshots and candles, with the same statements for both.
import { EngineError, InvalidInputError, SequenceConflictError, StorageError } from '../errors.js'
import type { Candle, LoggedEvent, PagedEventStore, TradeRecord } from './event-store.js'
import { readPaged } from './event-store.js'
import { CANDLE_BASE_MS, decodeBatch, encodeBatch, type EncodedBatch } from './log-batch.js'
import {
  APPEND_SQL,
  APPLIED_MIGRATIONS_SQL,
  CREATE_MIGRATIONS_TABLE_SQL,
  HAS_TIMESCALEDB_SQL,
  LAST_SEQ_SQL,
  LATEST_SNAPSHOT_SQL,
  LOCK_MIGRATIONS_SQL,
  MIGRATIONS,
  READ_BATCHES_SQL,
  RECORD_MIGRATION_SQL,
  SAVE_SNAPSHOT_SQL,
  STREAM_POSITIONS_SQL,
  candlesSql,
  type BucketFunction,
  type Migration,
} from './schema.js'
import type { SqlClient, SqlSession } from './sql-client.js'

// bigint columns come back as strings (pg), numbers or bigints (PGlite): all become numbers here.
type Int = string | number | bigint

interface BatchRow { first_seq: Int; events: string }
interface CandleRow { bucket_start: Int; open: string; high: string; low: string; close: string; base_volume: string; quote_volume: string; trades: Int }

/**
 * The EventStore implementation both stores share; a subclass only says how to connect and how
 * to name the database in messages.
 */
export abstract class SqlEventStore implements PagedEventStore {
  abstract readonly kind: 'pglite' | 'postgres'
  #client: SqlClient | undefined
  #opening: Promise<void> | undefined
  #bucket: BucketFunction = 'date_bin'

  /** Opens the connection (or pool); called once by open(). */
  protected abstract connect(): Promise<SqlClient>

  /** A reader beside the writer (a replica): open() checks the schema instead of migrating it. */
  protected get readOnly(): boolean {
    return false
  }

  /** See PagedEventStore.describe. */
  abstract describe(): string

  /** Which function groups trades into candles: time_bucket when TimescaleDB is installed. */
  get bucketFunction(): BucketFunction {
    return this.#bucket
  }

  /** Connects and applies the pending migrations in one transaction. */
  open(): Promise<void> {
    if (this.#client) return Promise.resolve()
    // Two calls at once share one connection attempt.
    this.#opening ??= this.#connectAndMigrate().finally(() => (this.#opening = undefined))
    return this.#opening
  }

  async #connectAndMigrate(): Promise<void> {
    const client = await this.connect()
    try {
      if (this.readOnly) await checkMigrated(client, MIGRATIONS)
      else await client.transaction((session) => applyMigrations(session, MIGRATIONS))
      const [row] = await client.query<{ n: Int }>(HAS_TIMESCALEDB_SQL)
      this.#bucket = Number(row?.n) > 0 ? 'time_bucket' : 'date_bin'
    } catch (err) {
      await client.close().catch(() => undefined)
      throw this.#wrap('open', err)
    }
    this.#client = client
  }

  /** Appends one batch in one statement; see EventStore.append. */
  async append(events: readonly LoggedEvent[], trades: readonly TradeRecord[]): Promise<void> {
    this.#open()
    return this.appendEncoded(encodeBatch(events, trades))
  }

  /** Writes a batch encodeBatch has checked and encoded (a worker thread's store gets it so). */
  async appendEncoded(batch: EncodedBatch): Promise<void> {
    const client = this.#open()
    if (batch.text === '') return
    const { firstSeq, lastSeq } = batch
    let rows: { last_seq: Int; appended: Int }[]
    try {
      rows = await client.queryPrepared('fluxion_append_batch', APPEND_SQL, appendParams(batch))
    } catch (err) {
      throw this.#wrap('append', err)
    }
    const row = rows[0]
    if (Number(row?.appended) === 1) return
    const last = Number(row?.last_seq)
    if (last !== firstSeq - 1) throw new SequenceConflictError(`the log ends at seq ${last}: a batch of seq ${firstSeq}..${lastSeq} would leave a gap or overlap`)
    throw new SequenceConflictError(`a batch of seq ${firstSeq}..${lastSeq} repeats a stream seq the log already has (streams: ${batch.streams.map((s) => `${s.stream} from ${s.first}`).join(', ')})`)
  }

  /** Pages through the log by seq; see EventStore.readEvents. */
  readEvents(after: number): AsyncGenerator<LoggedEvent> {
    return readPaged(this, after)
  }

  /** See PagedEventStore.readPage. */
  async readPage(after: number, limit: number): Promise<LoggedEvent[]> {
    const client = this.#open()
    let rows: BatchRow[]
    try {
      rows = await client.query<BatchRow>(READ_BATCHES_SQL, [after, limit])
    } catch (err) {
      throw this.#wrap('read', err)
    }
    const out: LoggedEvent[] = []
    for (const r of rows) {
      for (const e of decodeBatch(Number(r.first_seq), r.events)) if (e.seq > after && out.length < limit) out.push(e)
    }
    return out
  }

  /** Each stream's last stream seq in the log (the WorkerEventStore checks appends against them). */
  async streamPositions(): Promise<Array<[stream: string, lastStreamSeq: number]>> {
    const client = this.#open()
    try {
      return (await client.query<{ stream: string; last_stream_seq: Int }>(STREAM_POSITIONS_SQL)).map((r) => [r.stream, Number(r.last_stream_seq)])
    } catch (err) {
      throw this.#wrap('streamPositions', err)
    }
  }

  /** See EventStore.lastSeq. */
  async lastSeq(): Promise<number> {
    const client = this.#open()
    try {
      const [row] = await client.query<{ seq: Int }>(LAST_SEQ_SQL)
      return Number(row?.seq ?? 0)
    } catch (err) {
      throw this.#wrap('lastSeq', err)
    }
  }

  /** See EventStore.saveSnapshot; rejects a seq the log has not reached. */
  async saveSnapshot(seq: number, state: string): Promise<void> {
    const client = this.#open()
    if (!Number.isSafeInteger(seq) || seq < 0) throw new InvalidInputError(`snapshot seq ${seq} is not a non-negative integer`)
    let rows: unknown[]
    try {
      rows = await client.query(SAVE_SNAPSHOT_SQL, [seq, state])
    } catch (err) {
      throw this.#wrap('saveSnapshot', err)
    }
    if (rows.length === 0) throw new SequenceConflictError(`snapshot at seq ${seq} is ahead of the log`)
  }

  /** See EventStore.latestSnapshot. */
  async latestSnapshot(): Promise<{ seq: number; state: string } | undefined> {
    const client = this.#open()
    try {
      const [row] = await client.query<{ seq: Int; state: string }>(LATEST_SNAPSHOT_SQL)
      return row ? { seq: Number(row.seq), state: row.state } : undefined
    } catch (err) {
      throw this.#wrap('latestSnapshot', err)
    }
  }

  /** See EventStore.candles. */
  async candles(market: string, bucketMs: number, from: number, to: number): Promise<Candle[]> {
    const client = this.#open()
    if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0 || bucketMs % CANDLE_BASE_MS !== 0) throw new InvalidInputError(`bucket ${bucketMs} ms is not a positive whole number of seconds`)
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new InvalidInputError(`candle range [${from}, ${to}) is not in whole ms`)
    if (from >= to) return []
    let rows: CandleRow[]
    try {
      rows = await client.query<CandleRow>(candlesSql(this.#bucket), [market, bucketMs, from, to])
    } catch (err) {
      throw this.#wrap('candles', err)
    }
    return rows.map((r) => ({
      market,
      bucketStart: Number(r.bucket_start),
      open: r.open,
      high: r.high,
      low: r.low,
      close: r.close,
      baseVolume: r.base_volume,
      quoteVolume: r.quote_volume,
      trades: Number(r.trades),
    }))
  }

  /** See PagedEventStore.appliedMigrations. */
  async appliedMigrations(): Promise<number[]> {
    const client = this.#open()
    try {
      return (await client.query<{ version: Int }>(APPLIED_MIGRATIONS_SQL)).map((r) => Number(r.version))
    } catch (err) {
      throw this.#wrap('appliedMigrations', err)
    }
  }

  /** Closes the connection; the store can be opened again. */
  async close(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    if (client) await client.close()
  }

  #open(): SqlClient {
    if (!this.#client) throw new StorageError(`${this.describe()}: store is not open`)
    return this.#client
  }

  #wrap(operation: string, err: unknown): EngineError {
    if (err instanceof EngineError) return err
    return new StorageError(`${this.describe()}: ${operation} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
}

const appliedVersions = async (session: SqlSession): Promise<Set<number>> =>
  new Set((await session.query<{ version: Int }>(APPLIED_MIGRATIONS_SQL)).map((r) => Number(r.version)))

/** A reader migrates nothing: the log must already be at this code's schema version. */
async function checkMigrated(session: SqlSession, migrations: readonly Migration[]): Promise<void> {
  const applied = await appliedVersions(session)
  const missing = migrations.filter((m) => !applied.has(m.version)).map((m) => m.version)
  if (missing.length > 0) throw new StorageError(`the log lacks schema migrations ${missing.join(', ')}: start (or upgrade) the engine first`)
}

/** Applies, in order, the migrations not yet recorded; the caller holds the transaction. */
async function applyMigrations(session: SqlSession, migrations: readonly Migration[]): Promise<void> {
  await session.query(LOCK_MIGRATIONS_SQL)
  await session.exec(CREATE_MIGRATIONS_TABLE_SQL)
  const applied = await appliedVersions(session)
  for (const m of migrations) {
    if (applied.has(m.version)) continue
    await session.exec(m.sql)
    await session.query(RECORD_MIGRATION_SQL, [m.version, m.name])
  }
}

// APPEND_SQL's parameters. Numbers go as array literals (checked integers, so nothing to quote),
// text as newline-joined lists (checked to hold no newline).
const integers = (values: readonly (number | bigint)[]) => `{${values.join(',')}}`
const lines = (values: readonly string[]) => values.join('\n')

function appendParams(b: EncodedBatch): string[] {
  const c = b.candles
  return [
    String(b.firstSeq),
    String(b.lastSeq),
    b.text,
    lines(b.streams.map((s) => s.stream)),
    integers(b.streams.map((s) => s.first)),
    integers(b.streams.map((s) => s.last)),
    lines(c.map((d) => d.market)),
    integers(c.map((d) => d.bucketStart)),
    integers(c.map((d) => d.open)),
    integers(c.map((d) => d.high)),
    integers(c.map((d) => d.low)),
    integers(c.map((d) => d.close)),
    integers(c.map((d) => d.baseVolume)),
    integers(c.map((d) => d.quoteVolume)),
    integers(c.map((d) => d.trades)),
  ]
}
