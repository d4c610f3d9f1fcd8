import type { Command } from '../engine/src/commands.js'
import { TEST_DATABASE_URL, uniqueName, dropTestSchema } from '../engine/src/store/test-servers.js'
import { WAD } from '../engine/src/test-support/venue.js'
import { Venue } from '../engine/src/venue.js'
import { demoGenesis } from '../engine/src/demo/markets.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
const T0 = 1_700_000_000_000
const pg = process.argv[2] === 'pg'
const schema = uniqueName('prof')
const venue = await Venue.open(pg ? { databaseUrl: TEST_DATABASE_URL, schema, redisUrl: '', now: () => T0, genesis: demoGenesis(), snapshotEvery: 0 } : { dataDir: mkdtempSync(join(tmpdir(), 'prof-')), databaseUrl: '', redisUrl: '', now: () => T0, genesis: demoGenesis(), snapshotEvery: 0 })
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
const RATE = Number(process.env.RATE ?? 0)
const SECS = Number(process.env.SECS ?? 5)
let acked = 0
const lat: number[] = []
const t0 = performance.now()
const c0 = process.cpuUsage()
if (RATE === 0) {
  const end = t0 + SECS * 1000
  await Promise.all(Array.from({ length: 2048 }, async () => { while (performance.now() < end) { await venue.submit(flow()); acked++ } }))
} else {
  let offered = 0
  const pending: Promise<void>[] = []
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now()
      const due = Math.min(Math.floor(((now - t0) * RATE) / 1000), RATE * SECS)
      for (; offered < due; offered++) { const d = t0 + (offered * 1000) / RATE; pending.push(venue.submit(flow()).then(() => { acked++; lat.push(performance.now() - d) })) }
      if (now >= t0 + SECS * 1000) { clearInterval(tick); resolve() }
    }, 1)
  })
  await Promise.all(pending)
}
const wall = performance.now() - t0
const cu = process.cpuUsage(c0)
lat.sort((a, b) => a - b)
console.log('orders/s', ((acked * 1000) / wall).toFixed(0), 'cpu µs/order', ((cu.user + cu.system) / acked).toFixed(1), 'p50', lat[Math.floor(lat.length / 2)]?.toFixed(2), 'p99', lat[Math.floor(lat.length * 0.99)]?.toFixed(2), 'batches', venue.log.stats.batches, 'avg batch', (venue.log.stats.events / venue.log.stats.batches).toFixed(0))
await venue.close()
if (pg) await dropTestSchema(schema)
process.exit(0)
