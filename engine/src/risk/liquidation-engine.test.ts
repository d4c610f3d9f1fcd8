import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RiskPool } from '@fluxion/workers'
import { debtAccount } from '../accounts/accounts.js'
import { accountHealth, isHealthy } from '../accounts/margin.js'
import { LiquidationEngine } from './liquidation-engine.js'
import { seededVenue, WAD } from '../test-support/venue.js'

test('after a price jump the worker-pool scan finds the unsafe shorts and the exact check liquidates them', async () => {
  const { engine, clock, run } = seededVenue()
  run({ type: 'deposit', account: 'keeper', asset: 'fUSD', amount: 10_000_000n * WAD })
  // Ten shorts of growing size against the same 2,000 fUSD: the biggest fail first as sETH rises.
  for (let i = 1; i <= 10; i++) {
    const account = `short${i}`
    run({ type: 'deposit', account, asset: 'fUSD', amount: 2000n * WAD })
    const amount = (BigInt(i) * WAD) / 6n // up to 1.67 sETH ≈ 3,333 fUSD of debt
    run({ type: 'mint', account, market: 'sETH', amount })
    run({ type: 'order', account, market: 'sETH', side: 'sell', kind: 'market', amountIn: amount })
  }
  const risk = new RiskPool({ threads: 1 })
  try {
    const keeper = new LiquidationEngine(engine, risk, { keeper: 'keeper' })
    const calm = await keeper.run()
    assert.equal(calm.scanned, 11) // the shorts and the provider, who minted what it pooled
    assert.equal(calm.candidates, 0)
    for (const price of [2380n, 2830n, 3370n]) {
      clock.advance(1000)
      run({ type: 'price', market: 'sETH', price: price * WAD, publishedAt: clock.t })
    }
    const st = engine.state
    const unsafe = [...Array(10)].map((_, i) => `short${i + 1}`).filter((a) => !isHealthy(accountHealth(st.position(a), (x) => st.price(x), (x) => st.collateral.get(x), 'liquidation')))
    const report = await keeper.run()
    // Exactly the accounts whose exact health is below 1 are liquidated.
    assert.ok(unsafe.length > 0 && unsafe.length < 10, `unsafe ${unsafe.length}`)
    assert.equal(report.candidates, unsafe.length)
    assert.deepEqual(report.liquidated.map((l) => l.account), unsafe)
    for (const l of report.liquidated) {
      assert.equal(l.collateralAsset, 'fUSD')
      assert.ok(l.repaid > 0n && l.seized > 0n)
      assert.ok(-engine.state.ledger.balance(debtAccount(l.account), 'sETH') < (BigInt(l.account.slice(5)) * WAD) / 6n)
    }
    // The keeper minted what it repaid with, and holds the seized collateral.
    assert.ok(engine.state.ledger.balance('keeper', 'fUSD') > 10_000_000n * WAD)
    const again = await keeper.run()
    assert.ok(again.liquidated.length <= report.liquidated.length)
  } finally {
    await risk.close()
  }
})
