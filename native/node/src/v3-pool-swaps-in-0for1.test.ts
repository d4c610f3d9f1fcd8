// Whole multi-tick v3 swaps, exact in, token0 → token1: Fluxion against @uniswap/v3-sdk Pool.getOutputAmount (one of four shards, see v3-pool-differential.ts).
import { test } from 'node:test'
import { DIFF_CASES } from '../test-support/random.js'
import { comparePoolSwaps } from './v3-pool-differential.js'

const cases = Math.ceil(DIFF_CASES / 4)
test(`exact in, token0 → token1: whole swaps equal v3-sdk Pool.getOutputAmount on ${cases} seeded pools (shard of ${DIFF_CASES})`, async (t) => {
  const coverage = await comparePoolSwaps({ exactIn: true, zeroForOne: true, cases, seed: 42 })
  t.diagnostic(JSON.stringify(coverage))
})
