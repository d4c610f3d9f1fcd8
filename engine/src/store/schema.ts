// The one schema and the one set of statements both stores run: PGlite is PostgreSQL compiled to
// WASM, so the same SQL serves the embedded default and a PostgreSQL server.

/** A numbered schema change. Applied once, in order, recorded in schema_migrations. */
export interface Migration {
  version: number
  name: string
  /** One or more statements, run inside the migration transaction. */
  sql: string
}

/** Every schema change, oldest first. Append new ones; never edit an applied one. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, trades, snapshots',
    sql: `
      CREATE TABLE events (
        seq        bigint PRIMARY KEY CHECK (seq > 0),
        stream     text   NOT NULL,
        stream_seq bigint NOT NULL CHECK (stream_seq > 0),
        type       text   NOT NULL,
        ts         bigint NOT NULL,   -- ms since the epoch, exactly as the engine stamped it
        body       text   NOT NULL,   -- text, not jsonb: replay hashes the bytes the engine wrote
        UNIQUE (stream, stream_seq)
      );
      -- No foreign key to events: a trade only ever arrives in the same statement as its event,
      -- and the check would cost on every append.
      CREATE TABLE trades (
        market       text          NOT NULL,
        ts           timestamptz   NOT NULL,
        seq          bigint        NOT NULL,
        ordinal      integer       NOT NULL,   -- order of the fills within one event
        price        numeric(78,0) NOT NULL,
        base_amount  numeric(78,0) NOT NULL,
        quote_amount numeric(78,0) NOT NULL,
        side         text          NOT NULL CHECK (side IN ('buy', 'sell')),
        -- Leads with (market, ts) for candle scans, and includes ts as a hypertable requires.
        PRIMARY KEY (market, ts, seq, ordinal)
      );
      CREATE TABLE snapshots (
        seq        bigint      PRIMARY KEY,
        state      text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'trades as a TimescaleDB hypertable when the server has the extension',
    sql: `
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
          BEGIN
            CREATE EXTENSION IF NOT EXISTS timescaledb;
          EXCEPTION WHEN others THEN
            -- Packaged but not loadable (e.g. missing from shared_preload_libraries): plain tables.
            RAISE NOTICE 'timescaledb is available but could not be created (%); trades stay a plain table', SQLERRM;
            RETURN;
          END;
          PERFORM create_hypertable('trades', 'ts', if_not_exists => true, migrate_data => true);
        END IF;
      END
      $$;
    `,
  },
  {
    version: 3,
    name: 'one row per group-commit batch, stream positions, one-second candles instead of trades',
    sql: `
      -- A batch's events as lines of "stream, stream seq, type, ts, body" (tab-separated): the
      -- database stores one row per commit instead of a row and three index entries per event.
      CREATE TABLE event_batches (
        first_seq bigint PRIMARY KEY CHECK (first_seq > 0),
        last_seq  bigint NOT NULL CHECK (last_seq >= first_seq),
        events    text   NOT NULL
      );
      -- lz4 where the server has it: a quarter of the bytes on disk and in the WAL for little CPU.
      -- Otherwise (PGlite) stored as it is: its only compressor, pglz, would cost more than it saves.
      DO $$
      BEGIN
        ALTER TABLE event_batches ALTER COLUMN events SET COMPRESSION lz4;
      EXCEPTION WHEN others THEN
        ALTER TABLE event_batches ALTER COLUMN events SET STORAGE EXTERNAL;
      END
      $$;
      -- The last stream seq each stream has reached: an append that would repeat one is refused.
      CREATE TABLE streams (
        stream          text   PRIMARY KEY,
        last_stream_seq bigint NOT NULL CHECK (last_stream_seq > 0)
      );
      -- OHLCV per market and second, folded into coarser buckets when read.
      CREATE TABLE candles (
        market       text          NOT NULL,
        bucket_start timestamptz   NOT NULL,
        open         numeric(78,0) NOT NULL,
        high         numeric(78,0) NOT NULL,
        low          numeric(78,0) NOT NULL,
        close        numeric(78,0) NOT NULL,
        base_volume  numeric(78,0) NOT NULL,
        quote_volume numeric(78,0) NOT NULL,
        trades       integer       NOT NULL CHECK (trades > 0),
        PRIMARY KEY (market, bucket_start)
      );
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM events WHERE stream ~ '[\t\n]' OR type ~ '[\t\n]' OR body ~ '\n') THEN
          RAISE EXCEPTION 'the log holds a stream or type with a tab or newline, or a body with a newline: it cannot be moved to event_batches';
        END IF;
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
          PERFORM create_hypertable('candles', 'bucket_start', if_not_exists => true);
        END IF;
      END
      $$;
      INSERT INTO event_batches (first_seq, last_seq, events)
        SELECT seq, seq, concat_ws(E'\t', stream, stream_seq, type, ts, body) FROM events;
      INSERT INTO streams (stream, last_stream_seq) SELECT stream, max(stream_seq) FROM events GROUP BY stream;
      INSERT INTO candles
        SELECT market, date_bin(interval '1 second', ts, timestamptz 'epoch'),
               (array_agg(price ORDER BY seq, ordinal))[1], max(price), min(price),
               (array_agg(price ORDER BY seq DESC, ordinal DESC))[1],
               sum(base_amount), sum(quote_amount), count(*)
        FROM trades GROUP BY 1, 2;
      DROP TABLE events;
      DROP TABLE trades;
      -- The log, an event a row, for people reading it with SQL.
      CREATE VIEW events AS
        SELECT b.first_seq + l.n - 1 AS seq, f[1] AS stream, f[2]::bigint AS stream_seq, f[3] AS type, f[4]::bigint AS ts, f[5] AS body
        FROM event_batches b,
             unnest(string_to_array(b.events, E'\n')) WITH ORDINALITY AS l(line, n),
             regexp_match(l.line, '^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$') AS f;
    `,
  },
]

/** Serialises concurrent openers of one schema (two processes starting at once). */
export const LOCK_MIGRATIONS_SQL = `SELECT pg_advisory_xact_lock(hashtext('fluxion.migrations.' || current_schema()))`

