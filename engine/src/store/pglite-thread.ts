// What the PGlite worker thread runs: a PgliteEventStore served to the WorkerEventStore that
// started the thread.
import { getPriority, setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { PgliteEventStore } from './pglite-event-store.js'
import { serveStore } from './store-thread-host.js'

if (!parentPort) throw new Error('pglite-thread.ts runs only as a worker thread (see WorkerEventStore)')
// Acknowledgements come from the journal, not from here: when the cores are contended, the
// engine's thread goes first and PGlite takes in the log behind it. A real-time engine thread
// (thread-priority.ts) starts this one as an ordinary thread at nice 0; ten steps behind, it also
// yields to V8's helper threads, which collect the engine's garbage. Where the engine's thread
// only got a raised nice value, this thread starts with that value (on Linux the nice value is
// per thread and starts as the creating thread's): ten steps behind it, the scheduler weighs the
// engine ~9 to 1 against PGlite, whatever the engine's own value. (At nice 10 under an engine at
// -10, ~87 to 1, PGlite lagged 1,700–3,200 events behind at 5,000 orders/s, against 500–1,300;
// bench/gateway-orders.bench.ts, two runs each.) Lowering a priority needs no privilege.
setPriority(0, Math.min(19, getPriority(0) + 10))
serveStore(parentPort, new PgliteEventStore(workerData as { dataDir: string }))
