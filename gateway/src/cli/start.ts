// `npm start`, the composition root: the engine on embedded defaults (PGlite in ./data/fluxion,
// in-process bus) with the demo markets, simulated makers, takers and a keeper trading through the
// real order path, the gateway (WebSocket + REST) and the web terminal it serves, and a live
// status line. DATABASE_URL and REDIS_URL switch to real servers. It lives in the gateway package
// because the gateway may import the engine, never the other way round.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { RiskPool } from '@fluxion/workers'
import { demoFeeds } from '../../../engine/src/demo/feeds.js'
import { demoGenesis } from '../../../engine/src/demo/markets.js'
import { DemoSimulation } from '../../../engine/src/demo/simulation.js'
import { formatPrice } from '../../../engine/src/oracle/price.js'
import { startCommandServerFromEnv } from '../../../engine/src/replica/command-server.js'
import { redactUrl } from '../../../engine/src/store/redact-url.js'
import { Venue } from '../../../engine/src/venue.js'
import { describeThreadPriority, raiseThreadPriority } from '../../../engine/src/thread-priority.js'
import { describeCpuWakeLatency, holdCpuWakeLatency } from '../../../engine/src/cpu-wake-latency.js'
import { applyLatencyV8Flags } from '../../../engine/src/v8-flags.js'
import { startGateway } from '../server.js'

const HELP = `Usage: npm start -- [options]

  --port <n>           gateway port (default $PORT or 8080; 0 picks a free one)
  --host <addr>        gateway interface (default 127.0.0.1)
  --web-root <dir>     built terminal to serve (default web/dist)
  --data-dir <dir>     PGlite data directory (default $FLUXION_DATA_DIR or ./data/fluxion)
  --db-schema <name>   with DATABASE_URL: keep the log in this schema (default: search_path)
  --rate <n>           orders per second from the simulated traders (default 2000)
  --takers <n>         simulated takers (default 50)
  --seed <n>           seed of the simulation and the sETH feed (default 1)
  --duration <s>       stop after this many seconds (default: run until Ctrl-C)
  --snapshot-every <n> snapshot the state every n events (default 100000)
  --print-acks         print "ack <seq>" for every durably acknowledged fill (crash tests)
  --quiet              no status line
  -h, --help

Environment: PORT, DATABASE_URL (PostgreSQL instead of PGlite), REDIS_URL (Redis bus instead of
in-process), FLUXION_DATA_DIR, FLUXION_THREAD_RT_PRIORITY (the engine thread's real-time
priority, SCHED_FIFO, default 10 where the OS allows it: it runs the moment it wakes, ahead of the
machine's ordinary threads; 0 turns it off), FLUXION_THREAD_NICE (its nice value when real-time is
off or refused, default -10; 0 keeps the default priority), FLUXION_CPU_WAKE_LATENCY_US (the longest
an idle CPU may take to wake while the engine runs, default 0: idle CPUs poll instead of halting,
through /dev/cpu_dma_latency where the OS allows it; off leaves the machine's own idle states).`

