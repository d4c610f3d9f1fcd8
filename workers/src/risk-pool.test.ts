import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { MonteCarloModel, deltaNormalVarEs, healthFactors, liquidationCandidates, normalQuantile, stressScan } from '@fluxion/native'
import { AccountTable } from './account-table.js'
import { RiskPool } from './risk-pool.js'

const pool = new RiskPool({ threads: 3 })
after(() => pool.close())

function randomTable(accounts: number): AccountTable {
  const table = AccountTable.create({ accounts, collateralAssets: ['sETH', 'sBTC', 'sSPX', 'fUSD'], debtAssets: ['sETH', 'fUSD'] })
  let x = 12345
  const next = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  for (let a = 0; a < accounts; a++) {
    for (let i = 0; i < 4; i++) table.collateral(i)[a] = next() < 0.5 ? next() * 10 : 0
    table.debt(0)[a] = next() * 2
    table.debt(1)[a] = next() * 20_000
  }
  return table
}

const market = {
  collateralPrices: new Float64Array([2_000, 30_000, 4_000, 1]),
  liquidationThresholds: new Float64Array([0.8, 0.75, 0.7, 0.9]),
  debtPrices: new Float64Array([2_000, 1]),
}

test('a pooled health scan equals a single native scan', async () => {
  const table = randomTable(10_007)
  const { collateral, debt } = table.shard(0, 10_007)
  const expected = new Float64Array(10_007)
  healthFactors(collateral, debt, market, expected)
  const hf = await pool.healthScan(table, market)
  assert.deepEqual(hf, expected)
  assert.ok(hf.some((h) => h < 1) && hf.some((h) => h > 1))
  // Chunks that do not divide the table, one account each, or the whole table in one.
  for (const chunk of [1_000, 1, 10_007, 1 << 20]) {
    table.healthFactors().fill(0)
    assert.deepEqual(await pool.healthScan(table, market, { chunk }), expected, `chunk ${chunk}`)
  }
  await assert.rejects(pool.healthScan(table, market, { chunk: 0 }), RangeError)
})

test('a pooled liquidation scan equals a single scan, in account order', async () => {
  const table = randomTable(5_000)
  const rules = { closeFactor: 0.5, fullCloseHealthFactor: 0.95, smallPositionValue: 2_000, minLeftoverValue: 1_000 }
  const bonuses = new Float64Array([1.05, 1.05, 1.1, 1.02])
  const { collateral, debt } = table.shard(0, 5_000)
  const expected = liquidationCandidates(collateral, debt, market, bonuses, rules)
  const found = await pool.liquidationScan(table, market, bonuses, rules)
  assert.ok(found.account.length > 100)
  assert.deepEqual(found, expected)
})

test('a pooled stress scan sums the shards exactly', async () => {
  const table = randomTable(6_000)
  // Scenario s drops every collateral price by 5·s % and leaves debt prices alone.
  const shocks = new Float64Array(Array.from({ length: 10 * 6 }, (_, i) => (i % 6 < 4 ? -0.05 * Math.floor(i / 6) : 0)))
  const { collateral, debt } = table.shard(0, 6_000)
  const expected = stressScan(collateral, debt, market, shocks)
  const got = await pool.stressScan(table, market, shocks)
  assert.deepEqual(got.unsafeAccounts, expected.unsafeAccounts)
  assert.deepEqual(got.insolventAccounts, expected.insolventAccounts)
  got.shortfall.forEach((s, i) => assert.ok(Math.abs(s - expected.shortfall[i]!) <= 1e-9 * Math.max(1, s)))
  assert.ok(got.unsafeAccounts[9]! > got.unsafeAccounts[0]!)
})

const cov = new Float64Array(100)
for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) cov[i * 10 + j] = (i === j ? 1 : 0.3) * (0.01 + 0.002 * i) * (0.01 + 0.002 * j)
const spec = { exposures: Float64Array.from({ length: 10 }, (_, i) => 1_000 * (i + 1)), mean: new Float64Array(10), covariance: cov }

test('Monte Carlo VaR gives the same answer whatever the number of shards', async () => {
  const run = { paths: 100_000, confidence: 0.99, seed: 42 }
  const single = new MonteCarloModel(spec.exposures, spec.mean, spec.covariance).varEs(42, 100_000, 0.99)
  for (const shards of [1, 2, 3, 7]) {
    assert.deepEqual(await pool.monteCarloVar(spec, { ...run, shards }), single, `${shards} shards`)
  }
})

test('Monte Carlo VaR with workers claiming blocks gives the single-thread answer', async () => {
  const model = new MonteCarloModel(spec.exposures, spec.mean, spec.covariance)
  // Fewer blocks than workers, a partial last block, and several blocks per worker; concurrent
  // runs each have their own cursor.
  const runs = [1_000, 3 * 4_096 + 5, 200_000].map((paths) => ({ paths, confidence: 0.99, seed: 9 }))
  const got = await Promise.all(runs.map((run) => pool.monteCarloVar(spec, run)))
  runs.forEach((run, i) => assert.deepEqual(got[i], model.varEs(run.seed, run.paths, run.confidence), `${run.paths} paths`))
  const two = new RiskPool({ threads: 2 })
  try {
    assert.deepEqual(await two.monteCarloVar(spec, runs[2]!), model.varEs(9, 200_000, 0.99))
  } finally {
    await two.close()
  }
})

test('Monte Carlo VaR of a normal portfolio is within three standard errors of the analytic value', async () => {
  const paths = 1_000_000
  const alpha = 0.99
  const mc = await pool.monteCarloVar(spec, { paths, confidence: alpha, seed: 7 })
  const analytic = deltaNormalVarEs(spec.exposures, spec.covariance, alpha, 1)
  const sigma = analytic.var / normalQuantile(alpha)
  const density = Math.exp(-0.5 * normalQuantile(alpha) ** 2) / (sigma * Math.sqrt(2 * Math.PI))
  const standardError = Math.sqrt((alpha * (1 - alpha)) / paths) / density
  assert.ok(Math.abs(mc.var - analytic.var) < 3 * standardError, `mc ${mc.var} analytic ${analytic.var} se ${standardError}`)
})
