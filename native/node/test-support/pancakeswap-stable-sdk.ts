// @pancakeswap/stable-swap-sdk with types, for the differential tests and the benchmark.
// The SDK's index.d.ts re-exports `./amm` without an extension, which NodeNext resolution cannot
// follow, so its signatures (dist/amm/amm.d.ts, dist/amm/getSwapOutput.d.ts) are restated here.
import * as stableSwapSdk from '@pancakeswap/stable-swap-sdk'
import type { Currency, CurrencyAmount, Percent } from '@pancakeswap/swap-sdk-core'

export const { getD, getSwapOutput } = stableSwapSdk as unknown as {
  getD(params: { amplifier: bigint; balances: bigint[] }): bigint
  getSwapOutput(params: {
    amplifier: bigint
    balances: CurrencyAmount<Currency>[]
    amount: CurrencyAmount<Currency>
    outputCurrency: Currency
    fee: Percent
  }): CurrencyAmount<Currency>
}
