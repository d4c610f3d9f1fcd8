// The native ConcentratedLiquidityPool: construction checks, typed errors, slippage, state
// updates and batch quotes. Whole swaps against @uniswap/v3-sdk are in v3-pool-swaps-*.test.ts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TickMath } from '@uniswap/v3-sdk'
import { ConcentratedLiquidityPool, type TickLiquidity } from '../fluxion.js'
import { packU128, unpackU128 } from '../packed.js'
import { codeOf, seeded } from '../test-support/random.js'

const E18 = 10n ** 18n
const Q96 = 1n << 96n
const MAX_TICK = 887272
const MIN_SQRT_RATIO = 4295128739n
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n

/** Two ranges around price 1: E18 on [−600, 600] and 2·E18 on [−60, 120], spacing 60. */
const twoRanges = (): TickLiquidity[] => [
  { tick: -600, liquidityNet: E18 },
  { tick: -60, liquidityNet: 2n * E18 },
  { tick: 120, liquidityNet: -2n * E18 },
  { tick: 600, liquidityNet: -E18 },
]

test('construction validates the state and the tick list', () => {
  const pool = new ConcentratedLiquidityPool(Q96, 3n * E18, 3000, 60, twoRanges())
  assert.equal(pool.sqrtPriceX96, Q96)
  assert.equal(pool.tick, 0)
  assert.equal(pool.liquidity, 3n * E18)
  assert.equal(pool.feePips, 3000)
  assert.equal(pool.tickSpacing, 60)
  assert.deepEqual(pool.ticks, twoRanges())
  const make = (price: bigint, liquidity: bigint, fee: number, spacing: number, ticks: TickLiquidity[], tick?: number) => () =>
    new ConcentratedLiquidityPool(price, liquidity, fee, spacing, ticks, tick)
  assert.equal(codeOf(make(Q96, 2n * E18, 3000, 60, twoRanges())), 'INVALID_INPUT') // liquidity ≠ sum at tick
  assert.equal(codeOf(make(Q96, 3n * E18, 3000, 60, twoRanges().reverse())), 'INVALID_INPUT') // unsorted
  assert.equal(codeOf(make(Q96, 3n * E18, 3000, 7, twoRanges())), 'INVALID_INPUT') // not multiples
  assert.equal(codeOf(make(Q96, 3n * E18, 3000, 60, twoRanges().slice(0, 3))), 'INVALID_INPUT') // sum ≠ 0
  assert.equal(codeOf(make(Q96, 3n * E18, 3000, 60, [...twoRanges(), { tick: 600, liquidityNet: 0n }])), 'INVALID_INPUT') // duplicate
  assert.equal(codeOf(make(Q96, 0n, 3000, 60, [{ tick: -60, liquidityNet: -1n }, { tick: 60, liquidityNet: 1n }])), 'INVALID_INPUT') // negative liquidity
  assert.equal(codeOf(make(Q96, 0n, 3000, 1, [{ tick: MAX_TICK + 1, liquidityNet: 0n }])), 'INVALID_INPUT')
  assert.equal(codeOf(make(Q96, 0n, 3000, 60, [{ tick: 60, liquidityNet: 1n << 127n }])), 'INVALID_INPUT') // int128
  assert.equal(codeOf(make(Q96, 0n, 3000, 60, [{ tick: 0.5, liquidityNet: 0n }])), 'INVALID_INPUT')
  assert.equal(codeOf(make(Q96, 0n, 3000, 60, [{ tick: 60, liquidityNet: 5 as unknown as bigint }])), 'INVALID_INPUT')
  assert.equal(codeOf(make(MAX_SQRT_RATIO, 0n, 3000, 60, [])), 'INVALID_INPUT')
  assert.equal(codeOf(make(MIN_SQRT_RATIO - 1n, 0n, 3000, 60, [])), 'INVALID_INPUT')
  assert.equal(codeOf(make(Q96, 0n, 1_000_000, 60, [])), 'INVALID_INPUT')
  assert.equal(codeOf(make(Q96, 0n, 3000, 0, [])), 'INVALID_INPUT')
  assert.equal(codeOf(make(Q96, 0n, 3000, 16384, [])), 'INVALID_INPUT')
  assert.equal(codeOf(make(Q96, -1n, 3000, 60, [])), 'INVALID_INPUT')
  assert.equal(codeOf(make(Q96, 0n, 3000, 60, [], 5)), 'INVALID_INPUT') // tick does not hold the price
  assert.equal(new ConcentratedLiquidityPool(Q96, 0n, 3000, 60, [], -1).tick, -1) // on a boundary crossed downward
})

