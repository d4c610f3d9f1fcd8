// Fan-out load: one market's updates to 1,000 WebSocket subscribers, uWS gateway vs the same
// gateway logic on `ws` (gateway-ws-baseline.ts), same venue, same inputs, same run.
// - A venue on PGlite (temp dir, demo markets, seeded); the publisher submits real market orders
//   on sETH (alternating buys and sells of one funded account), so every order is an engine
//   execution whose durable fill the venue publishes on its bus; the gateway turns each into a
//   `trades:sETH` and a `quotes:sETH` update.
// - 1,000 `ws` clients over 2 worker threads subscribe to both channels, check seq continuity
//   (gaps, resnapshots) and time each trade update from its bus publication to its arrival.
// - Phases per server: fixed offered rates (open loop; BENCH_FANOUT_RATES, default 10 and 100
//   orders/s, i.e. 20 k and 200 k messages/s to 1,000 clients), then flat out: orders submitted as
//   fast as the slowest subscriber keeps up (at most WINDOW fills published but not yet received
//   by every client, or not yet acknowledged), so nothing is skipped and delivery is the limit.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { build, decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js'
import { pino } from 'pino'
import type { Command } from '../engine/src/commands.js'
import { demoGenesis } from '../engine/src/demo/markets.js'
import { seedVenue, WAD } from '../engine/src/test-support/venue.js'
import { eventChannel, Venue } from '../engine/src/venue.js'
import { raiseThreadPriority } from '../engine/src/thread-priority.js'
import { holdCpuWakeLatency } from '../engine/src/cpu-wake-latency.js'
import { applyLatencyV8Flags, LATENCY_V8_FLAGS } from '../engine/src/v8-flags.js'
import { startGateway } from '../gateway/src/server.js'
import { fanoutShared, monotonicMs, recordPublish } from './gateway-fanout-shared.js'
import type { WorkerCommand, WorkerReport } from './gateway-fanout.worker.js'
import { startWsBaseline } from './gateway-ws-baseline.js'
import { tsWorker } from './ts-worker.js'

applyLatencyV8Flags() // as `npm start` runs
// The gateway's thread as `npm start` runs it. The client threads started below begin as ordinary
// threads when it is real-time, and at its nice value when it only got a raised one.
const threadPriority = raiseThreadPriority()
const cpuWakeLatency = holdCpuWakeLatency() // as `npm start` runs (engine/src/cpu-wake-latency.ts)

const SUBSCRIBERS = Number(process.env.BENCH_FANOUT_SUBSCRIBERS ?? 1000)
const WORKERS = 2
// Offered orders/s of the fixed-rate phases: one both servers sustain, one past the baseline's reach.
const RATES = (process.env.BENCH_FANOUT_RATES ?? '10,100').split(',').map(Number)
const SECONDS = Number(process.env.BENCH_FANOUT_SECONDS ?? 8)
const WINDOW = Number(process.env.BENCH_FANOUT_WINDOW ?? 64)
const MARKET = 'sETH'
const CHANNELS = [`trades:${MARKET}`, `quotes:${MARKET}`]
const T0 = 1_700_000_000_000
const TARGET_RATIO = 3

// --- the venue and the publication clock --------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'fluxion-bench-fanout-'))
const venue = await Venue.open({ dataDir: join(dir, 'data'), databaseUrl: '', redisUrl: '', genesis: demoGenesis(), now: () => T0, snapshotEvery: 0 })
await seedVenue(venue, T0)
const shared = fanoutShared(WORKERS)
let fillsPublished = 0
// Subscribed before any server's feed, so this handler runs first for every event.
await venue.events.subscribe(eventChannel(MARKET), (e) => {
  recordPublish(shared, e.seq)
  if (e.event.type === 'fill') fillsPublished++
})

let buy = true
const nextOrder = (): Command => {
  const held = venue.engine.state.ledger.balance('amy', MARKET)
  const order: Command = buy || held === 0n
    ? { type: 'order', account: 'amy', market: MARKET, side: 'buy', kind: 'market', amountIn: 100n * WAD, minOut: 0n }
    : { type: 'order', account: 'amy', market: MARKET, side: 'sell', kind: 'market', amountIn: held, minOut: 0n }
  buy = !buy
  return order
}

