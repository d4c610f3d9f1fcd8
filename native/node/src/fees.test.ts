import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LiquidityBookVolatility, curveV2Fee, lbFeeAmount, lbFeeAmountFrom } from '../fluxion.js'
import { DIFF_CASES, codeOf, seeded } from '../test-support/random.js'

const E18 = 10n ** 18n

// The reference expressions written out in bigint, in the reference's order of operations:
// curvefi/twocrypto-ng contracts/old/CurveCryptoSwap2ETH.vy `_fee` (2 coins) and tricrypto-ng
// CurveCryptoMathOptimized3.vy `_reduction_coefficient` + CurveTricryptoOptimized.vy `_fee` (3 coins).
function referenceFee(xp: bigint[], mid: bigint, out: bigint, gamma: bigint): bigint {
  const sum = xp.reduce((a, b) => a + b, 0n)
  let f: bigint
  if (xp.length === 2) {
    f = (gamma * E18) / (gamma + E18 - (((4n * E18 * xp[0]!) / sum) * xp[1]!) / sum)
  } else {
    let k = (E18 * 3n * xp[0]!) / sum
    k = (k * 3n * xp[1]!) / sum
    k = (k * 3n * xp[2]!) / sum
    f = gamma > 0n ? (gamma * E18) / (gamma + E18 - k) : k
  }
  return (mid * f + out * (E18 - f)) / E18
}

test(`Curve v2 fee equals the reference integer expressions on ${DIFF_CASES} seeded cases`, () => {
  const rand = seeded(8)
  for (let n = 0; n < DIFF_CASES; n++) {
    const coins = rand.chance(0.5) ? 2 : 3
    const xp = Array.from({ length: coins }, () => rand.magnitude(110, 40))
    const mid = rand.bigint(0n, 10n ** 8n)
    const out = rand.bigint(mid, 10n ** 10n)
    const gamma = rand.bigint(1n, E18)
    assert.equal(curveV2Fee(xp, mid, out, gamma), referenceFee(xp, mid, out, gamma), `${xp} ${mid} ${out} ${gamma}`)
  }
})

