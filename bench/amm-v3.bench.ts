// Concentrated liquidity (Uniswap v3): @uniswap/v3-sdk against Fluxion's native maths and pool,
// on the same seeded inputs in one run.
//
// (a) computeSwapStep and getSqrtRatioAtTick: SDK (JSBI) vs Fluxion (bigint).
// (b) a swap crossing 10 initialized ticks: SDK Pool.getOutputAmount vs ConcentratedLiquidityPool.quoteExactIn.
// (c) single-range quotes: SDK Pool.getOutputAmount vs Fluxion's batch (1,000 amounts per call).
//
// The SDK's Pool.getOutputAmount is async (its tick provider is awaited at every step): the
// harness times it to the settlement of each promise.
import { createRequire } from 'node:module'
import { Token, CurrencyAmount } from '@uniswap/sdk-core'
import { Pool, SwapMath, TickMath } from '@uniswap/v3-sdk'
import { ConcentratedLiquidityPool, v3ComputeSwapStep, v3GetSqrtRatioAtTick } from '@fluxion/native'
import { packU128 } from '@fluxion/native/packed'
import { runSuite } from './harness.js'
import { amounts } from './inputs.js'

// The SDK's own JSBI (a CommonJS class), typed as its declaration's default export.
const JSBI: typeof import('jsbi').default = createRequire(import.meta.url)('jsbi')

const E18 = 10n ** 18n
const Q96 = 1n << 96n
const token0 = new Token(1, '0x0000000000000000000000000000000000000001', 18)
const token1 = new Token(1, '0x0000000000000000000000000000000000000002', 18)
const j = (v: bigint) => JSBI.BigInt(v.toString())

// (a) inputs: 1,000 steps from price 1 toward 1.01 / 0.99 with varied amounts, and 1,000 ticks.
const stepAmounts = amounts(3, 1000, 10n ** 12n, 10n ** 24n)
const targets = [79623317895830914510639640423n, 78833030112140176575862854579n]
const steps = stepAmounts.map((a, i) => ({ target: targets[i % 2]!, liquidity: 2n * E18, amount: i % 3 === 0 ? -a : a, fee: 3000 }))
const sdkSteps = steps.map((s) => ({ target: j(s.target), liquidity: j(s.liquidity), amount: j(s.amount), fee: s.fee }))
const sdkQ96 = j(Q96)
const ticks = amounts(4, 1000, 1n, 887272n).map((t, i) => (i % 2 === 0 ? Number(t) : -Number(t)))

let i = 0
const next = () => (i = (i + 1) % 1000)

// (b) nested ranges [−600k, 600k] for k = 1..12 (1e18 each) around price 1, spacing 60; the
// amount sells token0 through exactly 10 initialized ticks (−600 … −6000).
const nested = Array.from({ length: 12 }, (_, k) => 600 * (k + 1))
const nestedTicks = [...nested.map((t) => ({ tick: -t, liquidityNet: E18 })), ...nested.map((t) => ({ tick: t, liquidityNet: -E18 }))].sort((a, b) => a.tick - b.tick)
const crossingPool = new ConcentratedLiquidityPool(Q96, 12n * E18, 3000, 60, nestedTicks)
const to10 = crossingPool.quoteExactIn(1n << 200n, true, v3GetSqrtRatioAtTick(-6000)).amountIn
const to11 = crossingPool.quoteExactIn(1n << 200n, true, v3GetSqrtRatioAtTick(-6600)).amountIn
const crossingAmounts = amounts(5, 100, to10 + 1n, to11 - 1n)
const sdkTicks = nestedTicks.map((t) => ({ index: t.tick, liquidityNet: t.liquidityNet.toString(), liquidityGross: E18.toString() }))
const sdkCrossingPool = new Pool(token0, token1, 3000, Q96.toString(), (12n * E18).toString(), 0, sdkTicks)
const sdkCrossingAmounts = crossingAmounts.map((a) => CurrencyAmount.fromRawAmount(token0, a.toString()))

// (c) one full-range position (spacing 60) at a price inside a tick (1.002), 1,000 amounts from
// 1e15 to 1e21.
const fullRange = [{ tick: -887220, liquidityNet: 1_000_000n * E18 }, { tick: 887220, liquidityNet: -1_000_000n * E18 }]
const singlePrice = Q96 + Q96 / 1000n
const singleRangePool = new ConcentratedLiquidityPool(singlePrice, 1_000_000n * E18, 3000, 60, fullRange)
const singleAmounts = amounts(6, 1000, 10n ** 15n, 10n ** 21n)
const packedSingle = packU128(singleAmounts)
const sdkSinglePool = new Pool(token0, token1, 3000, singlePrice.toString(), (1_000_000n * E18).toString(), singleRangePool.tick, fullRange.map((t) => ({ index: t.tick, liquidityNet: t.liquidityNet.toString(), liquidityGross: (1_000_000n * E18).toString() })))
const sdkSingleAmounts = singleAmounts.map((a) => CurrencyAmount.fromRawAmount(token0, a.toString()))

