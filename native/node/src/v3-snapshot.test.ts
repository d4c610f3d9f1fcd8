// The 240 whole-pool swaps of Uniswap v3-core's own snapshot (UniswapV3Pool.swaps.spec.ts), turned
// into test-support/fixtures/v3-pool-swaps-snapshot.json by the generator beside it: 15 pools
// (fees, prices from the edges of the range, liquidity gaps, max liquidity per tick) × 16 swaps
// (exact in / out, both directions, with and without price limits). The pool's balance deltas,
// its tick after the swap and the SPL reverts must all match.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConcentratedLiquidityPool, v3GetTickAtSqrtRatio } from '../fluxion.js'
import { codeOf } from '../test-support/random.js'

interface Fixture {
  source: string
  pools: {
    description: string
    feePips: number
    tickSpacing: number
    sqrtPriceX96: string
    positions: { tickLower: number; tickUpper: number; liquidity: string }[]
    swaps: {
      name: string
      zeroForOne: boolean
      exactInput: boolean
      amount: string
      sqrtPriceLimitX96: string
      expected: { error?: string; amount0Delta?: string; amount1Delta?: string; tickBefore: number; tickAfter?: number; poolPriceAfter?: string }
    }[]
  }[]
}

const fixture: Fixture = JSON.parse(readFileSync(join(__dirname, '../test-support/fixtures/v3-pool-swaps-snapshot.json'), 'utf8'))

test('v3-core swap snapshot: 240 whole-pool swaps match to the wei', () => {
  let swaps = 0
  let reverts = 0
  for (const p of fixture.pools) {
    const net = new Map<number, bigint>()
    for (const { tickLower, tickUpper, liquidity } of p.positions) {
      net.set(tickLower, (net.get(tickLower) ?? 0n) + BigInt(liquidity))
      net.set(tickUpper, (net.get(tickUpper) ?? 0n) - BigInt(liquidity))
    }
    const ticks = [...net.entries()].sort(([a], [b]) => a - b).map(([tick, liquidityNet]) => ({ tick, liquidityNet }))
    const price = BigInt(p.sqrtPriceX96)
    const tick = v3GetTickAtSqrtRatio(price)
    const liquidity = ticks.filter((t) => t.tick <= tick).reduce((s, t) => s + t.liquidityNet, 0n)
    const pool = new ConcentratedLiquidityPool(price, liquidity, p.feePips, p.tickSpacing, ticks)
    for (const s of p.swaps) {
      const label = `${p.description}: ${s.name}`
      assert.equal(pool.tick, s.expected.tickBefore, `tickBefore, ${label}`)
      const amount = BigInt(s.amount)
      const limit = BigInt(s.sqrtPriceLimitX96)
      const quote = () => (s.exactInput ? pool.quoteExactIn(amount, s.zeroForOne, limit) : pool.quoteExactOut(amount, s.zeroForOne, limit))
      if (s.expected.error !== undefined) {
        assert.equal(s.expected.error, 'SPL')
        assert.equal(codeOf(quote), 'PRICE_LIMIT', label)
        reverts++
        continue
      }
      const r = quote()
      const amount0Delta = s.zeroForOne ? r.amountIn : -r.amountOut
      const amount1Delta = s.zeroForOne ? -r.amountOut : r.amountIn
      assert.equal(amount0Delta.toString(), s.expected.amount0Delta, `amount0Delta, ${label}`)
      assert.equal(amount1Delta.toString(), s.expected.amount1Delta, `amount1Delta, ${label}`)
      assert.equal(r.tickAfter, s.expected.tickAfter, `tickAfter, ${label}`)
      // poolPriceAfter is printed to 5 significant digits (decimal.js); compare in floating point.
      const priceAfter = (Number(r.sqrtPriceAfter) / 2 ** 96) ** 2
      const printed = Number(s.expected.poolPriceAfter)
      assert.ok(Math.abs(priceAfter - printed) <= Math.abs(printed) * 1e-4, `poolPriceAfter ${priceAfter} vs ${printed}, ${label}`)
      swaps++
    }
  }
  assert.equal(swaps + reverts, 240)
  assert.equal(reverts, 50)
})