// --- the subscribers ------------------------------------------------------------------------------
const workers = Array.from({ length: WORKERS }, (_, index) =>
  tsWorker(new URL('./gateway-fanout.worker.ts', import.meta.url), {
    workerData: { ...shared, index, clients: Math.floor(SUBSCRIBERS / WORKERS) + (index < SUBSCRIBERS % WORKERS ? 1 : 0), channels: CHANNELS, tradeChannel: CHANNELS[0] },
  }),
)
const ask = <T>(w: Worker, m: WorkerCommand): Promise<T> =>
  new Promise((resolve, reject) => {
    w.once('error', reject)
    w.once('message', (reply: T) => {
      w.off('error', reject)
      resolve(reply)
    })
    w.postMessage(m)
  })
const all = <T>(m: WorkerCommand) => Promise.all(workers.map((w) => ask<T>(w, m)))
const slowestTrades = () => Math.min(...Array.from(shared.progress))
const slowestUpdates = () => Math.min(...Array.from(shared.updates))

// --- one phase --------------------------------------------------------------------------------------
interface Phase {
  server: string
  phase: string
  offeredOrdersPerSecond?: number
  orders: number
  /** Orders submitted per second of the submitting stretch (below the offer when the server stalls the thread). */
  ordersPerSecond: number
  fillsPublished: number
  messagesExpected: number
  messagesDelivered: number
  messagesPerSecond: number
  gaps: number
  resnapshots: number
  untimed: number
  latencyMs: { count: number; p50: number; p90: number; p99: number; max: number }
}

async function phase(server: string, mode: 'rate' | 'flat', seconds: number, rate = 0): Promise<Phase> {
  await all({ cmd: 'reset' })
  const fills0 = fillsPublished
  let orders = 0
  let pending = 0
  let failed = 0
  const submit = () => {
    lastSubmitAt = monotonicMs()
    orders++
    pending++
    venue.submit(nextOrder()).then(
      () => void pending--,
      () => {
        pending--
        failed++
      },
    )
  }
  const started = monotonicMs()
  let lastSubmitAt = started
  const end = started + seconds * 1000
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = monotonicMs()
      if (mode === 'rate') {
        const due = Math.min(Math.floor(((now - started) * rate) / 1000), rate * seconds)
        while (orders < due) submit()
      } else {
        while (now < end && pending + (fillsPublished - fills0 - slowestTrades()) < WINDOW) submit()
      }
      if (now >= end) {
        clearInterval(tick)
        resolve()
      }
    }, 1)
  })
  // Drain: every ack in, then every client holding every update (or 5 s without progress).
  while (pending > 0) await new Promise((r) => setTimeout(r, 1))
  let last = -1
  let stalledSince = monotonicMs()
  while (slowestUpdates() < (fillsPublished - fills0) * CHANNELS.length) {
    const now = slowestUpdates()
    if (now !== last) [last, stalledSince] = [now, monotonicMs()]
    else if (monotonicMs() - stalledSince > 5000) break
    await new Promise((r) => setTimeout(r, 2))
  }
  if (failed > 0) throw new Error(`${failed} orders failed`)
  const reports = await all<WorkerReport>({ cmd: 'report' })
  const latency: Histogram = build({ numberOfSignificantValueDigits: 3 })
  for (const r of reports) latency.add(decodeFromCompressedBase64(r.latency))
  const sum = (k: 'messages' | 'gaps' | 'resnapshots' | 'untimed') => reports.reduce((s, r) => s + r[k], 0)
  const lastAt = Math.max(...reports.map((r) => r.lastAt))
  const fills = fillsPublished - fills0
  const pct = (p: number) => latency.getValueAtPercentile(p) / 1000
  return {
    server,
    phase: mode === 'rate' ? `${rate.toLocaleString('en')} orders/s offered` : `flat out (window ${WINDOW})`,
    ...(mode === 'rate' ? { offeredOrdersPerSecond: rate } : {}),
    orders,
    ordersPerSecond: orders / ((lastSubmitAt - started) / 1000),
    fillsPublished: fills,
    messagesExpected: fills * CHANNELS.length * SUBSCRIBERS,
    messagesDelivered: sum('messages'),
    messagesPerSecond: sum('messages') / ((lastAt - started) / 1000),
    gaps: sum('gaps'),
    resnapshots: sum('resnapshots'),
    untimed: sum('untimed'),
    latencyMs: { count: latency.totalCount, p50: pct(50), p90: pct(90), p99: pct(99), max: latency.maxValue / 1000 },
  }
}