// A malformed command line gets one line and exit code 2, not a stack trace.
const args = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: process.env.PORT ?? '8080' },
        host: { type: 'string', default: '127.0.0.1' },
        'web-root': { type: 'string' },
        'data-dir': { type: 'string' },
        'db-schema': { type: 'string' },
        rate: { type: 'string', default: '2000' },
        takers: { type: 'string', default: '50' },
        seed: { type: 'string', default: '1' },
        duration: { type: 'string' },
        'snapshot-every': { type: 'string', default: '100000' },
        'print-acks': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${HELP}`)
    process.exit(2)
  }
})()
if (args.help) {
  console.log(HELP)
  process.exit(0)
}
const positiveInt = (name: string, text: string | undefined): number => {
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n <= 0) {
    console.error(`--${name} must be a positive integer, got ${text}`)
    process.exit(2)
  }
  return n
}
const rate = positiveInt('rate', args.rate)
const takers = positiveInt('takers', args.takers)
const seed = positiveInt('seed', args.seed)
const snapshotEvery = positiveInt('snapshot-every', args['snapshot-every'])
const port = /^\d{1,5}$/.test(args.port ?? '') ? Number(args.port) : NaN
if (!(port >= 0 && port <= 65535)) {
  console.error(`--port must be an integer in 0..65535, got ${args.port}`)
  process.exit(2)
}
const duration = args.duration === undefined ? undefined : positiveInt('duration', args.duration)

applyLatencyV8Flags()
// First, so that the threads started below begin as ordinary ones, or from its nice value where
// real-time was refused, and set their own (thread-priority.ts).
const [priority, wakeLatency] = (() => {
  try {
    return [raiseThreadPriority(), holdCpuWakeLatency()] as const
  } catch (err) {
    console.error((err as Error).message)
    process.exit(2)
  }
})()
const started = performance.now()
const venue = await Venue.open({
  ...(args['data-dir'] ? { dataDir: args['data-dir'] } : {}),
  ...(args['db-schema'] ? { schema: args['db-schema'] } : {}),
  genesis: demoGenesis(),
  snapshotEvery,
})
// With REDIS_URL, gateway processes elsewhere (gateway/src/cli/gateway.ts) forward orders here.
const commands = await startCommandServerFromEnv(venue)
const risk = new RiskPool({ threads: 1 })
const printAck = args['print-acks'] ? (seq: number) => process.stdout.write(`ack ${seq}\n`) : undefined
const sim = new DemoSimulation(venue, demoFeeds(Date.now(), seed), risk, { ordersPerSecond: rate, takers, seed, ...(printAck ? { onAck: printAck } : {}) })
await sim.prepare()
sim.start()
const webRoot = args['web-root'] ?? join(import.meta.dirname, '..', '..', '..', 'web', 'dist')
// The development wallet of the terminal starts empty: the embedded demo lends it 100,000 fUSD a go.
const gateway = await startGateway({ venue, port, host: args.host!, webRoot, devFaucet: { asset: 'fUSD', amount: 100_000n * 10n ** 18n } })

const store = process.env.DATABASE_URL ? `PostgreSQL (${redactUrl(process.env.DATABASE_URL)})` : `PGlite in ${args['data-dir'] ?? process.env.FLUXION_DATA_DIR ?? './data/fluxion'}`
const bus = process.env.REDIS_URL ? `Redis (${redactUrl(process.env.REDIS_URL)}), channels fluxion.events.<market|accounts>` : 'in-process'
const { recovery } = venue
log(
  [
    `Fluxion engine up in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    `  log:      ${store}; recovered ${recovery.replayed} events after snapshot #${recovery.fromSnapshot} in ${recovery.ms.toFixed(0)} ms`,
    `  thread:   engine and gateway at ${describeThreadPriority(priority)}`,
    `  cpus:     ${describeCpuWakeLatency(wakeLatency)}`,
    `  bus:      ${bus}${commands ? '; serving forwarded commands for gateway processes (npm run gateway)' : ''}`,
    `  markets:  ${[...venue.engine.state.markets.keys()].join(', ')} against fUSD (oracle pools; sETH also constant product)`,
    `  terminal: ${gateway.httpUrl}/`,
    `  ws:       ${gateway.url} (protocol v1, docs/protocol.md)`,
    `  rest:     ${gateway.httpUrl}/v1/markets, /v1/health, /metrics; dev faucet POST /v1/dev/faucet (100,000 fUSD)`,
    `  traders:  ${takers} takers, 3 makers, 1 keeper at ${rate} orders/s — Ctrl-C stops`,
  ].join('\n'),
)

let lastAcks = 0
let lastTime = performance.now()
const status = setInterval(() => {
  const now = performance.now()
  const st = venue.engine.state
  const ack = sim.submitLatency.takeWindow()
  const path = sim.pathLatency.takeWindow()
  const perSecond = ((sim.acknowledged - lastAcks) * 1000) / (now - lastTime)
  lastAcks = sim.acknowledged
  lastTime = now
  let openInterest = 0
  for (const [account, asset, amount] of st.ledger.entries()) if (account.startsWith('debt:')) openInterest += (Number(-amount) * Number(st.price(asset))) / 1e36
  const prices = [...st.markets.values()].map((m) => `${m.symbol} ${formatPrice(m.guard.lastPrice())}`).join(' ')
  const unsafe = sim.lastLiquidation?.candidates ?? 0
  if (!args.quiet) {
    log(
      `seq ${st.seq} | ${perSecond.toFixed(0)} acks/s | order ack p50 ${ack.p50.toFixed(2)} ms p99 ${ack.p99.toFixed(2)} ms | path p50 ${(path.p50 * 1000).toFixed(0)} µs | ` +
        `OI $${(openInterest / 1e6).toFixed(2)}M | unsafe ${unsafe} | liquidated ${sim.liquidations} | ${prices}`,
    )
  }
}, 1000)

let stopping = false
async function shutdown(code: number): Promise<void> {
  if (stopping) return
  stopping = true
  clearInterval(status)
  await gateway.close()
  await sim.stop()
  await commands?.close()
  const refused = [...sim.refused].map(([c, n]) => `${c} ${n}`).join(', ')
  const total = sim.submitLatency.overall()
  log(`stopped at seq ${venue.engine.state.seq}: ${total.count} orders acknowledged (p50 ${total.p50.toFixed(2)} ms, p99 ${total.p99.toFixed(2)} ms); refused: ${refused || 'none'}`)
  await venue.snapshot().catch(() => undefined)
  await risk.close()
  await venue.close()
  process.exit(code)
}
process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))
if (duration !== undefined) setTimeout(() => void shutdown(0), duration * 1000)

// Status goes to stderr when acks go to stdout, so a reader of acks sees nothing else.
function log(text: string): void {
  if (printAck) process.stderr.write(`${text}\n`)
  else console.log(text)
}
