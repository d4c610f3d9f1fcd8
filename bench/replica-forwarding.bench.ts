// Several gateways, one engine: what a read replica costs. Against the PostgreSQL and Redis test
// servers (FLUXION_TEST_DATABASE_URL / FLUXION_TEST_REDIS_URL), one process holding the engine
// (Venue + command server) and a ReplicaVenue:
// 1. an order submitted on the engine directly vs forwarded through the replica (one in flight:
//    the round trip; then BENCH_REPLICA_IN_FLIGHT in flight for a few seconds: throughput). A
//    forwarded order's latency runs until the replica's own state holds its events;
// 2. follow delay: from the engine's durable acknowledgement of an order to the replica having
//    applied its last event (orders submitted on the engine, 64 in flight).
// Writes bench/results/replica-forwarding.json.
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import type { Command } from '../engine/src/commands.js'
import type { CommandResult } from '../engine/src/engine.js'
import { LatencyStats, type LatencySummary } from '../engine/src/demo/latency-stats.js'
import { demoGenesis } from '../engine/src/demo/markets.js'
import { startCommandServer } from '../engine/src/replica/command-server.js'
import { ReplicaVenue } from '../engine/src/replica/replica-venue.js'
import { dropTestSchema, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '../engine/src/store/test-servers.js'
import { seedVenue, WAD } from '../engine/src/test-support/venue.js'
import { eventChannel, Venue } from '../engine/src/venue.js'

const SEQUENTIAL = Number(process.env.BENCH_REPLICA_SEQUENTIAL ?? 300)
const SECONDS = Number(process.env.BENCH_REPLICA_SECONDS ?? 4)
const IN_FLIGHT = Number(process.env.BENCH_REPLICA_IN_FLIGHT ?? 64)
const T0 = Date.now()

let n = 0
// Alternating small buys and sells of one taker, so balances and pools stay put.
const nextOrder = (): Command => (n++ % 2 ? { type: 'order', account: 'amy', market: 'sETH', side: 'sell', kind: 'market', amountIn: WAD / 200n } : { type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 10n * WAD })

async function sequential(submit: (c: Command) => Promise<CommandResult>): Promise<LatencySummary> {
  const stats = new LatencyStats()
  for (let i = 0; i < SEQUENTIAL; i++) {
    const t = performance.now()
    await submit(nextOrder())
    stats.record(performance.now() - t)
  }
  return stats.overall()
}

async function closedLoop(submit: (c: Command) => Promise<CommandResult>): Promise<{ ordersPerSecond: number; latency: LatencySummary }> {
  const stats = new LatencyStats()
  const end = performance.now() + SECONDS * 1000
  const started = performance.now()
  let done = 0
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < end) {
        const t = performance.now()
        await submit(nextOrder())
        stats.record(performance.now() - t)
        done++
      }
    }),
  )
  return { ordersPerSecond: Math.round(done / ((performance.now() - started) / 1000)), latency: stats.overall() }
}

const schema = uniqueName('bench_replica')
const namespace = `${schema}:`
const engine = await Venue.open({ databaseUrl: TEST_DATABASE_URL, schema, redisUrl: TEST_REDIS_URL, busNamespace: namespace, genesis: demoGenesis(), snapshotEvery: 0, now: () => T0 }) // a fixed clock: prices stay fresh
try {
  await seedVenue(engine, T0)
  await engine.submit({ type: 'mint', account: 'amy', market: 'sETH', amount: 10n * WAD })
  const server = await startCommandServer(engine)
  const replica = await ReplicaVenue.open({ databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, busNamespace: namespace })
  try {
    const direct = (c: Command) => engine.submit(c)
    const forwarded = (c: Command) => replica.submit(c)
    const results = {
      sequential: { orders: SEQUENTIAL, direct: await sequential(direct), forwarded: await sequential(forwarded) },
      closedLoop: { inFlight: IN_FLIGHT, seconds: SECONDS, direct: await closedLoop(direct), forwarded: await closedLoop(forwarded) },
      followDelay: await (async () => {
        // Acknowledged on the engine → applied by the replica (its events republish once applied).
        const acked = new Map<number, number>()
        const stats = new LatencyStats()
        const offs = await Promise.all(['sETH', 'accounts'].map((s) => replica.events.subscribe(eventChannel(s), ({ seq }) => {
          const t = acked.get(seq)
          if (t !== undefined) (stats.record(performance.now() - t), acked.delete(seq))
        })))
        await closedLoop((c) => engine.submit(c).then((r) => (acked.set(r.events.at(-1)!.seq, performance.now()), r)))
        await new Promise((r) => setTimeout(r, 500))
        for (const off of offs) await off()
        return { ...stats.overall(), unmatched: acked.size }
      })(),
      replica: replica.health(),
    }
    if (replica.state.hash() !== engine.engine.state.hash()) throw new Error('replica diverged from the engine')
    const out = { suite: 'replica-forwarding', date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, database: 'PostgreSQL (test server)', bus: 'Redis (test server)', ...results }
    writeFileSync(join(import.meta.dirname, 'results', 'replica-forwarding.json'), `${JSON.stringify(out, null, 2)}\n`)
    console.log(JSON.stringify(out, null, 2))
  } finally {
    await replica.close()
    await server.close()
  }
} finally {
  await engine.close()
  await dropTestSchema(schema)
}
