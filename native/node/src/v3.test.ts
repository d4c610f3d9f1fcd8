// Uniswap v3 maths through the binding: published vectors, typed errors, and differential tests
// of every pure function against @uniswap/v3-sdk (and exact bigint arithmetic for mulDiv).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import JSBI from 'jsbi'
import { SqrtPriceMath, SwapMath, TickMath, FullMath } from '@uniswap/v3-sdk'
import {
  v3ComputeSwapStep,
  v3GetAmount0Delta,
  v3GetAmount1Delta,
  v3GetNextSqrtPriceFromInput,
  v3GetNextSqrtPriceFromOutput,
  v3GetSqrtRatioAtTick,
  v3GetTickAtSqrtRatio,
  v3MulDiv,
  v3MulDivRoundingUp,
} from '../fluxion.js'
import { DIFF_CASES, codeOf, seeded } from '../test-support/random.js'

const E18 = 10n ** 18n
const Q96 = 1n << 96n
const MIN_TICK = -887272
const MAX_TICK = 887272
const MIN_SQRT_RATIO = 4295128739n
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n
const MAX_U128 = (1n << 128n) - 1n
const MAX_U160 = (1n << 160n) - 1n
const MAX_U256 = (1n << 256n) - 1n
const MAX_I256 = (1n << 255n) - 1n

const j = (v: bigint) => JSBI.BigInt(v.toString())
const b = (v: JSBI) => BigInt(v.toString())

/** Runs the SDK call, returning its value or the fact that it threw. */
function sdk<T>(call: () => T): { ok: true; value: T } | { ok: false } {
  try {
    return { ok: true, value: call() }
  } catch {
    return { ok: false }
  }
}

test('published vectors (ANCHORS.md, from v3-core TickMath/SqrtPriceMath/SwapMath specs)', () => {
  assert.equal(v3GetSqrtRatioAtTick(-50), 79030349367926598376800521322n)
  assert.equal(v3GetSqrtRatioAtTick(MIN_TICK + 1), 4295343490n)
  assert.equal(v3GetSqrtRatioAtTick(MIN_TICK), MIN_SQRT_RATIO)
  assert.equal(v3GetSqrtRatioAtTick(MAX_TICK), MAX_SQRT_RATIO)
  assert.equal(v3GetTickAtSqrtRatio(MIN_SQRT_RATIO), MIN_TICK)
  assert.equal(v3GetTickAtSqrtRatio(MAX_SQRT_RATIO - 1n), MAX_TICK - 1)
  assert.equal(v3GetNextSqrtPriceFromInput(Q96, E18, E18 / 10n, false), 87150978765690771352898345369n)
  assert.equal(v3GetNextSqrtPriceFromInput(Q96, E18, E18 / 10n, true), 72025602285694852357767227579n)
  // price 1 → 1.01 (encodePriceSqrt(101, 100)), liquidity 2e18, 1e18 exact in, fee 600.
  const step = v3ComputeSwapStep(Q96, 79623317895830914510639640423n, 2n * E18, E18, 600)
  assert.deepEqual(step, {
    sqrtRatioNextX96: 79623317895830914510639640423n,
    amountIn: 9975124224178055n,
    amountOut: 9925619580021728n,
    feeAmount: 5988667735148n,
  })
  // Same range, exact out (negative amountRemaining), same amounts.
  const out = v3ComputeSwapStep(Q96, 79623317895830914510639640423n, 2n * E18, -E18, 600)
  assert.equal(out.amountIn, 9975124224178055n)
  assert.equal(out.amountOut, 9925619580021728n)
  // v3-core SqrtPriceMath.spec.ts: 0.1 token1 / token0 out, and getAmount0Delta 1 → 1.21.
  assert.equal(v3GetNextSqrtPriceFromOutput(Q96, E18, E18 / 10n, false), 88031291682515930659493278152n)
  assert.equal(v3GetNextSqrtPriceFromOutput(Q96, E18, E18 / 10n, true), 71305346262837903834189555302n)
  assert.equal(v3GetAmount0Delta(Q96, 87150978765690771352898345369n, E18, true), 90909090909090910n)
  assert.equal(v3GetAmount0Delta(Q96, 87150978765690771352898345369n, E18, false), 90909090909090909n)
  assert.equal(v3GetAmount1Delta(Q96, 87150978765690771352898345369n, E18, true), 100000000000000000n)
  assert.equal(v3GetAmount1Delta(Q96, 87150978765690771352898345369n, E18, false), 99999999999999999n)
})

test('FullMath edge cases from v3-core FullMath.spec.ts', () => {
  const Q128 = 1n << 128n
  assert.equal(v3MulDiv(MAX_U256, MAX_U256, MAX_U256), MAX_U256)
  assert.equal(v3MulDiv(Q128, 35n * Q128, 8n * Q128), (4375n * Q128) / 1000n)
  assert.equal(v3MulDivRoundingUp(Q128, 1000n * Q128, 3000n * Q128), Q128 / 3n + 1n)
  assert.equal(codeOf(() => v3MulDiv(Q128, 5n, 0n)), 'OVERFLOW')
  assert.equal(codeOf(() => v3MulDiv(Q128, Q128, 1n)), 'OVERFLOW')
  assert.equal(codeOf(() => v3MulDivRoundingUp(535006138814359n, 432862656469423142931042426214547535783388063929571229938474969n, 2n)), 'OVERFLOW')
})

