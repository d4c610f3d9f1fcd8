// The child process of the crash test (crash.test.ts): appends sample fills through a
// GroupCommitLog as fast as it can and prints `acked <seq>` once every event up to seq is
// durable, until it is killed. stdout is a pipe, and pipe writes are synchronous on Linux, so a
// printed acknowledgement has left the process before the next event is produced.
import type { EventStore } from './event-store.js'
import { GroupCommitLog } from './group-commit.js'
import { PostgresEventStore } from './postgres-event-store.js'
import { WorkerEventStore } from './worker-event-store.js'
import { sampleFill } from './sample-events.js'

const kind = process.env.FLUXION_CRASH_STORE
const store: EventStore =
  kind === 'postgres'
    ? new PostgresEventStore({ databaseUrl: process.env.FLUXION_CRASH_DATABASE_URL!, schema: process.env.FLUXION_CRASH_SCHEMA! })
    : new WorkerEventStore({ // the default PGlite store
        dataDir: process.env.FLUXION_CRASH_DATA_DIR!,
        ...(process.env.FLUXION_CRASH_JOURNAL_RESTART_BYTES ? { journalRestartBytes: Number(process.env.FLUXION_CRASH_JOURNAL_RESTART_BYTES) } : {}),
      })

const die = (err: unknown) => {
  process.stdout.write(`failed ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
}

await store.open().catch(die)
const log = new GroupCommitLog(store)
let next = (await store.lastSeq()) + 1
let acked = next - 1
let reportQueued = false
process.stdout.write(`ready ${acked}\n`)

// A batch resolves its appends in one loop; the report runs after all of them.
const ack = (seq: number) => {
  if (seq > acked) acked = seq
  if (reportQueued) return
  reportQueued = true
  queueMicrotask(() => {
    reportQueued = false
    process.stdout.write(`acked ${acked}\n`)
  })
}

for (;;) {
  for (let i = 0; i < 500; i++) {
    const { event, trade } = sampleFill(next++)
    log.append(event, trade).then(() => ack(event.seq), die)
  }
  // Keep a few thousand events in flight: enough that a kill lands mid-batch.
  if (log.stats.pending > 4_000) await log.flushed().catch(die)
  else await new Promise((resolve) => setImmediate(resolve))
}
