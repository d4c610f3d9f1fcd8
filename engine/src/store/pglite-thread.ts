// What the PGlite worker thread runs: a PgliteEventStore served to the WorkerEventStore that
// started the thread.
import { parentPort, workerData } from 'node:worker_threads'
import { PgliteEventStore } from './pglite-event-store.js'
import { serveStore } from './store-thread-host.js'

if (!parentPort) throw new Error('pglite-thread.ts runs only as a worker thread (see WorkerEventStore)')
serveStore(parentPort, new PgliteEventStore(workerData as { dataDir: string }))