test('Curve v2 fee: mid fee at balance, towards out fee when skewed, typed errors', () => {
  // At perfect balance K = 1 ⇒ f = 1 ⇒ the fee is mid_fee, whatever fee_gamma.
  assert.equal(curveV2Fee([E18, E18, E18], 3_000_000n, 30_000_000n, 5n * 10n ** 14n), 3_000_000n)
  assert.equal(curveV2Fee([E18, E18], 3_000_000n, 30_000_000n, 5n * 10n ** 14n), 3_000_000n)
  const skewed = curveV2Fee([E18, 1000n * E18], 3_000_000n, 30_000_000n, 5n * 10n ** 14n)
  assert.ok(skewed > 29_000_000n && skewed <= 30_000_000n)
  assert.equal(codeOf(() => curveV2Fee([E18], 1n, 2n, 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => curveV2Fee([E18, 0n], 1n, 2n, 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => curveV2Fee([E18, -1n], 1n, 2n, 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => curveV2Fee([E18, E18], 3n, 2n, 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => curveV2Fee([E18, E18], 1n, 10n ** 10n + 1n, 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => curveV2Fee([E18, 'x' as unknown as bigint], 1n, 2n, 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => curveV2Fee([(1n << 255n), 1n], 1n, 2n, 1n)), 'OVERFLOW')
})

// joe-v2 test/helpers/TestHelper.sol DEFAULT_* parameters (bin step 10).
const params = {
  baseFactor: 5000,
  filterPeriod: 30,
  decayPeriod: 600,
  reductionFactor: 5000,
  variableFeeControl: 40000,
  protocolShare: 1000,
  maxVolatilityAccumulator: 350000,
}
const ID0 = 1 << 23

function snapshot(v: LiquidityBookVolatility) {
  return [v.volatilityAccumulator, v.volatilityReference, v.idReference, v.activeId, v.timeOfLastUpdate]
}

test('LB volatility accumulator: filter, decay, cap and fees (PairParameterHelper rules)', () => {
  const v = new LiquidityBookVolatility(params, ID0, 10, 1_000)
  assert.equal(v.baseFee(), 5000n * 10n * 10n ** 10n)
  assert.equal(v.variableFee(), 0n)
  // A swap crossing 3 bins at t = 1010 (within the filter period).
  v.updateReferences(1_010)
  for (let id = ID0; id <= ID0 + 3; id++) v.updateVolatilityAccumulator(id)
  v.setActiveId(ID0 + 3)
  assert.equal(v.volatilityAccumulator, 30_000)
  // (30000·10)²·40000/100, rounded up: 3.6e13.
  assert.equal(v.variableFee(), 36_000_000_000_000n)
  assert.equal(v.totalFee(), 536_000_000_000_000n)
  // Between filter and decay: id reference moves, reference = 30000·5000/10000.
  v.updateVolatilityParameters(ID0 + 4, 1_100)
  assert.deepEqual([v.idReference, v.volatilityReference, v.volatilityAccumulator], [ID0 + 3, 15_000, 25_000])
  // Capped at the maximum accumulator.
  v.updateVolatilityParameters(ID0 + 200, 1_101)
  assert.equal(v.volatilityAccumulator, 350_000)
  v.setActiveId(ID0 + 200)
  // After the decay period the reference resets.
  v.updateVolatilityParameters(ID0 + 200, 10_000)
  assert.deepEqual([v.idReference, v.volatilityReference, v.volatilityAccumulator], [ID0 + 200, 0, 0])
})

test('LB accumulator bad inputs get typed errors and change nothing', () => {
  assert.equal(codeOf(() => new LiquidityBookVolatility({ ...params, filterPeriod: 601 }, ID0, 10, 0)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new LiquidityBookVolatility({ ...params, decayPeriod: 4096 }, ID0, 10, 0)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new LiquidityBookVolatility({ ...params, reductionFactor: 10_001 }, ID0, 10, 0)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new LiquidityBookVolatility({ ...params, maxVolatilityAccumulator: 1 << 20 }, ID0, 10, 0)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new LiquidityBookVolatility({ ...params, baseFactor: -1 }, ID0, 10, 0)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new LiquidityBookVolatility(params, 1 << 24, 10, 0)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new LiquidityBookVolatility(params, ID0, 0, 0)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new LiquidityBookVolatility(params, ID0, 10, 2 ** 40)), 'INVALID_INPUT')
  const v = new LiquidityBookVolatility(params, ID0, 10, 1_000)
  v.updateVolatilityParameters(ID0 + 2, 1_005)
  const before = snapshot(v)
  assert.equal(codeOf(() => v.updateVolatilityParameters(ID0, 999)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v.updateVolatilityParameters(1 << 24, 2_000)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v.updateReferences(1.5)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v.setActiveId(-1)), 'INVALID_INPUT')
  assert.deepEqual(snapshot(v), before)
})

test(`LB accumulator follows the PairParameterHelper rules on ${Math.min(DIFF_CASES, 20000)} seeded steps`, () => {
  // The rules of joe-v2 test/libraries/PairParameterHelper.t.sol (testFuzz_UpdateReferences,
  // testFuzz_UpdateVolatilityAccumulator, testFuzz_getBaseAndVariableFees) checked step by step.
  const rand = seeded(12)
  const v = new LiquidityBookVolatility(params, ID0, 25, 0)
  let now = 0
  for (let n = 0; n < Math.min(DIFF_CASES, 20000); n++) {
    const dt = rand.int(0, 800)
    const id = ID0 + rand.int(-50, 50)
    const [acc, ref, idRef, active] = [v.volatilityAccumulator, v.volatilityReference, v.idReference, v.activeId]
    now += dt
    v.updateVolatilityParameters(id, now)
    const expIdRef = dt >= params.filterPeriod ? active : idRef
    const expRef = dt >= params.filterPeriod ? (dt < params.decayPeriod ? Math.floor((acc * params.reductionFactor) / 10_000) : 0) : ref
    assert.equal(v.idReference, expIdRef)
    assert.equal(v.volatilityReference, expRef)
    assert.equal(v.volatilityAccumulator, Math.min(expRef + Math.abs(id - expIdRef) * 10_000, params.maxVolatilityAccumulator))
    const prod = BigInt(v.volatilityAccumulator) * 25n
    assert.equal(v.variableFee(), (prod * prod * BigInt(params.variableFeeControl) + 99n) / 100n)
    v.setActiveId(id)
  }
})

test('LB fee amounts round up and refuse fees above 10 %', () => {
  const fee = 3n * 10n ** 15n
  assert.equal(lbFeeAmountFrom(1000n, fee), 3n)
  assert.equal(lbFeeAmountFrom(1001n, fee), 4n)
  assert.equal(lbFeeAmount(997n, fee), 3n)
  assert.equal(codeOf(() => lbFeeAmount(1n, 10n ** 17n + 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => lbFeeAmount(1n << 128n, fee)), 'INVALID_INPUT')
})