export const CREATE_MIGRATIONS_TABLE_SQL = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`

export const APPLIED_MIGRATIONS_SQL = `SELECT version FROM schema_migrations ORDER BY version`

export const RECORD_MIGRATION_SQL = `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`

/** Whether time_bucket can be used (the extension is installed in this database). */
export const HAS_TIMESCALEDB_SQL = `SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'timescaledb'`

/** A text[] parameter sent as its elements joined by newlines: the stored texts never hold one
 *  (encodeBatch refuses them), and splitting is ~20% cheaper for PGlite than parsing a JSON array. */
const textArray = (n: number) => `string_to_array($${n}, E'\\n')`

/** The log's last seq, 0 when empty (the newest batch, found by the primary key). */
const LAST_SEQ = `coalesce((SELECT last_seq FROM event_batches ORDER BY first_seq DESC LIMIT 1), 0)`

/**
 * Appends one batch in one statement (one round trip, atomic without BEGIN/COMMIT): its row goes
 * in only if it starts right after the log's last seq ($1 = first seq, $2 = last) and no stream
 * goes back ($4..$6: each stream's first and last seq in the batch), so a gap, an overlap or a
 * repeated stream seq writes nothing. The same condition moves the streams' positions and adds
 * the batch's one-second candle deltas ($7..$15, columns as arrays through unnest; PostgreSQL
 * runs every data-modifying WITH part whether or not the final SELECT reads it). Returns the
 * log's previous last seq and the rows appended (1, or 0 when refused).
 */
export const APPEND_SQL = `
  WITH last AS (SELECT ${LAST_SEQ} AS seq),
  batch_streams AS (SELECT * FROM unnest(${textArray(4)}, $5::bigint[], $6::bigint[]) AS s(stream, first, last)),
  streams_in_order AS (
    SELECT NOT EXISTS (SELECT 1 FROM streams JOIN batch_streams b USING (stream) WHERE streams.last_stream_seq >= b.first) AS ok
  ),
  continues AS (SELECT 1 FROM last, streams_in_order WHERE last.seq = $1::bigint - 1 AND streams_in_order.ok),
  inserted AS (
    INSERT INTO event_batches (first_seq, last_seq, events)
    SELECT $1::bigint, $2::bigint, $3::text WHERE EXISTS (SELECT 1 FROM continues)
    RETURNING 1
  ),
  moved_streams AS (
    INSERT INTO streams (stream, last_stream_seq)
    SELECT stream, last FROM batch_streams WHERE EXISTS (SELECT 1 FROM continues)
    ON CONFLICT (stream) DO UPDATE SET last_stream_seq = excluded.last_stream_seq
  ),
  added_candles AS (
    INSERT INTO candles AS c (market, bucket_start, open, high, low, close, base_volume, quote_volume, trades)
    SELECT d.market, timestamptz 'epoch' + d.ms * interval '1 millisecond', d.open, d.high, d.low, d.close, d.base, d.quote, d.trades
    FROM unnest(${textArray(7)}, $8::bigint[], $9::numeric[], $10::numeric[], $11::numeric[], $12::numeric[], $13::numeric[], $14::numeric[], $15::integer[])
      AS d(market, ms, open, high, low, close, base, quote, trades)
    WHERE EXISTS (SELECT 1 FROM continues)
    ON CONFLICT (market, bucket_start) DO UPDATE SET
      high = greatest(c.high, excluded.high),
      low = least(c.low, excluded.low),
      close = excluded.close,
      base_volume = c.base_volume + excluded.base_volume,
      quote_volume = c.quote_volume + excluded.quote_volume,
      trades = c.trades + excluded.trades
  )
  SELECT (SELECT seq FROM last) AS last_seq, (SELECT count(*) FROM inserted) AS appended`

/**
 * The batches holding the events after $1, up to $1 + $2: from the batch that holds seq $1 + 1
 * (found backwards on the primary key) onwards.
 */
export const READ_BATCHES_SQL = `
  SELECT first_seq, events FROM event_batches
  WHERE first_seq >= coalesce((SELECT max(first_seq) FROM event_batches WHERE first_seq <= $1::bigint + 1), 1)
    AND first_seq <= $1::bigint + $2::bigint
  ORDER BY first_seq`

export const LAST_SEQ_SQL = `SELECT ${LAST_SEQ} AS seq`

export const STREAM_POSITIONS_SQL = `SELECT stream, last_stream_seq FROM streams`

/** Saves a snapshot only at a seq the log has reached: a snapshot ahead of the log could never be replayed to. */
export const SAVE_SNAPSHOT_SQL = `
  INSERT INTO snapshots (seq, state)
  SELECT $1, $2 WHERE $1::bigint <= ${LAST_SEQ}
  ON CONFLICT (seq) DO UPDATE SET state = excluded.state, created_at = now()
  RETURNING seq`

export const LATEST_SNAPSHOT_SQL = `SELECT seq, state FROM snapshots ORDER BY seq DESC LIMIT 1`

/** How candles are grouped into buckets: date_bin (PostgreSQL ≥ 14) or TimescaleDB's time_bucket. */
export type BucketFunction = 'date_bin' | 'time_bucket'

/**
 * OHLCV per bucket of $2 ms (whole seconds) aligned to the epoch, folded from the one-second
 * candles of market $1 that overlap [$3, $4) ms. date_bin and time_bucket take the same (width,
 * ts, origin) arguments, so only the name differs. Open and close are the first and last second's.
 */
export function candlesSql(bucket: BucketFunction): string {
  return `
  SELECT (extract(epoch FROM b.bucket) * 1000)::bigint AS bucket_start,
         (array_agg(b.open ORDER BY b.bucket_start))[1]::text AS open,
         max(b.high)::text AS high,
         min(b.low)::text AS low,
         (array_agg(b.close ORDER BY b.bucket_start DESC))[1]::text AS close,
         sum(b.base_volume)::text AS base_volume,
         sum(b.quote_volume)::text AS quote_volume,
         sum(b.trades)::integer AS trades
  FROM (
    SELECT ${bucket}($2::bigint * interval '1 millisecond', bucket_start, timestamptz 'epoch') AS bucket, *
    FROM candles
    WHERE market = $1
      AND bucket_start >  timestamptz 'epoch' + ($3::bigint - 1000) * interval '1 millisecond'
      AND bucket_start <  timestamptz 'epoch' + $4::bigint * interval '1 millisecond'
  ) b
  GROUP BY b.bucket
  ORDER BY b.bucket`
}