test('bad inputs get typed errors', () => {
  assert.equal(codeOf(() => v3GetSqrtRatioAtTick(MIN_TICK - 1)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetSqrtRatioAtTick(MAX_TICK + 1)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetSqrtRatioAtTick(1.5)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetSqrtRatioAtTick(Number.NaN)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetTickAtSqrtRatio(MIN_SQRT_RATIO - 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetTickAtSqrtRatio(MAX_SQRT_RATIO)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetTickAtSqrtRatio(-1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetTickAtSqrtRatio(5 as unknown as bigint)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetNextSqrtPriceFromInput(0n, E18, 1n, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetNextSqrtPriceFromInput(Q96, 0n, 1n, true)), 'INSUFFICIENT_LIQUIDITY')
  assert.equal(codeOf(() => v3GetNextSqrtPriceFromInput(MAX_U160 + 1n, E18, 1n, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetNextSqrtPriceFromInput(Q96, MAX_U128 + 1n, 1n, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3GetNextSqrtPriceFromInput(MAX_U160, 1024n, 1024n, false)), 'OVERFLOW')
  // v3-core: an output of exactly the virtual reserves cannot be paid.
  assert.equal(codeOf(() => v3GetNextSqrtPriceFromOutput(20282409603651670423947251286016n, 1024n, 4n, false)), 'INSUFFICIENT_LIQUIDITY')
  assert.equal(codeOf(() => v3GetNextSqrtPriceFromOutput(20282409603651670423947251286016n, 1024n, 262144n, true)), 'INSUFFICIENT_LIQUIDITY')
  assert.equal(codeOf(() => v3GetAmount0Delta(0n, Q96, E18, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3ComputeSwapStep(Q96, Q96 / 2n, E18, E18, 1_000_000)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3ComputeSwapStep(Q96, Q96 / 2n, E18, E18, 0.5)), 'INVALID_INPUT')
  assert.equal(codeOf(() => v3ComputeSwapStep(Q96, Q96 / 2n, E18, 1n << 255n, 3000)), 'INVALID_INPUT')
})

/** Log-uniform sqrt price in [MIN_SQRT_RATIO, MAX_SQRT_RATIO). */
function randomPrice(rand: ReturnType<typeof seeded>): bigint {
  const p = rand.magnitude(160, 32)
  return p < MIN_SQRT_RATIO ? MIN_SQRT_RATIO : p >= MAX_SQRT_RATIO ? MAX_SQRT_RATIO - 1n : p
}

test(`getSqrtRatioAtTick and getTickAtSqrtRatio equal the v3-sdk on ${DIFF_CASES} seeded cases each`, () => {
  const rand = seeded(31)
  for (let i = 0; i < DIFF_CASES; i++) {
    const tick = rand.int(MIN_TICK, MAX_TICK)
    assert.equal(v3GetSqrtRatioAtTick(tick), b(TickMath.getSqrtRatioAtTick(tick)), `getSqrtRatioAtTick(${tick})`)
  }
  for (let i = 0; i < DIFF_CASES; i++) {
    const price = randomPrice(rand)
    assert.equal(v3GetTickAtSqrtRatio(price), TickMath.getTickAtSqrtRatio(j(price)), `getTickAtSqrtRatio(${price})`)
  }
})

test(`getNextSqrtPriceFromInput/Output equal the v3-sdk on ${DIFF_CASES} seeded cases each`, () => {
  const rand = seeded(32)
  let compared = 0
  for (const fromInput of [true, false]) {
    for (let i = 0; i < DIFF_CASES; i++) {
      const price = rand.chance(0.9) ? randomPrice(rand) : rand.magnitude(160)
      const liquidity = rand.magnitude(128)
      const amount = rand.chance(0.02) ? 0n : rand.magnitude(rand.chance(0.5) ? 128 : 256)
      const zeroForOne = rand.chance(0.5)
      const label = `${fromInput ? 'input' : 'output'}(${price}, ${liquidity}, ${amount}, ${zeroForOne})`
      const oursCall = fromInput ? v3GetNextSqrtPriceFromInput : v3GetNextSqrtPriceFromOutput
      const theirs = sdk(() =>
        b(
          fromInput
            ? SqrtPriceMath.getNextSqrtPriceFromInput(j(price), j(liquidity), j(amount), zeroForOne)
            : SqrtPriceMath.getNextSqrtPriceFromOutput(j(price), j(liquidity), j(amount), zeroForOne),
        ),
      )
      let ours: bigint | undefined
      const code = codeOf(() => (ours = oursCall(price, liquidity, amount, zeroForOne)))
      if (code === undefined) {
        assert.ok(theirs.ok, `the SDK threw where Fluxion gave ${ours}: ${label}`)
        assert.equal(ours, theirs.value, label)
        compared++
      } else {
        // Fluxion reverts as the contract does (uint160 overflow, not enough reserves); the SDK
        // either throws too or returns a value outside uint160 / a non-positive price.
        assert.ok(!theirs.ok || theirs.value > MAX_U160 || theirs.value <= 0n, `Fluxion ${code}, SDK ${theirs.ok && theirs.value}: ${label}`)
      }
    }
  }
  assert.ok(compared > DIFF_CASES) // most cases are in the domain
})

test(`getAmount0Delta/getAmount1Delta equal the v3-sdk on ${DIFF_CASES} seeded cases each`, () => {
  const rand = seeded(33)
  for (const which of [0, 1]) {
    for (let i = 0; i < DIFF_CASES; i++) {
      const a = randomPrice(rand)
      const c = rand.chance(0.1) ? a : randomPrice(rand)
      const liquidity = rand.chance(0.02) ? 0n : rand.magnitude(128)
      const roundUp = rand.chance(0.5)
      const ours = which === 0 ? v3GetAmount0Delta(a, c, liquidity, roundUp) : v3GetAmount1Delta(a, c, liquidity, roundUp)
      const theirs = which === 0
        ? SqrtPriceMath.getAmount0Delta(j(a), j(c), j(liquidity), roundUp)
        : SqrtPriceMath.getAmount1Delta(j(a), j(c), j(liquidity), roundUp)
      assert.equal(ours, b(theirs), `getAmount${which}Delta(${a}, ${c}, ${liquidity}, ${roundUp})`)
    }
  }
})

test(`computeSwapStep equals the v3-sdk on ${DIFF_CASES} seeded cases`, () => {
  const rand = seeded(34)
  const fees = [100, 500, 3000, 10000]
  for (let i = 0; i < DIFF_CASES; i++) {
    const current = randomPrice(rand)
    // Targets near the price (one range), far away (amount runs out first), and a few wei away
    // (where the next price's rounding can land exactly on the target).
    const r = rand.int(0, 9)
    const sign = rand.chance(0.5) ? 1n : -1n
    const target = r < 4 ? randomPrice(rand) : r < 8 ? current + sign * (current >> BigInt(rand.int(1, 40))) : current + sign * rand.bigint(1n, 1000n)
    if (target < MIN_SQRT_RATIO || target > MAX_SQRT_RATIO) continue
    const liquidity = rand.chance(0.02) ? 0n : rand.magnitude(128)
    const magnitude = rand.magnitude(r >= 8 ? 70 : rand.chance(0.8) ? 128 : 255)
    const amount = rand.chance(0.5) ? magnitude : -magnitude
    const fee = rand.chance(0.8) ? fees[rand.int(0, 3)]! : rand.int(0, 999_999)
    const label = `computeSwapStep(${current}, ${target}, ${liquidity}, ${amount}, ${fee})`
    const theirs = sdk(() => SwapMath.computeSwapStep(j(current), j(target), j(liquidity), j(amount), fee).map(b))
    let ours: ReturnType<typeof v3ComputeSwapStep> | undefined
    const code = codeOf(() => (ours = v3ComputeSwapStep(current, target, liquidity, amount, fee)))
    if (code === undefined) {
      assert.ok(theirs.ok, `the SDK threw: ${label}`)
      assert.deepEqual([ours!.sqrtRatioNextX96, ours!.amountIn, ours!.amountOut, ours!.feeAmount], theirs.value, label)
    } else {
      // Only for exact outputs the range cannot pay in one step would the contract revert.
      assert.ok(!theirs.ok || theirs.value.some((v) => v > MAX_U256 || v < 0n) || theirs.value[0]! > MAX_U160, `Fluxion ${code}: ${label}`)
    }
  }
})

test(`mulDiv and mulDivRoundingUp equal exact bigint arithmetic (and the SDK) on ${DIFF_CASES} seeded cases`, () => {
  const rand = seeded(35)
  for (let i = 0; i < DIFF_CASES; i++) {
    const a = rand.magnitude(256)
    const c = rand.magnitude(256)
    const d = rand.chance(0.01) ? 0n : rand.magnitude(256)
    const floor = d === 0n ? undefined : (a * c) / d
    const ceil = d === 0n ? undefined : (a * c + d - 1n) / d
    if (floor === undefined || floor > MAX_U256) assert.equal(codeOf(() => v3MulDiv(a, c, d)), 'OVERFLOW')
    else assert.equal(v3MulDiv(a, c, d), floor)
    if (ceil === undefined || ceil > MAX_U256) assert.equal(codeOf(() => v3MulDivRoundingUp(a, c, d)), 'OVERFLOW')
    else {
      assert.equal(v3MulDivRoundingUp(a, c, d), ceil)
      assert.equal(ceil, b(FullMath.mulDivRoundingUp(j(a), j(c), j(d))))
    }
  }
  assert.ok(MAX_I256 > 0n)
})
