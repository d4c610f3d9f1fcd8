import { test } from 'node:test'
import assert from 'node:assert/strict'
import quantile from '@stdlib/stats-base-dists-normal-quantile'
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf'
import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf'
import {
  MONTE_CARLO_BLOCK_PATHS,
  MonteCarloModel,
  cholesky,
  christoffersenIndependence,
  conditionalCoverage,
  deltaNormalVarEs,
  ewmaCovariance,
  ewmaVarianceForecasts,
  healthFactors,
  historicalVarEs,
  kupiecPof,
  liquidationCandidates,
  normalQuantile,
  normalVarEs,
  positionLimitBreaches,
  stressScan,
  tailCount,
  trafficLight,
  varEsFromTails,
} from '../fluxion.js'
import { codeOf, seeded } from '../test-support/random.js'

const close = (actual: number, expected: number, tolerance: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} vs ${expected} (±${tolerance})`)

test('Kupiec POF reproduces the published example', () => {
  // ../shared/ANCHORS.md: n = 1043, x = 57, p = 0.05 ⇒ LR = 0.46147, p-value 0.49694.
  const r = kupiecPof(1043, 57, 0.05)
  close(r.lr, 0.46147, 5e-6, 'LR')
  close(r.pValue, 0.49694, 5e-6, 'p-value')
  assert.equal(r.dof, 1)
})

test('Basel traffic light reproduces the published binomial CDF and zones', () => {
  // ../shared/ANCHORS.md: 250 days at 99 %: F(4) = 89.22 %, F(5) = 95.88 %, F(9) = 99.97 %.
  close(trafficLight(250, 4, 0.01).cumulativeProbability, 0.8922, 5e-5)
  close(trafficLight(250, 5, 0.01).cumulativeProbability, 0.9588, 5e-5)
  close(trafficLight(250, 9, 0.01).cumulativeProbability, 0.9997, 5e-5)
  const zones = Array.from({ length: 12 }, (_, x) => trafficLight(250, x, 0.01).zone)
  assert.deepEqual(zones, ['green', 'green', 'green', 'green', 'green', 'yellow', 'yellow', 'yellow', 'yellow', 'yellow', 'red', 'red'])
})

test('normal ES at 97.5 % is 2.337803 σ and the z-values are the published ones', () => {
  close(normalVarEs(1, 0.975).es, 2.337803, 5e-7)
  close(normalQuantile(0.95), 1.644854, 5e-7)
  close(normalQuantile(0.99), 2.326348, 5e-7)
})

test('EWMA reproduces the Hull textbook example', () => {
  // Hull, Risk Management and Financial Institutions: λ = 0.9, σ = 1 %, return 2 % ⇒ σ = 1.14 %.
  const f = ewmaVarianceForecasts(new Float64Array([0.02]), 0.9, 0.0001)
  assert.equal(f.length, 1)
  const next = ewmaVarianceForecasts(new Float64Array([0.02, 0]), 0.9, 0.0001)[1]!
  close(Math.sqrt(next), 0.0114, 5e-5)
  const cov = ewmaCovariance(new Float64Array([0.02, 0.01]), 2, 0.9, new Float64Array([0.0001, 0, 0, 0.0001]))
  close(cov[0]!, next, 1e-18)
  assert.equal(cov[1], cov[2])
})

test('distribution values agree with @stdlib to 1e-12', () => {
  const rand = seeded(11)
  for (let i = 0; i < 2000; i++) {
    const p = rand.int(1, 999_999) / 1_000_000
    close(normalQuantile(p), quantile(p, 0, 1), 1e-12 * Math.max(1, Math.abs(quantile(p, 0, 1))), `quantile(${p})`)
    const n = rand.int(10, 5000)
    const x = rand.int(0, Math.min(n, 200))
    const prob = rand.int(1, 200) / 1000
    const pof = kupiecPof(n, x, prob)
    close(pof.pValue, 1 - chisquareCdf(pof.lr, 1), 1e-12, `Kupiec p-value n=${n} x=${x} p=${prob}`)
    // statrs' binomial CDF (a regularised incomplete beta) is within 1e-12 up to n = 1000 (four
    // years of daily backtest, Basel uses 250); its error grows with n, ~7e-12 at n = 5000.
    // (Exact: n = 3622, x = 184, p = 0.049 ⇒ 0.7083853325030195; @stdlib …030092, statrs …044307.)
    const tolerance = n <= 1000 ? 1e-12 : 1e-11
    close(trafficLight(n, x, prob).cumulativeProbability, binomialCdf(x, n, prob), tolerance, `binomial CDF n=${n} x=${x} p=${prob}`)
  }
})

test('historical VaR is the k-th worst loss and ES the mean of the k worst', () => {
  const pnl = Float64Array.from({ length: 100 }, (_, i) => i + 1 - 50)
  assert.deepEqual(historicalVarEs(pnl, 0.95), { var: 45, es: 47 })
  assert.equal(tailCount(250, 0.99), 3)
  assert.equal(tailCount(1000, 0.975), 25)
})

test('delta-normal VaR is z·√(wᵀΣw)·√h', () => {
  const r = deltaNormalVarEs(new Float64Array([1, 2]), new Float64Array([0.04, 0.03, 0.03, 0.09]), 0.99, 4)
  close(r.var, quantile(0.99, 0, 1) * Math.sqrt(0.52) * 2, 1e-12)
})

test('Monte Carlo VaR is reproducible and its shards merge exactly', () => {
  const cov = new Float64Array([0.0004, 0.0001, 0.0001, 0.0009])
  const model = new MonteCarloModel(new Float64Array([1e6, 2e6]), new Float64Array(2), cov)
  const whole = model.varEs(5, 50_000, 0.99)
  assert.deepEqual(model.varEs(5, 50_000, 0.99), whole)
  const k = tailCount(50_000, 0.99)
  const tails = [[0, 10_000], [10_000, 33_333], [33_333, 50_000]].map(([a, b]) => model.shardTail(5, a!, b! - a!, k))
  assert.deepEqual(varEsFromTails(tails, 50_000, 0.99), whole)
  assert.notDeepEqual(model.varEs(6, 50_000, 0.99), whole)
})

test('Monte Carlo tails claimed block by block from a shared cursor merge exactly', () => {
  const cov = new Float64Array([0.0004, 0.0001, 0.0001, 0.0009])
  const model = new MonteCarloModel(new Float64Array([1e6, 2e6]), new Float64Array(2), cov)
  const paths = 10 * MONTE_CARLO_BLOCK_PATHS + 77
  const k = tailCount(paths, 0.99)
  const nextBlock = new Uint32Array(new SharedArrayBuffer(4))
  // Two claimants, one after the other: the first takes some blocks (cursor moved by hand as
  // another thread would), the second the rest, and a third finds nothing left.
  Atomics.store(nextBlock, 0, 4)
  const late = model.claimTail(5, paths, k, nextBlock)
  assert.equal(Atomics.load(nextBlock, 0), 12) // blocks 4..10 taken, and one claim past the end
  const early = model.shardTail(5, 0, 4 * MONTE_CARLO_BLOCK_PATHS, k)
  assert.deepEqual(model.claimTail(5, paths, k, nextBlock), new Float64Array(0))
  assert.deepEqual(varEsFromTails([early, late], paths, 0.99), model.varEs(5, paths, 0.99))
  assert.throws(() => model.claimTail(5, paths, k, new Uint32Array(0)), { code: 'INVALID_INPUT' })
})

test('health factors, liquidation candidates, limits and stress over columns', () => {
  const coll = new Float64Array([12_000, 11_250, 50_000])
  const debt = new Float64Array([10_000, 10_000, 10_000])
  const market = { collateralPrices: new Float64Array([1]), liquidationThresholds: new Float64Array([0.8]), debtPrices: new Float64Array([1]) }
  const hf = new Float64Array(3)
  healthFactors([coll], [debt], market, hf)
  assert.deepEqual([...hf].map((h) => Math.round(h * 1e6) / 1e6), [0.96, 0.9, 4])
  const rules = { closeFactor: 0.5, fullCloseHealthFactor: 0.95, smallPositionValue: 2000, minLeftoverValue: 1000 }
  const found = liquidationCandidates([coll], [debt], market, new Float64Array([1.05]), rules, 100)
  assert.deepEqual([...found.account], [100, 101])
  assert.deepEqual([...found.debtToCover], [5000, 10_000])
  assert.deepEqual([...found.collateralToSeize].map(Math.round), [5250, 10_500])
  assert.deepEqual([...positionLimitBreaches([debt], new Float64Array([1]), new Float64Array([9_999])).account], [0, 1, 2])
  const stress = stressScan([coll], [debt], market, new Float64Array([0, 0, -0.5, 0]))
  assert.deepEqual([...stress.unsafeAccounts], [2, 2]) // account 2 keeps HF 2 after −50 %
  assert.deepEqual([...stress.insolventAccounts], [0, 2])
})

test('bad risk inputs get typed errors', () => {
  assert.equal(codeOf(() => historicalVarEs(new Float64Array([1, 2]), 1)), 'INVALID_INPUT')
  assert.equal(codeOf(() => historicalVarEs(new Float64Array([1, 2]), 0)), 'INVALID_INPUT')
  assert.equal(codeOf(() => historicalVarEs(new Float64Array([1, Number.NaN]), 0.9)), 'INVALID_INPUT')
  assert.equal(codeOf(() => normalQuantile(1)), 'INVALID_INPUT')
  assert.equal(codeOf(() => cholesky(new Float64Array([1, 2, 2, 1]), 2)), 'NOT_POSITIVE_DEFINITE')
  assert.equal(codeOf(() => new MonteCarloModel(new Float64Array([1, 1]), new Float64Array(2), new Float64Array([1, 2, 2, 1]))), 'NOT_POSITIVE_DEFINITE')
  assert.equal(codeOf(() => new MonteCarloModel(new Float64Array([1]), new Float64Array(2), new Float64Array([1]))), 'INVALID_INPUT')
  assert.equal(codeOf(() => new MonteCarloModel(new Float64Array([1]), new Float64Array(1), new Float64Array([1]), 'cubic')), 'INVALID_INPUT')
  const market = { collateralPrices: new Float64Array([Number.NaN]), liquidationThresholds: new Float64Array([0.8]), debtPrices: new Float64Array([1]) }
  assert.equal(codeOf(() => healthFactors([new Float64Array(2)], [new Float64Array(2)], market, new Float64Array(2))), 'INVALID_INPUT')
  const ok = { ...market, collateralPrices: new Float64Array([1]) }
  assert.equal(codeOf(() => healthFactors([new Float64Array(2)], [new Float64Array(3)], ok, new Float64Array(2))), 'INVALID_INPUT')
  assert.equal(codeOf(() => kupiecPof(10, 11, 0.01)), 'INVALID_INPUT')
  assert.equal(codeOf(() => kupiecPof(10.5, 1, 0.01)), 'INVALID_INPUT')
  assert.equal(codeOf(() => christoffersenIndependence(new Uint8Array([1]))), 'INVALID_INPUT')
  assert.equal(codeOf(() => conditionalCoverage(new Uint8Array([1, 0]), 2)), 'INVALID_INPUT')
})
