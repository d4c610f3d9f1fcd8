// The embedded default: PostgreSQL compiled to WASM (PGlite) over a data directory on disk.
//
// Durability, as measured here (pglite-event-store.test.ts, crash.test.ts): PGlite starts
// PostgreSQL with fsync off and its Node filesystem turns fdatasync into a no-op, but every
// write goes straight to the host file with a synchronous write(2). So a committed append is in
// the kernel when the query resolves: it survives the process being killed (SIGKILL), not a
// kernel crash or power loss. Use a PostgreSQL server (DATABASE_URL) for that.
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { BatchJournal, decodeFrames, journalPath } from './batch-journal.js'
import { DataDirLock } from './data-dir-lock.js'
import { PglitePreparedStatements } from './pglite-prepared.js'
import type { SqlClient, SqlSession } from './sql-client.js'
import { mergeBatches } from './log-batch.js'
import { SqlEventStore } from './sql-event-store.js'

/** Where PGlite keeps its data when nothing else is said: FLUXION_DATA_DIR, else ./data/fluxion. */
export function defaultDataDir(): string {
  return process.env.FLUXION_DATA_DIR || './data/fluxion'
}

/** The event store on PGlite, holding an exclusive lock on its data directory while open. */
export class PgliteEventStore extends SqlEventStore {
  readonly kind = 'pglite' as const
  readonly dataDir: string
  #lock: DataDirLock | undefined

  constructor(options: { dataDir?: string } = {}) {
    super()
    this.dataDir = options.dataDir ?? defaultDataDir()
  }

  /** Opens and migrates, then takes in the batches the journal holds beyond the log: they were
   *  acknowledged (WorkerEventStore) before the process stopped. */
  override async open(): Promise<void> {
    await super.open()
    const journal = new BatchJournal(journalPath(this.dataDir))
    const pending = journal.read(await this.lastSeq())
    for (const batch of pending) await this.appendEncoded(batch)
    journal.open()
    journal.restart()
    journal.close()
  }

  /** Takes in journaled batches, as the journal's frames (WorkerEventStore hands them over so),
   *  in one commit. */
  async appendFrames(frames: readonly Uint8Array[]): Promise<void> {
    await this.appendEncoded(mergeBatches(decodeFrames(frames)))
  }

  /** Names the data directory in messages. */
  describe(): string {
    return `PGlite at ${this.dataDir}`
  }

  protected async connect(): Promise<SqlClient> {
    mkdirSync(this.dataDir, { recursive: true })
    const lock = DataDirLock.acquire(this.dataDir)
    let db: PGlite
    try {
      db = await PGlite.create(this.dataDir, {
        // A new 16 MB WAL segment is otherwise zero-filled by the backend while an append waits,
        // a 20–50 ms stall every ~20,000 fills (single-user PGlite has no checkpointer, so
        // segments are rarely recycled): p99 of 100-event appends drops from ~15 ms to ~9 ms.
        startParams: [...PGlite.defaultStartParams, '-c', 'wal_init_zero=off'],
      })
    } catch (err) {
      lock.release()
      throw err
    }
    this.#lock = lock
    const session = (q: Pick<PGlite, 'query' | 'exec'>): SqlSession => ({
      query: async <Row>(text: string, params?: readonly unknown[]) => (await q.query<Row>(text, params as unknown[])).rows,
      exec: async (text: string) => void (await q.exec(text)),
    })
    const prepared = new PglitePreparedStatements(db)
    // Our transactions (migrations, at open) and prepared calls take turns: PGlite does not
    // keep its protocol-level calls out of an open transaction.
    let turn: Promise<unknown> = Promise.resolve()
    const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
      const run = turn.then(fn, fn)
      turn = run.catch(() => undefined)
      return run
    }
    return {
      ...session(db),
      queryPrepared: (name, text, params) => inTurn(() => prepared.run(name, text, params)),
      transaction: (work) => inTurn(() => db.transaction((tx) => work(session(tx)))),
      close: async () => {
        try {
          await db.close()
        } finally {
          this.#lock?.release()
          this.#lock = undefined
        }
      },
    }
  }
}
