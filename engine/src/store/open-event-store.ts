// Picks the store from configuration: a PostgreSQL server when a URL is given, PGlite otherwise.
import type { PagedEventStore } from './event-store.js'
import { PgliteEventStore } from './pglite-event-store.js'
import { PostgresEventStore } from './postgres-event-store.js'
import { WorkerEventStore } from './worker-event-store.js'

/** Where the log lives; each option falls back to its environment variable. */
export interface OpenEventStoreOptions {
  /** A PostgreSQL server; default DATABASE_URL. */
  databaseUrl?: string
  /** PGlite's data directory when there is no server; default FLUXION_DATA_DIR, else ./data/fluxion. */
  dataDir?: string
  /** PostgreSQL only: a schema of its own. */
  schema?: string
  /** PGlite only: run it in a worker thread (default, keeps the caller's thread free) or on the caller's thread. */
  pgliteThread?: 'worker' | 'caller'
}

/**
 * Opens (and migrates) the configured store: PostgreSQL when DATABASE_URL (or the option) is
 * set, else PGlite, in a worker thread unless told otherwise.
 */
export async function openEventStore(options: OpenEventStoreOptions = {}): Promise<PagedEventStore> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL
  const dataDir = options.dataDir ? { dataDir: options.dataDir } : {}
  const store = databaseUrl
    ? new PostgresEventStore({ databaseUrl, ...(options.schema ? { schema: options.schema } : {}) })
    : options.pgliteThread === 'caller'
      ? new PgliteEventStore(dataDir)
      : new WorkerEventStore(dataDir)
  await store.open()
  return store
}
