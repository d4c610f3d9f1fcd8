// Constant-product quotes: @uniswap/v2-sdk Pair.getOutputAmount against Fluxion's single calls,
// native pool and typed-array batch, on the same 1,000 seeded amounts.
import { Token, CurrencyAmount } from '@uniswap/sdk-core'
import { Pair } from '@uniswap/v2-sdk'
import { ConstantProductPool, v2GetAmountOut, v2GetAmountsOutBatch } from '@fluxion/native'
import { packU128 } from '@fluxion/native/packed'
import { runSuite } from './harness.js'
import { amounts } from './inputs.js'

const E18 = 10n ** 18n
const reserve0 = 5_000_000n * E18
const reserve1 = 9_000_000_000n * E18
const inputs = amounts(1, 1000, 10n ** 15n, 10n ** 24n)
const packed = packU128(inputs)

const token0 = new Token(1, '0x0000000000000000000000000000000000000001', 18)
const token1 = new Token(1, '0x0000000000000000000000000000000000000002', 18)
const pair = new Pair(CurrencyAmount.fromRawAmount(token0, reserve0.toString()), CurrencyAmount.fromRawAmount(token1, reserve1.toString()))
const sdkInputs = inputs.map((a) => CurrencyAmount.fromRawAmount(token0, a.toString()))
const pool = new ConstantProductPool(reserve0, reserve1, 30)

let i = 0
const next = () => (i = (i + 1) % inputs.length)

runSuite('amm-v2', [
  {
    title: 'constant-product quote, exact in (1,000 amounts, 5e6 / 9e9 tokens)',
    baseline: { name: '@uniswap/v2-sdk Pair.getOutputAmount', fn: () => pair.getOutputAmount(sdkInputs[next()]!) },
    fluxion: [
      { name: 'fluxion v2GetAmountOut (bigint)', fn: () => v2GetAmountOut(inputs[next()]!, reserve0, reserve1, 30) },
      { name: 'fluxion ConstantProductPool.quoteExactIn', fn: () => pool.quoteExactIn(inputs[next()]!, true) },
      { name: 'fluxion v2GetAmountsOutBatch (1,000 per call)', fn: () => v2GetAmountsOutBatch(reserve0, reserve1, packed, 30), items: inputs.length },
    ],
    target: { itemsPerSecond: 5_000_000, note: 'issue 2: batch constant-product quotes ≥ 5 M/s on one core' },
  },
])
