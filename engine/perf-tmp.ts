import { seededVenue, WAD } from './src/test-support/venue.js'
const { engine } = seededVenue()
engine.execute({ type: 'deposit', account: 't1', asset: 'fUSD', amount: 10_000_000_000n * WAD })
const N = 100000
const cmdBuy = { type: 'order', account: 't1', market: 'sSPX', side: 'buy', kind: 'market', amountIn: 1000n * WAD, minOut: 0n } as const
for (let r = 0; r < 3; r++) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < N; i++) engine.execute(cmdBuy)
  console.log('mean µs/order', Number(process.hrtime.bigint() - t0) / N / 1000)
}
