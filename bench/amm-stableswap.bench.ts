// StableSwap quotes: @pancakeswap/stable-swap-sdk getSwapOutput against Fluxion's single call,
// native pool and typed-array batch (PancakeSwap variant, so all four give the same numbers), and
// Fluxion's Curve template pool on the same state, on the same 1,000 seeded amounts.
import { getSwapOutput } from '../native/node/test-support/pancakeswap-stable-sdk.js'
import { ERC20Token } from '@pancakeswap/sdk'
import { CurrencyAmount, Percent } from '@pancakeswap/swap-sdk-core'
import { StableSwapPool, stableswapGetDy, type StableSwapParams } from '@fluxion/native'
import { packU128 } from '@fluxion/native/packed'
import { runSuite } from './harness.js'
import { amounts } from './inputs.js'


const E18 = 10n ** 18n
// A 3pool-like state: 18/6/6 decimals, ~10 M tokens each, A = 1000, fee 4 bps.
const decimals = [18, 6, 6]
const rates = decimals.map((d) => E18 * 10n ** BigInt(18 - d))
const balances = [10_200_000n * E18, 9_800_000n * 10n ** 6n, 10_050_000n * 10n ** 6n]
const amplifier = 1000n
const fee = 4_000_000
const inputs = amounts(7, 1000, 10n ** 15n, 10n ** 24n)
const packed = packU128(inputs)

const tokens = decimals.map((d, k) => new ERC20Token(56, `0x000000000000000000000000000000000000000${k + 1}`, d, `T${k}`))
const sdkBalances = balances.map((b, k) => CurrencyAmount.fromRawAmount(tokens[k]!, b))
const sdkInputs = inputs.map((a) => CurrencyAmount.fromRawAmount(tokens[0]!, a))
const sdkFee = new Percent(BigInt(fee), 10_000_000_000n)
const pancake: StableSwapParams = { amp: amplifier, aPrecision: 1, fee, variant: 'pancakeswap' }
const pool = new StableSwapPool(balances, rates, pancake)
const curvePool = new StableSwapPool(balances, rates, { amp: amplifier * 100n, aPrecision: 100, fee, variant: 'curve-template' })

// The two implementations agree on every input before anything is timed.
for (let k = 0; k < inputs.length; k++) {
  const theirs = getSwapOutput({ amplifier, balances: sdkBalances, amount: sdkInputs[k]!, outputCurrency: tokens[1]!, fee: sdkFee }).quotient
  if (pool.quoteExactIn(0, 1, inputs[k]!) !== theirs) throw new Error(`mismatch at input ${k}`)
}

let i = 0
const next = () => (i = (i + 1) % inputs.length)

runSuite('amm-stableswap', [
  {
    title: 'StableSwap quote, 3 coins (18/6/6 decimals), exact in (1,000 amounts, ~1e7 tokens per coin)',
    baseline: {
      name: '@pancakeswap/stable-swap-sdk getSwapOutput',
      fn: () => getSwapOutput({ amplifier, balances: sdkBalances, amount: sdkInputs[next()]!, outputCurrency: tokens[1]!, fee: sdkFee }),
    },
    fluxion: [
      { name: 'fluxion stableswapGetDy (bigint arrays)', fn: () => stableswapGetDy(0, 1, inputs[next()]!, balances, rates, pancake) },
      { name: 'fluxion StableSwapPool.quoteExactIn', fn: () => pool.quoteExactIn(0, 1, inputs[next()]!) },
      { name: 'fluxion StableSwapPool.quoteExactInBatch (1,000 per call)', fn: () => pool.quoteExactInBatch(0, 1, packed), items: inputs.length },
      { name: 'fluxion StableSwapPool.quoteExactIn (curve-template)', fn: () => curvePool.quoteExactIn(0, 1, inputs[next()]!) },
    ],
  },
])
