// The event store on a PostgreSQL server (DATABASE_URL): a `pg` pool; commits are durable on the
// server (synchronous_commit) before an append resolves.
import pg from 'pg'
import { StorageError } from '../errors.js'
import { redactUrl } from './redact-url.js'
import type { SqlClient, SqlSession } from './sql-client.js'
import { SqlEventStore } from './sql-event-store.js'

/** How to reach the server. */
export interface PostgresEventStoreOptions {
  /** postgres://user:password@host:port/database */
  databaseUrl: string
  /** A schema of its own (created if missing), e.g. one per test run; default: the server's search_path. */
  schema?: string
  /** Connections in the pool (default 4; appends use one of them, held as the writer). */
  poolSize?: number
  /** How long to wait for the log's writer lock (a killed writer's last statement may still be
   *  finishing on the server) before refusing with STORAGE_FAILED; default 10 s. */
  writerLockTimeoutMs?: number
  /** A reader beside the engine (a replica): no writer lock, no migrations, and every session
   *  read-only on the server (default_transaction_read_only), so it cannot write the log. */
  readOnly?: boolean
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/

/** The event store on a PostgreSQL server. */
export class PostgresEventStore extends SqlEventStore {
  readonly kind = 'postgres' as const
  readonly #options: PostgresEventStoreOptions

  constructor(options: PostgresEventStoreOptions) {
    super()
    if (options.schema !== undefined && !IDENTIFIER.test(options.schema)) {
      throw new StorageError(`schema name ${JSON.stringify(options.schema)} must match ${IDENTIFIER}`)
    }
    this.#options = options
  }

  /** Names the server (password masked) and schema in messages. */
  describe(): string {
    return `PostgreSQL at ${redactUrl(this.#options.databaseUrl)}${this.#options.schema ? ` (schema ${this.#options.schema})` : ''}`
  }

  protected override get readOnly(): boolean {
    return this.#options.readOnly === true
  }

  protected async connect(): Promise<SqlClient> {
    const { databaseUrl, schema, poolSize = 4, readOnly = false } = this.#options
    // public stays on the path for extensions installed there (timescaledb's time_bucket).
    const settings = [...(schema ? [`-c search_path=${schema},public`] : []), ...(readOnly ? ['-c default_transaction_read_only=on'] : [])]
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: poolSize,
      connectionTimeoutMillis: 5_000,
      ...(settings.length > 0 ? { options: settings.join(' ') } : {}),
    })
    // An idle connection that drops emits 'error' on the pool, which would otherwise crash the
    // process; the next query reports the failure where it matters.
    pool.on('error', () => undefined)
    if (readOnly) return readerClient(pool, this.describe())
    // One writer per log: appends run on a connection that holds an advisory lock for the
    // store's lifetime. A writer killed mid-append leaves its server backend to finish (and
    // commit) that statement; the lock is released only when that backend ends, so a restarted
    // engine waits for it before reading the last seq, instead of racing an orphaned commit.
    let writer: pg.PoolClient
    try {
      if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
      else await pool.query('SELECT 1')
      writer = await pool.connect()
    } catch (err) {
      await pool.end().catch(() => undefined)
      throw new StorageError(`${this.describe()}: cannot connect: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    const deadline = Date.now() + (this.#options.writerLockTimeoutMs ?? 10_000)
    for (;;) {
      const [row] = (await writer.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`fluxion.events:${schema ?? ''}`])).rows
      if (row?.locked) break
      if (Date.now() >= deadline) {
        writer.release()
        await pool.end().catch(() => undefined)
        throw new StorageError(`${this.describe()}: another writer holds this log (one engine per log)`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const session = (q: pg.Pool | pg.PoolClient): SqlSession => ({
      query: async <Row>(text: string, params?: readonly unknown[]) =>
        (await q.query(text, params as unknown[])).rows as Row[],
      exec: async (text: string) => void (await q.query(text)),
    })
    return {
      ...session(pool),
      // Appends, prepared once on the writer connection.
      queryPrepared: async <Row>(name: string, text: string, params: readonly string[]) =>
        (await writer.query({ name, text, values: params as string[] })).rows as Row[],
      transaction: async (work) => {
        const client = await pool.connect()
        try {
          await client.query('BEGIN')
          const result = await work(session(client))
          await client.query('COMMIT')
          return result
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined)
          throw err
        } finally {
          client.release()
        }
      },
      close: async () => {
        writer.release()
        await pool.end()
      },
    }
  }
}

/** A reader's client: queries on the pool, no writer connection, appends refused. */
async function readerClient(pool: pg.Pool, name: string): Promise<SqlClient> {
  try {
    await pool.query('SELECT 1')
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw new StorageError(`${name}: cannot connect: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
  }
  const query = async <Row>(text: string, params?: readonly unknown[]) => (await pool.query(text, params as unknown[])).rows as Row[]
  return {
    query,
    exec: async (text: string) => void (await pool.query(text)),
    queryPrepared: async () => {
      throw new StorageError(`${name}: opened read-only, it cannot append`)
    },
    transaction: async (work) => work({ query, exec: async (text: string) => void (await pool.query(text)) }),
    close: () => pool.end(),
  }
}