test('quotes reject zero amounts and price limits on the wrong side', () => {
  const pool = new ConcentratedLiquidityPool(Q96, 3n * E18, 3000, 60, twoRanges())
  assert.equal(codeOf(() => pool.quoteExactIn(0n, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteExactOut(0n, false)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteExactIn(-5n, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteExactIn(1n << 255n, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteExactIn(E18, true, Q96 + 1n)), 'PRICE_LIMIT')
  assert.equal(codeOf(() => pool.quoteExactIn(E18, true, Q96)), 'PRICE_LIMIT')
  assert.equal(codeOf(() => pool.quoteExactIn(E18, true, MIN_SQRT_RATIO)), 'PRICE_LIMIT')
  assert.equal(codeOf(() => pool.quoteExactIn(E18, false, Q96 - 1n)), 'PRICE_LIMIT')
  assert.equal(codeOf(() => pool.quoteExactIn(E18, false, MAX_SQRT_RATIO)), 'PRICE_LIMIT')
  assert.equal(codeOf(() => pool.quoteExactIn(E18, false, 1n << 160n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteExactOut(100n * E18, true)), 'INSUFFICIENT_LIQUIDITY')
})

test('swaps apply the quoted state; a swap past slippage changes nothing', () => {
  const pool = new ConcentratedLiquidityPool(Q96, 3n * E18, 3000, 60, twoRanges())
  const quote = pool.quoteExactIn(E18 / 10n, true)
  assert.equal(codeOf(() => pool.swapExactIn(E18 / 10n, true, quote.amountOut + 1n)), 'SLIPPAGE_EXCEEDED')
  assert.equal(pool.sqrtPriceX96, Q96)
  assert.equal(pool.liquidity, 3n * E18)
  const done = pool.swapExactIn(E18 / 10n, true, quote.amountOut)
  assert.deepEqual(done, quote)
  assert.ok(done.ticksCrossed >= 1)
  assert.equal(pool.sqrtPriceX96, quote.sqrtPriceAfter)
  assert.equal(pool.tick, quote.tickAfter)
  assert.equal(pool.liquidity, quote.liquidityAfter)
  // Buying back the same token1 costs at most what it paid plus fees both ways.
  const back = pool.quoteExactOut(quote.amountOut, false)
  assert.equal(codeOf(() => pool.swapExactOut(quote.amountOut, false, back.amountIn - 1n)), 'SLIPPAGE_EXCEEDED')
  assert.equal(pool.sqrtPriceX96, quote.sqrtPriceAfter)
  const after = pool.swapExactOut(quote.amountOut, false, back.amountIn)
  assert.equal(after.amountOut, quote.amountOut)
  assert.equal(pool.tick, after.tickAfter)
})

test('batch quotes equal single quotes and fail as a whole on a bad element', () => {
  const pool = new ConcentratedLiquidityPool(Q96, 3n * E18, 3000, 60, twoRanges())
  const rand = seeded(41)
  const amounts = Array.from({ length: 500 }, () => rand.magnitude(66))
  for (const zeroForOne of [true, false]) {
    const out = unpackU128(pool.quoteExactInBatch(packU128(amounts), zeroForOne))
    assert.deepEqual(out, amounts.map((a) => pool.quoteExactIn(a, zeroForOne).amountOut))
  }
  assert.equal(codeOf(() => pool.quoteExactInBatch(packU128([1n, 0n]), true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteExactInBatch(new BigUint64Array(3), true)), 'INVALID_INPUT')
})

test('quoteAmountOut is the amountOut of quoteExactIn, in both directions and with limits', () => {
  const pool = new ConcentratedLiquidityPool(Q96, 3n * E18, 3000, 60, twoRanges())
  const rand = seeded(31)
  for (let i = 0; i < 2000; i++) {
    const amount = rand.magnitude(70)
    const zeroForOne = rand.chance(0.5)
    const limit = rand.chance(0.3) ? (zeroForOne ? Q96 - Q96 / 50n : Q96 + Q96 / 50n) : undefined
    assert.equal(pool.quoteAmountOut(amount, zeroForOne, limit), pool.quoteExactIn(amount, zeroForOne, limit).amountOut)
  }
  assert.equal(codeOf(() => pool.quoteAmountOut(0n, true)), 'INVALID_INPUT')
})

test('TickMath bounds agree with the SDK', () => {
  assert.equal(MIN_SQRT_RATIO, BigInt(TickMath.MIN_SQRT_RATIO.toString()))
  assert.equal(MAX_SQRT_RATIO, BigInt(TickMath.MAX_SQRT_RATIO.toString()))
})
