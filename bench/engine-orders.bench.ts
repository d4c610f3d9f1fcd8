// The engine's order path, in memory and end to end with durability on:
// 1. benchmark.js (via the harness): one market order through Engine.execute — validation,
//    routing, exact margin and position checks, the event, ledger postings and the native swap —
//    beside the native pool quote alone, the floor any engine built on the same maths pays;
// 2. sustained load through a Venue on PGlite and on PostgreSQL: orders offered at a fixed rate
//    (open loop: a stalled log shows as latency) and as fast as they are acknowledged (closed
//    loop, many in flight). Latency runs from submit to the durable acknowledgement.
// The PostgreSQL server is FLUXION_TEST_DATABASE_URL's (scripts/start-services.sh starts it).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { OraclePool } from '@fluxion/native'
import { build, type Histogram } from 'hdr-histogram-js'
import type { Command } from '../engine/src/commands.js'
import { LatencyStats, type LatencySummary } from '../engine/src/demo/latency-stats.js'
import { dropTestSchema, TEST_DATABASE_URL, uniqueName } from '../engine/src/store/test-servers.js'
import { seededVenue, WAD } from '../engine/src/test-support/venue.js'
import { Venue, type VenueOptions } from '../engine/src/venue.js'
import { raiseThreadPriority } from '../engine/src/thread-priority.js'
import { holdCpuWakeLatency } from '../engine/src/cpu-wake-latency.js'
import { applyLatencyV8Flags, LATENCY_V8_FLAGS } from '../engine/src/v8-flags.js'
import { demoGenesis } from '../engine/src/demo/markets.js'
import { cpuSample, cpuShare, percent, type CpuShare } from './cpu-share.js'
import { describeFlushes, startFlushProbe, summariseFlushes, type Flush, type FlushSummary } from './flush-probe.js'
import { describeGc, gcRecording, type GcSummary } from './gc-profile.js'
import { runSuite } from './harness.js'

// Offered rates: a moderate one (latency when the log keeps up) and the issue's target.
const RATES = (process.env.BENCH_ENGINE_RATES ?? '5000,20000').split(',').map(Number)
// The target is a sustained rate: an open-loop run lasts 30 s (600,000 orders at 20,000/s), and
// reports the p99 of each 5 s of it besides its own, so a stall within it stays in view.
const SECONDS = Number(process.env.BENCH_ENGINE_SECONDS ?? 30)
const WINDOW_SECONDS = 5
// The closed loop measures capacity, not a latency target: a few seconds say it.
const CLOSED_SECONDS = Math.min(SECONDS, 10)
// Unrecorded open-loop seconds at the highest rate first: a cold process spends its first second
// compiling, sizing its heap and filling caches (100–200 ms stalls), which is start-up, not load.
const WARM_UP_SECONDS = Number(process.env.BENCH_ENGINE_WARM_UP_SECONDS ?? 2)
// Open-loop runs at each rate, back to back: on a shared machine one run's p99 is one sample, and
// the target holds only if every run meets it.
const REPEATS = Number(process.env.BENCH_ENGINE_REPEATS ?? 3)
const IN_FLIGHT = 2_048
const T0 = 1_700_000_000_000

// Alternating buys and sells of one taker on one market, so pools and balances stay put.
function orderFlow(): (state: { balance: (a: string, asset: string) => bigint }) => Command {
  let i = 0
  return (st) => {
    const buy = i++ % 2 === 0
    const held = st.balance('taker', 'sSPX')
    return buy || held === 0n
      ? { type: 'order', account: 'taker', market: 'sSPX', side: 'buy', kind: 'market', amountIn: 1000n * WAD, minOut: 0n }
      : { type: 'order', account: 'taker', market: 'sSPX', side: 'sell', kind: 'market', amountIn: held, minOut: 0n }
  }
}

// --- 2. sustained load with durability on ------------------------------------------------------
interface LoadRun {
  store: string
  mode: string
  offeredPerSecond?: number
  ordersPerSecond: number
  latencyMs: LatencySummary
  /** Open loop: the p99 (ms) of the orders that fell due in each WINDOW_SECONDS of the run. */
  windowP99Ms?: number[]
  /** Events per durable batch (group commit) over the run. */
  averageBatch: number
  /** Where the CPU went during the run (Linux). */
  cpu?: CpuShare
  /** The engine thread's garbage collections during the run. */
  gc: GcSummary
  /** Where acknowledgements wait for the disk (PostgreSQL): its own flushes during the run, from a
   *  probe beside it (bench/flush-probe.ts), overall and the slowest in each window. */
  diskFlush?: FlushSummary
  windowDiskFlushMaxMs?: number[]
}