// The SDK and Fluxion must agree on what is timed (and the crossing case must cross 10 ticks).
async function checkSameResults(): Promise<void> {
  for (let k = 0; k < crossingAmounts.length; k++) {
    const ours = crossingPool.quoteExactIn(crossingAmounts[k]!, true)
    if (ours.ticksCrossed !== 10) throw new Error(`crossing case crossed ${ours.ticksCrossed} ticks`)
    const [theirs] = await sdkCrossingPool.getOutputAmount(sdkCrossingAmounts[k]!)
    if (theirs.quotient.toString() !== ours.amountOut.toString()) throw new Error(`crossing case ${k} differs`)
  }
  for (let k = 0; k < 200; k++) {
    const [theirs] = await sdkSinglePool.getOutputAmount(sdkSingleAmounts[k]!)
    if (theirs.quotient.toString() !== singleRangePool.quoteExactIn(singleAmounts[k]!, true).amountOut.toString()) throw new Error(`single-range case ${k} differs`)
  }
}

await checkSameResults()

let c = 0
const nextCrossing = () => (c = (c + 1) % crossingAmounts.length)

await runSuite('amm-v3', [
  {
    title: 'v3 computeSwapStep (1,000 steps, exact in and out, liquidity 2e18)',
    baseline: {
      name: '@uniswap/v3-sdk SwapMath.computeSwapStep (JSBI)',
      fn: () => {
        const s = sdkSteps[next()]!
        return SwapMath.computeSwapStep(sdkQ96, s.target, s.liquidity, s.amount, s.fee)
      },
    },
    fluxion: [
      {
        name: 'fluxion v3ComputeSwapStep (bigint)',
        fn: () => {
          const s = steps[next()]!
          return v3ComputeSwapStep(Q96, s.target, s.liquidity, s.amount, s.fee)
        },
      },
    ],
  },
  {
    title: 'v3 getSqrtRatioAtTick (1,000 ticks over the whole range)',
    baseline: { name: '@uniswap/v3-sdk TickMath.getSqrtRatioAtTick (JSBI)', fn: () => TickMath.getSqrtRatioAtTick(ticks[next()]!) },
    fluxion: [{ name: 'fluxion v3GetSqrtRatioAtTick (bigint)', fn: () => v3GetSqrtRatioAtTick(ticks[next()]!) }],
  },
  {
    title: 'v3 swap crossing 10 initialized ticks (exact in, 100 amounts, spacing 60)',
    baseline: { name: '@uniswap/v3-sdk Pool.getOutputAmount', fn: () => sdkCrossingPool.getOutputAmount(sdkCrossingAmounts[nextCrossing()]!), async: true },
    fluxion: [
      { name: 'fluxion ConcentratedLiquidityPool.quoteExactIn (full result)', fn: () => crossingPool.quoteExactIn(crossingAmounts[nextCrossing()]!, true) },
      { name: 'fluxion ConcentratedLiquidityPool.quoteAmountOut', fn: () => crossingPool.quoteAmountOut(crossingAmounts[nextCrossing()]!, true) },
    ],
    target: { ratio: 50, note: 'issue 2: a 10-tick-crossing swap ≥ 50× Pool.getOutputAmount end to end from JS' },
  },
  {
    title: 'v3 single-range quotes (exact in, 1,000 amounts, full-range liquidity 1e24)',
    baseline: { name: '@uniswap/v3-sdk Pool.getOutputAmount', fn: () => sdkSinglePool.getOutputAmount(sdkSingleAmounts[next()]!), async: true },
    fluxion: [
      { name: 'fluxion ConcentratedLiquidityPool.quoteExactIn', fn: () => singleRangePool.quoteExactIn(singleAmounts[next()]!, true) },
      { name: 'fluxion quoteExactInBatch (1,000 per call)', fn: () => singleRangePool.quoteExactInBatch(packedSingle, true), items: singleAmounts.length },
    ],
    target: { itemsPerSecond: 1_000_000, note: 'issue 2: batch single-range quotes ≥ 1 M/s on one core' },
  },
])
