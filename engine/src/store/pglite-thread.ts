// What the PGlite worker thread runs: a PgliteEventStore served to the WorkerEventStore that
// started the thread.
import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { PgliteEventStore } from './pglite-event-store.js'
import { serveStore } from './store-thread-host.js'

if (!parentPort) throw new Error('pglite-thread.ts runs only as a worker thread (see WorkerEventStore)')
// Acknowledgements come from the journal, not from here: when the cores are contended, the
// engine's thread goes first and PGlite takes in the log behind it. (On Linux the nice value is
// per thread, and raising it needs no privilege.)
setPriority(0, 10)
serveStore(parentPort, new PgliteEventStore(workerData as { dataDir: string }))