async function openVenue(options: VenueOptions): Promise<Venue> {
  const venue = await Venue.open({ ...options, now: () => T0, genesis: demoGenesis(), snapshotEvery: 0 })
  const submit = (c: Command) => venue.submit(c)
  for (const [market, price] of [['sETH', 2000n], ['sBTC', 30_000n], ['sSPX', 4000n]] as const) await submit({ type: 'price', market, price: price * WAD, publishedAt: T0 })
  await submit({ type: 'deposit', account: 'lp', asset: 'fUSD', amount: 100_000_000n * WAD })
  await submit({ type: 'mint', account: 'lp', market: 'sSPX', amount: 5000n * WAD })
  await submit({ type: 'add-liquidity', account: 'lp', market: 'sSPX', pool: 'sSPX-pmm', base: 5000n * WAD, quote: 20_000_000n * WAD })
  await submit({ type: 'deposit', account: 'taker', asset: 'fUSD', amount: 10n ** 12n * WAD })
  return venue
}

async function load(store: string, venue: Venue, mode: 'open' | 'closed', rate = 0, seconds = mode === 'open' ? SECONDS : CLOSED_SECONDS, probePath?: string): Promise<LoadRun> {
  const flow = orderFlow()
  const view = { balance: (a: string, asset: string) => venue.engine.state.ledger.balance(a, asset) }
  const latency = new LatencyStats()
  const windows: Histogram[] = []
  const batchesBefore = venue.log.stats.batches
  const eventsBefore = venue.log.stats.events
  let acked = 0
  const send = (due: number): Promise<void> =>
    venue.submit(flow(view)).then(() => {
      acked++
      const ms = performance.now() - due
      latency.record(ms)
      if (mode === 'open') (windows[Math.floor((due - started) / (WINDOW_SECONDS * 1000))] ??= build({ numberOfSignificantValueDigits: 3 })).recordValue(Math.round(ms * 1000))
    })
  const cpuAtStart = cpuSample()
  const gc = gcRecording()
  const probe = probePath === undefined ? undefined : startFlushProbe(probePath)
  const started = performance.now()
  const end = started + seconds * 1000
  if (mode === 'closed') {
    const client = async () => {
      while (performance.now() < end) await send(performance.now())
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, client))
  } else {
    // Every millisecond tick offers the orders that fell due since the start, each timed from its
    // due moment. Only a count of those in flight is kept: holding every promise would make the
    // harness's own garbage part of what is measured.
    let offered = 0
    let inFlight = 0
    let failure: unknown
    await new Promise<void>((resolve) => {
      const landed = () => {
        if (--inFlight === 0 && offered === rate * seconds) resolve()
      }
      const tick = setInterval(() => {
        const now = performance.now()
        const due = Math.min(Math.floor(((now - started) * rate) / 1000), rate * seconds)
        for (; offered < due; offered++) {
          inFlight++
          send(started + (offered * 1000) / rate).then(landed, (err: unknown) => {
            failure ??= err
            landed()
          })
        }
        if (now >= end) {
          clearInterval(tick)
          if (inFlight === 0) resolve() // nothing left out (a run of no orders, as a 0 s warm-up)
        }
      }, 1)
    })
    if (failure !== undefined) throw failure
  }
  const elapsedSeconds = (performance.now() - started) / 1000
  const flushes = await probe?.stop()
  const batches = venue.log.stats.batches - batchesBefore
  return {
    store,
    mode: mode === 'open' ? `open loop, ${rate.toLocaleString('en')} orders/s offered` : `closed loop, ${IN_FLIGHT} in flight`,
    ...(mode === 'open' ? { offeredPerSecond: rate } : {}),
    ordersPerSecond: acked / elapsedSeconds,
    latencyMs: latency.overall(),
    ...(mode === 'open' ? { windowP99Ms: windows.map((h) => h.getValueAtPercentile(99) / 1000) } : {}),
    averageBatch: batches > 0 ? (venue.log.stats.events - eventsBefore) / batches : 0,
    cpu: cpuShare(cpuAtStart),
    gc: gc.stop(),
    ...(flushes ? { diskFlush: summariseFlushes(flushes), ...(mode === 'open' ? { windowDiskFlushMaxMs: windowMaxima(flushes, performance.timeOrigin + started, windows.length) } : {}) } : {}),
  }
}

