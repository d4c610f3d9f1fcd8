import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PerformanceObserver, performance as perf } from 'node:perf_hooks'
import type { Command } from '../engine/src/commands.js'
import { LatencyStats } from '../engine/src/demo/latency-stats.js'
import { TEST_DATABASE_URL, uniqueName, dropTestSchema } from '../engine/src/store/test-servers.js'
import { WAD } from '../engine/src/test-support/venue.js'
import { Venue } from '../engine/src/venue.js'
import { demoGenesis } from '../engine/src/demo/markets.js'
const STORE = process.env.STORE ?? 'pg'
const RATE = Number(process.env.RATE ?? 20000)
const SECONDS = Number(process.env.DUR ?? 6)
const T0 = 1_700_000_000_000
const schema = uniqueName('scratch')
const venue = await Venue.open(STORE === 'pg' ? { databaseUrl: TEST_DATABASE_URL, schema, redisUrl: '', now: () => T0, genesis: demoGenesis(), snapshotEvery: 0 } : { dataDir: mkdtempSync(join(tmpdir(), 'scr-')), databaseUrl: '', redisUrl: '', now: () => T0, genesis: demoGenesis(), snapshotEvery: 0 })
const submit = (c: Command) => venue.submit(c)
for (const [market, price] of [['sETH', 2000n], ['sBTC', 30_000n], ['sSPX', 4000n]] as const) await submit({ type: 'price', market, price: price * WAD, publishedAt: T0 })
await submit({ type: 'deposit', account: 'lp', asset: 'fUSD', amount: 100_000_000n * WAD })
await submit({ type: 'mint', account: 'lp', market: 'sSPX', amount: 5000n * WAD })
await submit({ type: 'add-liquidity', account: 'lp', market: 'sSPX', pool: 'sSPX-pmm', base: 5000n * WAD, quote: 20_000_000n * WAD })
await submit({ type: 'deposit', account: 'taker', asset: 'fUSD', amount: 10n ** 12n * WAD })
let i = 0
const flow = (): Command => {
  const buy = i++ % 2 === 0
  const held = venue.engine.state.ledger.balance('taker', 'sSPX')
  return buy || held === 0n ? { type: 'order', account: 'taker', market: 'sSPX', side: 'buy', kind: 'market', amountIn: 1000n * WAD, minOut: 0n } : { type: 'order', account: 'taker', market: 'sSPX', side: 'sell', kind: 'market', amountIn: held, minOut: 0n }
}
const gcs: number[] = []
new PerformanceObserver((l) => { for (const e of l.getEntries()) gcs.push(e.duration) }).observe({ entryTypes: ['gc'] })
for (let warm = 0; warm < 2; warm++) {
  const latency = new LatencyStats()
  gcs.length = 0
  let acked = 0, offered = 0, outstanding = 0
  const elu0 = perf.eventLoopUtilization()
  const started = performance.now()
  const end = started + SECONDS * 1000
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now()
      const due = Math.min(Math.floor(((now - started) * RATE) / 1000), RATE * SECONDS)
      for (; offered < due; offered++) {
        const t = started + (offered * 1000) / RATE
        outstanding++
        venue.submit(flow()).then(() => { acked++; outstanding--; latency.record(performance.now() - t); if (outstanding === 0 && offered >= RATE * SECONDS) resolve() })
      }
      if (now >= end) clearInterval(tick)
    }, 1)
  })
  const secs = (performance.now() - started) / 1000
  const elu = perf.eventLoopUtilization(elu0)
  const s = latency.overall()
  gcs.sort((a, b) => b - a)
  console.log(`${STORE} rate ${RATE}: ${Math.round(acked / secs)}/s p50 ${s.p50.toFixed(2)} p99 ${s.p99.toFixed(2)} max ${s.max?.toFixed?.(1)} elu ${(elu.utilization * 100).toFixed(1)}% gc n=${gcs.length} total ${gcs.reduce((a, b) => a + b, 0).toFixed(0)}ms top ${gcs.slice(0, 5).map((g) => g.toFixed(1)).join(',')} batches ${venue.log.stats.batches} max ${venue.log.stats.maxBatchSize}`)
}
await venue.close()
if (STORE === 'pg') await dropTestSchema(schema)
process.exit(0)
