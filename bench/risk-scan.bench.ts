// Account scans over 1 M accounts with 4 collateral and 2 debt assets:
// a straightforward JavaScript scan over account objects against Fluxion's native scan, alone
// and end to end through the worker pool over a SharedArrayBuffer table.
import { healthFactors, stressScan } from '@fluxion/native'
import { AccountTable, RiskPool } from '@fluxion/workers'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { runSuite } from './harness.js'

const ACCOUNTS = 1_000_000
const SCENARIOS = 100
const collateralAssets = ['sETH', 'sBTC', 'sSPX', 'fUSD']
const debtAssets = ['sETH', 'fUSD']
const market = {
  collateralPrices: new Float64Array([2_000, 30_000, 4_000, 1]),
  liquidationThresholds: new Float64Array([0.8, 0.75, 0.7, 0.9]),
  debtPrices: new Float64Array([2_000, 1]),
}

// The same seeded balances as objects (the baseline) and as a columnar shared table (Fluxion).
const rng = xoroshiro128plus(2024)
const amount = (max: number) => uniformInt(rng, 0, 1_000_000) / 1_000_000 * max
const table = AccountTable.create({ accounts: ACCOUNTS, collateralAssets, debtAssets })
interface Account { collateral: number[]; debt: number[] }
const objects: Account[] = []
for (let a = 0; a < ACCOUNTS; a++) {
  const collateral = [amount(10), amount(0.5), amount(3), amount(10_000)]
  const debt = [amount(2), amount(20_000)]
  collateral.forEach((c, i) => (table.collateral(i)[a] = c))
  debt.forEach((d, j) => (table.debt(j)[a] = d))
  objects.push({ collateral, debt })
}
const { collateral, debt } = table.shard(0, ACCOUNTS)
const hfOut = new Float64Array(ACCOUNTS)

function healthScanObjects(accounts: Account[]): number[] {
  return accounts.map((account) => {
    let weighted = 0
    let owed = 0
    account.collateral.forEach((c, i) => (weighted += c * market.collateralPrices[i]! * market.liquidationThresholds[i]!))
    account.debt.forEach((d, j) => (owed += d * market.debtPrices[j]!))
    return owed > 0 ? weighted / owed : Infinity
  })
}

// 100 scenarios: collateral prices from 0 to −49.5 %, debt prices unchanged.
const shocks = new Float64Array(SCENARIOS * 6)
for (let s = 0; s < SCENARIOS; s++) for (let i = 0; i < 4; i++) shocks[s * 6 + i] = -0.005 * s

function stressObjects(accounts: Account[]): Float64Array {
  const unsafe = new Float64Array(SCENARIOS)
  for (const account of accounts) {
    let owed = 0
    account.debt.forEach((d, j) => (owed += d * market.debtPrices[j]!))
    if (owed === 0) continue
    for (let s = 0; s < SCENARIOS; s++) {
      let weighted = 0
      account.collateral.forEach((c, i) => (weighted += c * market.collateralPrices[i]! * (1 + shocks[s * 6 + i]!) * market.liquidationThresholds[i]!))
      if (weighted < owed) unsafe[s]!++
    }
  }
  return unsafe
}

const pool = new RiskPool({ threads: 2 })
await pool.healthScan(table, market) // start the workers before timing

await runSuite(
  'risk-scan',
  [
    {
      title: `health scan, ${ACCOUNTS.toLocaleString('en')} accounts × (4 collateral + 2 debt)`,
      baseline: { name: 'JavaScript over account objects', fn: () => healthScanObjects(objects), items: ACCOUNTS },
      fluxion: [
        { name: 'fluxion native healthFactors (1 thread)', fn: () => healthFactors(collateral, debt, market, hfOut), items: ACCOUNTS },
        { name: 'fluxion RiskPool.healthScan (2 workers, end to end)', fn: () => pool.healthScan(table, market), items: ACCOUNTS, async: true },
      ],
      target: { ratio: 50, maxMilliseconds: 10, note: 'issue 3: ≤ 10 ms through the pool end to end and ≥ 50× the object scan' },
    },
    {
      title: `stress scan, ${SCENARIOS} scenarios × ${ACCOUNTS.toLocaleString('en')} accounts`,
      baseline: { name: 'JavaScript over account objects', fn: () => stressObjects(objects), items: ACCOUNTS * SCENARIOS },
      fluxion: [
        { name: 'fluxion native stressScan (1 thread)', fn: () => stressScan(collateral, debt, market, shocks), items: ACCOUNTS * SCENARIOS },
        { name: 'fluxion RiskPool.stressScan (2 workers)', fn: () => pool.stressScan(table, market, shocks), items: ACCOUNTS * SCENARIOS, async: true },
      ],
      target: { maxMilliseconds: 1000, note: 'issue 3: 100 shock scenarios × 1 M accounts ≤ 1 s' },
    },
  ],
  { maxTime: Number(process.env.BENCH_MAX_TIME ?? 3) },
)
await pool.close()