/** The slowest flush in each of `count` windows from `fromEpochMs` on (the load's windows). */
const windowMaxima = (flushes: readonly Flush[], fromEpochMs: number, count: number) =>
  Array.from({ length: count }, (_, w) => summariseFlushes(flushes, fromEpochMs + w * WINDOW_SECONDS * 1000, fromEpochMs + (w + 1) * WINDOW_SECONDS * 1000).maxMs)

/** A store to load: the venue's options, where to probe the disk (if its acks wait for it), and what to remove after. */
interface StoreSetup {
  options: VenueOptions
  probePath?: string
  cleanup: () => Promise<void>
}

const STORES = {
  PGlite: () => {
    const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-'))
    return { options: { dataDir: join(dir, 'data'), databaseUrl: '', redisUrl: '' }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
  },
  // Its acknowledgements wait for the server's WAL flush: the disk's own flushes are probed beside
  // each run (the server here shares this machine's disk).
  PostgreSQL: () => {
    const schema = uniqueName('bench_engine')
    const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-'))
    return {
      options: { databaseUrl: TEST_DATABASE_URL, schema, redisUrl: '' },
      probePath: join(dir, 'flush-probe'),
      cleanup: async () => {
        rmSync(dir, { recursive: true, force: true })
        await dropTestSchema(schema)
      },
    }
  },
} satisfies Record<string, () => StoreSetup>
type StoreName = keyof typeof STORES

/** The load runs on one store, in this process (a child of the suite, see below). */
async function loadRuns(name: StoreName): Promise<LoadRun[]> {
  const store: StoreSetup = STORES[name]()
  const { probePath } = store
  const runs: LoadRun[] = []
  const venue = await openVenue(store.options)
  try {
    await load(name, venue, 'open', Math.max(...RATES), WARM_UP_SECONDS)
    for (const rate of RATES) for (let i = 0; i < REPEATS; i++) runs.push(await load(name, venue, 'open', rate, SECONDS, probePath))
    runs.push(await load(name, venue, 'closed', 0, CLOSED_SECONDS, probePath))
  } finally {
    await venue.close()
    await store.cleanup()
  }
  return runs
}

// The engine's own runtime settings (what `npm start` runs with), in the load children too.
applyLatencyV8Flags()
const threadPriority = raiseThreadPriority()
const cpuWakeLatency = holdCpuWakeLatency() // as `npm start` runs (engine/src/cpu-wake-latency.ts)

const LOAD_FLAG = '--load-runs'
if (process.argv[2] === LOAD_FLAG) {
  const runs = await loadRuns(process.argv[3] as StoreName)
  process.stdout.write(`${JSON.stringify(runs)}\n`)
  process.exit(0)
}

// --- 1. the in-memory path (the suite's own process) -------------------------------------------------------------------
const { engine } = seededVenue()
engine.execute({ type: 'deposit', account: 'taker', asset: 'fUSD', amount: 10n ** 12n * WAD })
const next = orderFlow()
const ledgerView = { balance: (a: string, asset: string) => engine.state.ledger.balance(a, asset) }
const pmm = new OraclePool(4000n * WAD, WAD / 10n, 500n * WAD, 2_000_000n * WAD, WAD / 1000n, WAD / 10_000n)

const pathResults = await runSuite('engine-orders', [
  {
    title: 'one market order on sSPX, in memory (durability excluded)',
    baseline: { name: 'native OraclePool quote alone (the floor)', fn: () => pmm.quoteSellQuote(1000n * WAD) },
    fluxion: [{ name: 'Engine.execute: checks, route, event, ledger, swap', fn: () => engine.execute(next(ledgerView)) }],
    target: { maxMilliseconds: 0.02, note: 'issue 4: in-memory order path median ≤ 20 µs' },
  },
])


// BENCH_ENGINE_LOAD=0 stops after the in-memory path (e.g. to compare native changes quickly).
if (process.env.BENCH_ENGINE_LOAD === '0') process.exit(0)

// Each store's load runs in a process of its own (same node flags as this one), so neither
// inherits the other's heap, JIT state or worker threads.
const runs: LoadRun[] = []
for (const name of Object.keys(STORES) as StoreName[]) {
  const child = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, LOAD_FLAG, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 })
  if (child.status !== 0) throw new Error(`${name} load runs failed (exit ${child.status})`)
  for (const r of JSON.parse(child.stdout.trim().split('\n').at(-1)!) as LoadRun[]) {
    runs.push(r)
    console.log(`${r.store.padEnd(10)} ${r.mode.padEnd(36)} ${Math.round(r.ordersPerSecond).toLocaleString('en').padStart(7)} orders/s   ack p50 ${r.latencyMs.p50.toFixed(2)} ms  p99 ${r.latencyMs.p99.toFixed(2)} ms   batch ${r.averageBatch.toFixed(0)}${r.cpu ? `   main thread busy ${percent(r.cpu.mainThreadBusy)}, waiting for a CPU ${percent(r.cpu.mainThreadWaiting)}` : ''}   ${describeGc(r.gc)}`)
    if (r.windowP99Ms) console.log(`${''.padEnd(10)} p99 per ${WINDOW_SECONDS} s: ${r.windowP99Ms.map((p) => p.toFixed(2)).join(' / ')} ms`)
    if (r.diskFlush) console.log(`${''.padEnd(10)} ${describeFlushes(r.diskFlush)}${r.windowDiskFlushMaxMs ? `; slowest per ${WINDOW_SECONDS} s: ${r.windowDiskFlushMaxMs.map((p) => p.toFixed(1)).join(' / ')} ms` : ''}`)
  }
}

