// Durable appends of fill events (each with its trade) through the GroupCommitLog, PGlite (on
// the caller's thread and in a worker thread) and PostgreSQL side by side on the same events:
// 1. bursts (benchmark.js, via the harness): one event committed per transaction, the way a
//    naive engine would, against 2,000 appends coalesced by the group commit;
// 2. sustained load: events offered at fixed rates for a few seconds each (open loop, so a
//    stalled store shows up as latency), and as fast as the store takes them (closed loop, 8,192
//    in flight). Latency runs from the moment an event was due to its durable acknowledgement;
//    "engine thread busy" is the share of the calling thread the appends took.
// The PostgreSQL server is FLUXION_TEST_DATABASE_URL's (scripts/start-services.sh starts it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { LoggedEvent, PagedEventStore, TradeRecord } from '../engine/src/store/event-store.js'
import { GroupCommitLog } from '../engine/src/store/group-commit.js'
import { PgliteEventStore } from '../engine/src/store/pglite-event-store.js'
import { PostgresEventStore } from '../engine/src/store/postgres-event-store.js'
import { sampleFill } from '../engine/src/store/sample-events.js'
import { dropTestSchema, serverFailure, TEST_DATABASE_URL, uniqueName } from '../engine/src/store/test-servers.js'
import { WorkerEventStore } from '../engine/src/store/worker-event-store.js'
import { runSuite } from './harness.js'

const SUITE = 'store-append'
const BURST = 2_000
const NAIVE = 50
// Offered rates of the open-loop runs: a moderate one, and the target (the last).
const RATES = (process.env.BENCH_STORE_RATES ?? '5000,20000').split(',').map(Number)
const RATE = RATES[RATES.length - 1]!
const SECONDS = Number(process.env.BENCH_STORE_SECONDS ?? 5)
const WINDOW = 8_192

/** One store under test, with the next seq it will take. */
interface Subject {
  name: string
  store: PagedEventStore
  log: GroupCommitLog
  next: number
}

async function subject(name: string, store: PagedEventStore): Promise<Subject> {
  await store.open()
  return { name, store, log: new GroupCommitLog(store), next: (await store.lastSeq()) + 1 }
}

// Bodies and trades are made once; each fill re-numbers one (the template's market follows
// seq modulo 3, as sampleFill's does), so the timings measure the store, not BigInt maths.
const TEMPLATES = Array.from({ length: 3_000 }, (_, i) => sampleFill(i + 1))

/** The next `count` fills. */
function fills(s: Subject, count: number): { event: LoggedEvent; trade: TradeRecord }[] {
  const ts = Date.now()
  const out = Array.from({ length: count }, (_, i) => {
    const seq = s.next + i
    const t = TEMPLATES[(seq - 1) % TEMPLATES.length]!
    return { event: { ...t.event, seq, streamSeq: Math.floor((seq - 1) / 3) + 1, ts }, trade: { ...t.trade, seq, ts } }
  })
  s.next += count
  return out
}

async function burst(s: Subject): Promise<void> {
  await Promise.all(fills(s, BURST).map((f) => s.log.append(f.event, f.trade)))
}

async function naive(s: Subject): Promise<void> {
  for (const f of fills(s, NAIVE)) await s.store.append([f.event], [f.trade])
}

