// Differential test of whole v3 swaps: Fluxion's native ConcentratedLiquidityPool against
// @uniswap/v3-sdk Pool + TickListDataProvider on seeded random pools. The SDK walks every step in
// JSBI, so the cases are sharded over four test files (exact in / out × direction), each kept
// under a minute at the full case count.
import assert from 'node:assert/strict'
import JSBI from 'jsbi'
import { Token, CurrencyAmount } from '@uniswap/sdk-core'
import { Pool } from '@uniswap/v3-sdk'
import { ConcentratedLiquidityPool, v3GetSqrtRatioAtTick, v3GetTickAtSqrtRatio } from '../fluxion.js'
import { codeOf, seeded } from '../test-support/random.js'

const MIN_TICK = -887272
const MAX_TICK = 887272
const MIN_SQRT_RATIO = 4295128739n
const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n
const SPACING: Record<number, number> = { 100: 1, 500: 10, 3000: 60, 10000: 200 }
const token0 = new Token(1, '0x0000000000000000000000000000000000000001', 18)
const token1 = new Token(1, '0x0000000000000000000000000000000000000002', 18)

/** A random pool's state, with the gross liquidity the SDK's ticks want. */
export interface RandomPool {
  fee: number
  spacing: number
  sqrtPriceX96: bigint
  tick: number
  liquidity: bigint
  ticks: { tick: number; liquidityNet: bigint; liquidityGross: bigint }[]
  fullRange: boolean
  spread: number
}

/** A pool with 1–8 positions around a random price (sometimes one full-range position). */
export function randomPool(rand: ReturnType<typeof seeded>): RandomPool {
  const fee = [100, 500, 3000, 10000][rand.int(0, 3)]!
  const spacing = SPACING[fee]!
  const minUsable = Math.ceil(MIN_TICK / spacing) * spacing
  const maxUsable = Math.floor(MAX_TICK / spacing) * spacing
  const centre = rand.int(-400_000, 400_000)
  const spread = rand.int(1, 30) * spacing
  const net = new Map<number, bigint>()
  const gross = new Map<number, bigint>()
  const add = (lower: number, upper: number, liquidity: bigint) => {
    net.set(lower, (net.get(lower) ?? 0n) + liquidity)
    net.set(upper, (net.get(upper) ?? 0n) - liquidity)
    gross.set(lower, (gross.get(lower) ?? 0n) + liquidity)
    gross.set(upper, (gross.get(upper) ?? 0n) + liquidity)
  }
  const fullRange = rand.chance(0.5)
  if (fullRange) add(minUsable, maxUsable, rand.magnitude(100, 40))
  const positions = rand.int(3, 12)
  for (let k = 0; k < positions; k++) {
    const lower = Math.floor((centre + rand.int(-spread, spread)) / spacing) * spacing
    const upper = lower + rand.int(1, Math.max(1, (2 * spread) / spacing)) * spacing
    if (lower < minUsable || upper > maxUsable) continue
    add(lower, upper, rand.magnitude(100, 40))
  }
  if (net.size === 0) add(Math.floor(centre / spacing) * spacing, Math.floor(centre / spacing) * spacing + spacing, 10n ** 18n)
  const ticks = [...net.keys()].sort((a, c) => a - c).map((t) => ({ tick: t, liquidityNet: net.get(t)!, liquidityGross: gross.get(t)! }))
  const tick0 = Math.min(MAX_TICK - 1, Math.max(MIN_TICK, centre + rand.int(-spread, spread)))
  const low = v3GetSqrtRatioAtTick(tick0)
  const high = v3GetSqrtRatioAtTick(tick0 + 1)
  const sqrtPriceX96 = rand.chance(0.1) ? low : rand.bigint(low, high - 1n)
  const tick = v3GetTickAtSqrtRatio(sqrtPriceX96)
  const liquidity = ticks.filter((t) => t.tick <= tick).reduce((s, t) => s + t.liquidityNet, 0n)
  return { fee, spacing, sqrtPriceX96, tick, liquidity, ticks, fullRange, spread }
}

