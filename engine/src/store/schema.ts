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
 *  (checkBatch refuses them; JSON text escapes its own), and splitting is ~20% cheaper per event
 *  for PGlite than parsing a JSON array (bench/store-append.bench.ts). */
const textArray = (n: number) => `string_to_array($${n}, E'\\n')`

/**
 * Appends one batch in one statement (one round trip, atomic without BEGIN/COMMIT): every row
 * goes in only if the batch starts right after the log's last seq ($1 = first seq), so a gap
 * writes nothing; a duplicate fails on a unique index. Columns travel as arrays through unnest,
 * one multi-row insert per table: numbers as array literals, text as newline-joined lists. Returns the
 * log's previous last seq and the rows appended.
 */
export const APPEND_SQL = `
  WITH last AS (SELECT coalesce(max(seq), 0) AS seq FROM events),
  continues AS (SELECT 1 FROM last WHERE last.seq = $1::bigint - 1),
  inserted_events AS (
    INSERT INTO events (seq, stream, stream_seq, type, ts, body)
    SELECT * FROM unnest($2::bigint[], ${textArray(3)}, $4::bigint[], ${textArray(5)}, $6::bigint[], ${textArray(7)})
    WHERE EXISTS (SELECT 1 FROM continues)
    RETURNING 1
  ),
  inserted_trades AS (
    INSERT INTO trades (market, ts, seq, ordinal, price, base_amount, quote_amount, side)
    SELECT t.market, timestamptz 'epoch' + t.ms * interval '1 millisecond', t.seq, t.ordinal, t.price, t.base, t.quote, t.side
    FROM unnest(${textArray(8)}, $9::bigint[], $10::bigint[], $11::integer[], $12::numeric[], $13::numeric[], $14::numeric[], ${textArray(15)})
      AS t(market, ms, seq, ordinal, price, base, quote, side)
    WHERE EXISTS (SELECT 1 FROM continues)
    RETURNING 1
  )
  SELECT (SELECT seq FROM last) AS last_seq, (SELECT count(*) FROM inserted_events) AS appended`

/** One page of the log after a seq (keyset paging on the primary key). */
export const READ_EVENTS_SQL = `
  SELECT seq, stream, stream_seq, type, ts, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2`

export const LAST_SEQ_SQL = `SELECT coalesce(max(seq), 0) AS seq FROM events`

/** Saves a snapshot only at a seq the log has reached: a snapshot ahead of the log could never be replayed to. */
export const SAVE_SNAPSHOT_SQL = `
  INSERT INTO snapshots (seq, state)
  SELECT $1, $2 WHERE $1::bigint <= (SELECT coalesce(max(seq), 0) FROM events)
  ON CONFLICT (seq) DO UPDATE SET state = excluded.state, created_at = now()
  RETURNING seq`

export const LATEST_SNAPSHOT_SQL = `SELECT seq, state FROM snapshots ORDER BY seq DESC LIMIT 1`

/** How trades are grouped into buckets: date_bin (PostgreSQL ≥ 14) or TimescaleDB's time_bucket. */
export type BucketFunction = 'date_bin' | 'time_bucket'

/**
 * OHLCV per bucket of $2 ms aligned to the epoch, for market $1 and [$3, $4) ms. date_bin and
 * time_bucket take the same (width, ts, origin) arguments, so only the name differs. Open and
 * close are the first and last fill by (ts, seq, ordinal); high and low compare numerically.
 */
export function candlesSql(bucket: BucketFunction): string {
  return `
  SELECT (extract(epoch FROM b.bucket) * 1000)::bigint AS bucket_start,
         (array_agg(b.price ORDER BY b.ts, b.seq, b.ordinal))[1]::text AS open,
         max(b.price)::text AS high,
         min(b.price)::text AS low,
         (array_agg(b.price ORDER BY b.ts DESC, b.seq DESC, b.ordinal DESC))[1]::text AS close,
         sum(b.base_amount)::text AS base_volume,
         sum(b.quote_amount)::text AS quote_volume,
         count(*)::integer AS trades
  FROM (
    SELECT ${bucket}($2::bigint * interval '1 millisecond', ts, timestamptz 'epoch') AS bucket,
           ts, seq, ordinal, price, base_amount, quote_amount
    FROM trades
    WHERE market = $1
      AND ts >= timestamptz 'epoch' + $3::bigint * interval '1 millisecond'
      AND ts <  timestamptz 'epoch' + $4::bigint * interval '1 millisecond'
  ) b
  GROUP BY b.bucket
  ORDER BY b.bucket`
}