/** What one sustained run measured. */
interface Sustained {
  store: string
  mode: string
  offeredPerSecond: number | null
  eventsPerSecond: number
  latencyMs: { median: number; p99: number; max: number }
  batches: number
  meanBatch: number
  /** Share of the engine's thread the appends used (event loop utilisation): what is left for orders. */
  engineThreadBusy: number
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Appends for `seconds`: at `rate` events/s (open loop: each event is due at its slot, latency
 * counts from then) or, with rate null, keeping WINDOW events in flight (closed loop). The
 * driver sleeps between offers rather than spinning, so the thread's busy share is the appends'.
 */
async function sustained(s: Subject, rate: number | null, seconds: number): Promise<Sustained> {
  const events = fills(s, Math.ceil(seconds * (rate ?? 60_000)))
  const latency = new Float64Array(events.length)
  const acks: Promise<void>[] = new Array(events.length)
  let offered = 0
  const batches0 = s.log.stats.batches
  const elu0 = performance.eventLoopUtilization()
  const t0 = performance.now()
  const end = t0 + seconds * 1_000
  const offer = (due: number) => {
    const i = offered++
    const f = events[i]!
    acks[i] = s.log.append(f.event, f.trade).then(() => void (latency[i] = performance.now() - due))
  }
  while (performance.now() < end && offered < events.length) {
    if (rate === null) {
      while (offered < events.length && s.log.stats.pending < WINDOW) offer(performance.now())
      await acks[Math.max(0, offered - WINDOW / 2)] // refill once half the window is durable
    } else {
      const due = Math.min(events.length, Math.floor(((performance.now() - t0) / 1_000) * rate))
      while (offered < due) offer(t0 + (offered / rate) * 1_000)
      await sleep(1)
    }
  }
  await s.log.flushed()
  const wall = (performance.now() - t0) / 1_000
  const busy = performance.eventLoopUtilization(elu0).utilization
  s.next -= events.length - offered // unused fills give their seqs back
  const sorted = latency.slice(0, offered).sort()
  const batches = s.log.stats.batches - batches0
  return {
    store: s.name,
    mode: rate === null ? `closed loop, ${WINDOW} in flight` : `open loop, ${rate.toLocaleString('en')} events/s offered`,
    offeredPerSecond: rate,
    eventsPerSecond: offered / wall,
    latencyMs: { median: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[sorted.length - 1]! },
    batches,
    meanBatch: offered / batches,
    engineThreadBusy: busy,
  }
}

const loadBefore = loadavg()[0]! // other work on the machine shares its CPU (PostgreSQL shares it with Node here)
const dataRoot = mkdtempSync(join(tmpdir(), 'fluxion-bench-'))
const schema = uniqueName('fluxion_bench')
const pglite = await subject('PGlite, caller thread', new PgliteEventStore({ dataDir: join(dataRoot, 'caller') }))
const pgliteWorker = await subject('PGlite, worker thread', new WorkerEventStore({ dataDir: join(dataRoot, 'worker') }))
const postgres = await subject('PostgreSQL', new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema })).catch((err: unknown) => {
  throw serverFailure('PostgreSQL', TEST_DATABASE_URL, err)
})

try {
  await runSuite(SUITE, [
    {
      title: `durable appends of fill events (event + trade), ${BURST.toLocaleString('en')} at once`,
      baseline: { name: `PostgreSQL, one transaction per event (${NAIVE} events)`, fn: () => naive(postgres), items: NAIVE, async: true },
      fluxion: [
        { name: 'PGlite (caller thread), GroupCommitLog', fn: () => burst(pglite), items: BURST, async: true },
        { name: 'PGlite (worker thread), GroupCommitLog', fn: () => burst(pgliteWorker), items: BURST, async: true },
        { name: 'PostgreSQL, GroupCommitLog', fn: () => burst(postgres), items: BURST, async: true },
      ],
      target: { itemsPerSecond: 20_000, note: 'issue 4: ≥ 20,000 durable events/s' },
    },
  ])

  const runs: Sustained[] = []
  for (const s of [pglite, pgliteWorker, postgres]) {
    for (const rate of RATES) runs.push(await sustained(s, rate, SECONDS))
    runs.push(await sustained(s, null, SECONDS))
  }
  console.log(`\nsustained appends through GroupCommitLog, ${SECONDS} s each (latency: due → durable)`)
  console.table(
    runs.map((r) => ({
      store: r.store,
      load: r.mode,
      'events/s': Math.round(r.eventsPerSecond).toLocaleString('en'),
      'median ms': r.latencyMs.median.toFixed(2),
      'p99 ms': r.latencyMs.p99.toFixed(2),
      'max ms': r.latencyMs.max.toFixed(1),
      'mean batch': Math.round(r.meanBatch),
      'engine thread busy': `${Math.round(r.engineThreadBusy * 100)} %`,
    })),
  )
  const atRate = runs.filter((r) => r.offeredPerSecond === RATE)
  const targetMet = atRate.map((r) => ({ store: r.store, met: r.eventsPerSecond >= 0.98 * RATE && r.latencyMs.p99 <= 10 }))
  for (const t of targetMet) console.log(`target ${RATE.toLocaleString('en')} events/s with p99 ≤ 10 ms on ${t.store}: ${t.met ? 'met' : 'NOT met'}`)

  // The harness wrote the burst comparison; the sustained runs go into the same file.
  const file = join(import.meta.dirname, 'results', `${SUITE}.json`)
  const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
  report.sustained = { seconds: SECONDS, loadAverage1m: { before: loadBefore, after: loadavg()[0] }, runs, target: { eventsPerSecond: RATE, p99Ms: 10, met: targetMet } }
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n')
} finally {
  for (const s of [pglite, pgliteWorker, postgres]) await s.store.close()
  rmSync(dataRoot, { recursive: true, force: true })
  await dropTestSchema(schema)
}
