// Concentrated liquidity (Uniswap v3): @uniswap/v3-sdk against Fluxion's native maths and pool,
// on the same seeded inputs in one run.
//
// (a) computeSwapStep and getSqrtRatioAtTick: SDK (JSBI) vs Fluxion (bigint).
// (b) a swap crossing 10 initialized ticks: SDK Pool.getOutputAmount vs ConcentratedLiquidityPool.quoteExactIn.
// (c) single-range quotes: SDK Pool.getOutputAmount vs Fluxion's batch (1,000 amounts per call).
//
// The SDK's Pool.getOutputAmount is async (its tick provider is awaited at every step), which
// benchmark.js's synchronous mode cannot time, so (b) and (c) time the SDK with an awaited loop
// (sequential calls, batches of samples, 95 % margin as the harness reports) and Fluxion with
// benchmark.js as the harness does; the results are merged into bench/results/amm-v3.json.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Benchmark from 'benchmark'
import { createRequire } from 'node:module'
import { Token, CurrencyAmount } from '@uniswap/sdk-core'
import { Pool, SwapMath, TickMath } from '@uniswap/v3-sdk'
import { ConcentratedLiquidityPool, v3ComputeSwapStep, v3GetSqrtRatioAtTick } from '@fluxion/native'
import { packU128 } from '@fluxion/native/packed'
import { runSuite, type BenchCase, type CaseResult, type ComparisonResult } from './harness.js'
import { amounts } from './inputs.js'

// The SDK's own JSBI (a CommonJS class), typed as its declaration's default export.
const JSBI: typeof import('jsbi').default = createRequire(import.meta.url)('jsbi')

const maxTime = Number(process.env.BENCH_MAX_TIME ?? 2)
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

/** Times an async function with sequential awaited calls: samples of `batch` calls until `maxTime`. */
async function measureAsync(name: string, fn: () => Promise<unknown>, batch: number): Promise<CaseResult> {
  for (let w = 0; w < batch; w++) await fn() // warm-up
  const perCall: number[] = []
  const end = performance.now() + maxTime * 1000
  while (performance.now() < end || perCall.length < 5) {
    const t0 = performance.now()
    for (let k = 0; k < batch; k++) await fn()
    perCall.push((performance.now() - t0) / 1000 / batch)
  }
  const mean = perCall.reduce((s, x) => s + x, 0) / perCall.length
  const variance = perCall.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, perCall.length - 1)
  const rme = ((1.96 * Math.sqrt(variance / perCall.length)) / mean) * 100
  return { name, opsPerSecond: 1 / mean, itemsPerSecond: 1 / mean, relativeMarginOfError: rme, samples: perCall.length, ratioToBaseline: 1 }
}

/** Times a synchronous function with benchmark.js, as the harness does. */
function measureSync(name: string, fn: () => unknown, items: number): CaseResult {
  fn()
  const b = new Benchmark(name, fn, { maxTime, minSamples: 5 })
  b.run({ async: false })
  if (b.error) throw b.error
  return { name, opsPerSecond: b.hz, itemsPerSecond: b.hz * items, relativeMarginOfError: b.stats.rme, samples: b.stats.sample.length, ratioToBaseline: 1 }
}

await checkSameResults()

// (a) through the harness (both sides synchronous).
const syncResults = runSuite('amm-v3', [
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
])

// (b) and (c): Fluxion through benchmark.js, the async SDK through the awaited loop.
let c = 0
const nextCrossing = () => (c = (c + 1) % crossingAmounts.length)
const crossingSdk = await measureAsync('@uniswap/v3-sdk Pool.getOutputAmount (awaited)', () => sdkCrossingPool.getOutputAmount(sdkCrossingAmounts[nextCrossing()]!), 50)
const singleSdk = await measureAsync('@uniswap/v3-sdk Pool.getOutputAmount (awaited)', () => sdkSinglePool.getOutputAmount(sdkSingleAmounts[next()]!), 200)
const asyncComparisons: { title: string; sdk: CaseResult; fluxion: BenchCase[]; target: { ratio?: number; itemsPerSecond?: number; note: string } }[] = [
  {
    title: 'v3 swap crossing 10 initialized ticks (exact in, 100 amounts, spacing 60)',
    sdk: crossingSdk,
    fluxion: [{ name: 'fluxion ConcentratedLiquidityPool.quoteExactIn', fn: () => crossingPool.quoteExactIn(crossingAmounts[nextCrossing()]!, true) }],
    target: { ratio: 50, note: 'a 10-tick-crossing swap ≥ 50× the SDK end to end from JS' },
  },
  {
    title: 'v3 single-range quotes (exact in, 1,000 amounts, full-range liquidity 1e24)',
    sdk: singleSdk,
    fluxion: [
      { name: 'fluxion ConcentratedLiquidityPool.quoteExactIn', fn: () => singleRangePool.quoteExactIn(singleAmounts[next()]!, true) },
      { name: 'fluxion quoteExactInBatch (1,000 per call)', fn: () => singleRangePool.quoteExactInBatch(packedSingle, true), items: singleAmounts.length },
    ],
    target: { itemsPerSecond: 1_000_000, note: 'batch single-range quotes ≥ 1 M/s' },
  },
]
const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1))
const asyncResults: ComparisonResult[] = []
for (const cmp of asyncComparisons) {
  const ours = cmp.fluxion.map((f) => {
    const m = measureSync(f.name, f.fn, f.items ?? 1)
    return { ...m, ratioToBaseline: m.itemsPerSecond / cmp.sdk.itemsPerSecond }
  })
  const best = Math.max(...ours.map((o) => o.ratioToBaseline))
  const bestItems = Math.max(...ours.map((o) => o.itemsPerSecond))
  const targetMet = (cmp.target.ratio === undefined || best >= cmp.target.ratio) && (cmp.target.itemsPerSecond === undefined || bestItems >= cmp.target.itemsPerSecond)
  asyncResults.push({ title: cmp.title, baseline: cmp.sdk, fluxion: ours, target: cmp.target, targetMet })
  console.log(`\n${cmp.title}`)
  console.table([cmp.sdk, ...ours].map((r) => ({ case: r.name, 'ops/s': fmt(r.opsPerSecond), 'items/s': fmt(r.itemsPerSecond), '±%': r.relativeMarginOfError.toFixed(1), 'x baseline': r.ratioToBaseline.toFixed(1) })))
  console.log(`target: ${targetMet ? 'met' : 'NOT met'} (${cmp.target.note})`)
}

// One report for the suite: the harness's (a) plus (b) and (c).
const resultsDir = join(import.meta.dirname, 'results')
const report = JSON.parse(readFileSync(join(resultsDir, 'amm-v3.json'), 'utf8'))
report.results = [...syncResults, ...asyncResults]
report.note = 'SDK Pool.getOutputAmount is async: timed with sequential awaited calls; everything else with benchmark.js'
writeFileSync(join(resultsDir, 'amm-v3.json'), JSON.stringify(report, null, 2) + '\n')
console.log('\nwrote bench/results/amm-v3.json')