/** Swaps of one kind and direction compared field by field; returns what the cases exercised. */
export async function comparePoolSwaps(options: { exactIn: boolean; zeroForOne: boolean; cases: number; seed: number }) {
  const { exactIn, zeroForOne, cases } = options
  const rand = seeded(options.seed)
  let sdkMs = 0
  const counts = { exactIn: 0, exactOut: 0, crossed: 0, multi: 0, partial: 0, limited: 0 }
  for (let i = 0; i < cases; i++) {
    const p = randomPool(rand)
    const ours = new ConcentratedLiquidityPool(p.sqrtPriceX96, p.liquidity, p.fee, p.spacing, p.ticks.map(({ tick, liquidityNet }) => ({ tick, liquidityNet })))
    const sdkTicks = p.ticks.map((t) => ({ index: t.tick, liquidityNet: t.liquidityNet.toString(), liquidityGross: t.liquidityGross.toString() }))
    const theirs = new Pool(token0, token1, p.fee, p.sqrtPriceX96.toString(), p.liquidity.toString(), p.tick, sdkTicks)
    // Walking an empty tick range to the edge of the price range costs the SDK thousands of
    // steps with a small spacing, so such pools always get a price limit a few words away.
    let limit: bigint | undefined
    if (rand.chance(0.3) || !p.fullRange) {
      const limitTick = p.tick + (zeroForOne ? -1 : 1) * (rand.chance(0.2) ? rand.int(1, p.spread) : rand.int(2 * p.spread, 6 * p.spread))
      limit = v3GetSqrtRatioAtTick(Math.min(MAX_TICK, Math.max(MIN_TICK, limitTick)))
      if (zeroForOne ? limit >= p.sqrtPriceX96 || limit <= MIN_SQRT_RATIO : limit <= p.sqrtPriceX96 || limit >= MAX_SQRT_RATIO) limit = undefined
    }
    const defaultLimit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n
    // Aim the amount at the k-th initialized tick in the swap's direction (found with a probe
    // quote, then scaled by 0.5–1.5) so that most swaps cross several ticks; k = 0 gives amounts
    // scaled to the token's virtual reserve, from dust up.
    // (Full-range ends are left out: swapping to them walks the SDK across the whole range.)
    const near = p.ticks.filter((t) => Math.abs(t.tick - p.tick) <= 4 * p.spread)
    const ahead = zeroForOne ? near.filter((t) => t.tick <= p.tick).reverse() : near.filter((t) => t.tick > p.tick)
    const k = rand.int(0, Math.min(ahead.length, 6))
    let amount: bigint
    const probeLimit = k > 0 ? v3GetSqrtRatioAtTick(ahead[k - 1]!.tick) : undefined
    if (probeLimit !== undefined && (zeroForOne ? probeLimit < p.sqrtPriceX96 && probeLimit > MIN_SQRT_RATIO : probeLimit > p.sqrtPriceX96 && probeLimit < MAX_SQRT_RATIO)) {
      const huge = 1n << 200n
      const probe = exactIn ? ours.quoteExactIn(huge, zeroForOne, probeLimit).amountIn : ours.quoteExactOut(huge, zeroForOne, probeLimit).amountOut
      amount = (probe * BigInt(rand.int(50, 150))) / 100n + 1n
    } else {
      const liquidity = p.liquidity > 0n ? p.liquidity : 10n ** 18n
      const reserve = zeroForOne === exactIn ? (liquidity << 96n) / p.sqrtPriceX96 : (liquidity * p.sqrtPriceX96) >> 96n
      // Amounts beyond the reserve walk the SDK word by word to the edge of the price range
      // (thousands of steps at spacing 1), so they are rare.
      const top = rand.chance(0.03) ? 1 : -1
      amount = rand.magnitude(Math.min(160, Math.max(8, reserve.toString(2).length + rand.int(-14, top))))
    }
    const label = `case ${i}: ${JSON.stringify({ ...p, ticks: p.ticks.length }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))} zeroForOne=${zeroForOne} exactIn=${exactIn} amount=${amount} limit=${limit}`
    const sdkLimit = limit === undefined ? undefined : JSBI.BigInt(limit.toString())
    if (limit !== undefined) counts.limited++
    if (exactIn) {
      const q = ours.quoteExactIn(amount, zeroForOne, limit)
      const t0 = performance.now()
      const [out, after] = await theirs.getOutputAmount(CurrencyAmount.fromRawAmount(zeroForOne ? token0 : token1, amount.toString()), sdkLimit)
      sdkMs += performance.now() - t0
      assert.equal(q.amountOut, BigInt(out.quotient.toString()), `amountOut, ${label}`)
      assert.equal(q.sqrtPriceAfter, BigInt(after.sqrtRatioX96.toString()), `sqrtPriceAfter, ${label}`)
      assert.equal(q.tickAfter, after.tickCurrent, `tickAfter, ${label}`)
      assert.equal(q.liquidityAfter, BigInt(after.liquidity.toString()), `liquidityAfter, ${label}`)
      counts.exactIn++
      if (q.ticksCrossed >= 1) counts.crossed++
      if (q.ticksCrossed >= 3) counts.multi++
    } else {
      // The pool (and the SDK) fill an exact output partly when liquidity or the limit runs
      // out; Fluxion returns that with an explicit limit and refuses it without one.
      const q = ours.quoteExactOut(amount, zeroForOne, limit ?? defaultLimit)
      const t0 = performance.now()
      const [inp, after] = await theirs.getInputAmount(CurrencyAmount.fromRawAmount(zeroForOne ? token1 : token0, amount.toString()), sdkLimit)
      sdkMs += performance.now() - t0
      assert.equal(q.amountIn, BigInt(inp.quotient.toString()), `amountIn, ${label}`)
      assert.equal(q.sqrtPriceAfter, BigInt(after.sqrtRatioX96.toString()), `sqrtPriceAfter, ${label}`)
      assert.equal(q.tickAfter, after.tickCurrent, `tickAfter, ${label}`)
      assert.equal(q.liquidityAfter, BigInt(after.liquidity.toString()), `liquidityAfter, ${label}`)
      if (q.amountOut < amount) {
        counts.partial++
        if (limit === undefined) assert.equal(codeOf(() => ours.quoteExactOut(amount, zeroForOne)), 'INSUFFICIENT_LIQUIDITY')
      } else {
        assert.deepEqual(ours.quoteExactOut(amount, zeroForOne, limit), q)
      }
      counts.exactOut++
      if (q.ticksCrossed >= 1) counts.crossed++
      if (q.ticksCrossed >= 3) counts.multi++
    }
  }
  // The generator must exercise what it claims: both kinds, multi-tick crossings, partial fills, limits.
  if (cases >= 1000) {
    assert.ok(counts.crossed > cases / 5 && counts.multi > cases / 20, JSON.stringify(counts))
    assert.ok((exactIn || counts.partial > 0) && counts.limited > cases / 10, JSON.stringify(counts))
  }
  return { ...counts, sdkMs: Math.round(sdkMs) }
}