// --- the run: each server in turn, same venue, same clients -------------------------------------------
const servers = [
  {
    name: 'uWebSockets.js gateway',
    start: async () => {
      const g = await startGateway({ venue, port: 0, now: () => T0, logger: pino({ level: 'silent' }), defaultMetrics: false, maxConnectionsPerIp: SUBSCRIBERS + 10 })
      return { url: g.url, close: () => g.close() }
    },
  },
  { name: 'ws baseline (same gateway logic)', start: () => startWsBaseline({ venue, now: () => T0 }) },
]
const phases: Phase[] = []
const load = [loadavg()[0]!]
for (const s of servers) {
  const server = await s.start()
  const ready = await all<{ ready: number }>({ cmd: 'connect', url: server.url })
  console.log(`${s.name}: ${ready.reduce((a, r) => a + r.ready, 0)} subscribers on ${CHANNELS.join(' + ')}`)
  await phase(s.name, 'rate', 1, RATES[0]) // warm-up
  for (const [mode, rate] of [...RATES.map((r) => ['rate', r] as const), ['flat', 0] as const]) {
    const p = await phase(s.name, mode, SECONDS, rate)
    phases.push(p)
    console.log(
      `  ${p.phase.padEnd(26)} ${Math.round(p.ordersPerSecond).toLocaleString('en').padStart(6)} orders/s ${Math.round(p.messagesPerSecond).toLocaleString('en').padStart(10)} msg/s delivered  (${p.messagesDelivered.toLocaleString('en')} of ${p.messagesExpected.toLocaleString('en')})  gaps ${p.gaps}  resnapshots ${p.resnapshots}  ` +
        `latency p50 ${p.latencyMs.p50.toFixed(2)} p90 ${p.latencyMs.p90.toFixed(2)} p99 ${p.latencyMs.p99.toFixed(2)} max ${p.latencyMs.max.toFixed(2)} ms`,
    )
  }
  await all({ cmd: 'disconnect' })
  await server.close()
  load.push(loadavg()[0]!)
}

const ratio = (phase: string) => {
  const [ours, base] = servers.map((s) => phases.find((p) => p.server === s.name && p.phase === phase)!)
  return ours!.messagesPerSecond / base!.messagesPerSecond
}
const ratios = Object.fromEntries([...new Set(phases.map((p) => p.phase))].map((p) => [p, ratio(p)]))
const flatOut = ratio(phases.at(-1)!.phase)
const report = {
  suite: 'gateway-fanout',
  command: 'cd bench && node --import tsx gateway-fanout.bench.ts',
  date: new Date().toISOString(),
  machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform, loadAverage1m: load },
  v8Flags: LATENCY_V8_FLAGS,
  threadPriority,
  cpuWakeLatency,
  setup: { subscribers: SUBSCRIBERS, workers: WORKERS, channels: CHANNELS, seconds: SECONDS, flatOutWindow: WINDOW, store: 'PGlite', latency: 'bus publication of the durable fill → trade update parsed by the client' },
  target: { ratio: TARGET_RATIO, note: 'issue 5: ≥ 3× the ws baseline in delivered messages/s; gaps must be 0' },
  phases,
  ratioToBaseline: ratios,
  targetMet: flatOut >= TARGET_RATIO && phases.every((p) => p.gaps === 0),
}
writeFileSync(join(import.meta.dirname, 'results', 'gateway-fanout.json'), JSON.stringify(report, null, 2) + '\n')
console.log(`\nuWS / ws delivered msg/s: ${Object.entries(ratios).map(([p, r]) => `${p} ${r.toFixed(2)}×`).join(', ')} (target ≥ ${TARGET_RATIO}× flat out, 0 gaps): ${report.targetMet ? 'met' : 'NOT met'}`)
console.log('wrote bench/results/gateway-fanout.json')
await Promise.all(workers.map((w) => w.terminate()))
await venue.close()
rmSync(dir, { recursive: true, force: true })
process.exit(0)