const targets = { ordersPerSecond: 20_000, p99Ms: 10 }
const metTarget = (r: LoadRun) => r.ordersPerSecond >= targets.ordersPerSecond * 0.98 && r.latencyMs.p99 <= targets.p99Ms
// Each store's open-loop runs at the target rate side by side.
const atTarget = Object.keys(STORES).map((store) => {
  const mine = runs.filter((r) => r.store === store && r.offeredPerSecond === targets.ordersPerSecond)
  const p99Ms = mine.map((r) => r.latencyMs.p99)
  const met = mine.filter(metTarget).length
  const windows = mine.flatMap((r) => r.windowP99Ms ?? [])
  const windowsMet = windows.filter((p) => p <= targets.p99Ms).length
  // Where acknowledgements wait for the disk: the windows in which no flush of the probe's took
  // longer than the target itself, and how many of those met it.
  const diskMax = mine.flatMap((r) => r.windowDiskFlushMaxMs ?? [])
  const steadyDisk = diskMax.length === windows.length ? windows.filter((_, w) => diskMax[w]! <= targets.p99Ms) : []
  const disk = diskMax.length > 0 ? { windowDiskFlushMaxMs: diskMax, steadyDiskWindows: steadyDisk.length, steadyDiskWindowsMeetingTarget: steadyDisk.filter((p) => p <= targets.p99Ms).length } : undefined
  console.log(`${store.padEnd(10)} at ${targets.ordersPerSecond.toLocaleString('en')} orders/s: p99 ${p99Ms.map((p) => p.toFixed(2)).join(' / ')} ms over ${p99Ms.length} runs of ${SECONDS} s, ≤ ${targets.p99Ms} ms in ${met}; over ${WINDOW_SECONDS} s windows, ≤ ${targets.p99Ms} ms in ${windowsMet} of ${windows.length}${windows.length > 0 ? ` (worst ${Math.max(...windows).toFixed(2)} ms)` : ''}${disk ? `; in the ${disk.steadyDiskWindows} windows where no disk flush took over ${targets.p99Ms} ms, ${disk.steadyDiskWindowsMeetingTarget} met it` : ''}`)
  return { store, p99Ms, runsMeetingTarget: met, windowSeconds: WINDOW_SECONDS, windowP99Ms: windows, windowsMeetingTarget: windowsMet, ...disk }
})
const report = {
  suite: 'engine-orders-load',
  command: 'npm run bench -- engine-orders',
  date: new Date().toISOString(),
  machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform },
  nodeFlags: process.execArgv,
  v8Flags: LATENCY_V8_FLAGS,
  threadPriority,
  cpuWakeLatency,
  seconds: SECONDS,
  closedLoopSeconds: CLOSED_SECONDS,
  windowSeconds: WINDOW_SECONDS,
  repeats: REPEATS,
  warmUpSeconds: WARM_UP_SECONDS,
  targets,
  inMemoryPath: pathResults[0],
  atTarget,
  runs: runs.map((r) => ({ ...r, targetMet: metTarget(r) })),
}
writeFileSync(join(import.meta.dirname, 'results', 'engine-orders-load.json'), JSON.stringify(report, null, 2) + '\n')
console.log('\nwrote bench/results/engine-orders-load.json')
process.exit(0)
