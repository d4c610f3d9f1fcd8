// Oracle-anchored PMM quotes (DODO V2 DPP maths): @dodoex/api PMMHelper (bignumber.js decimals)
// against Fluxion's stateless call, native pool and typed-array batch, on the same 1,000 seeded
// amounts, selling quote into a pool that sits at R > 1 (so the targets must be adjusted).
import { createRequire } from 'node:module'
import { OraclePool, pmmQuerySell } from '@fluxion/native'
import { packU128 } from '@fluxion/native/packed'
import { runSuite } from './harness.js'
import { amounts } from './inputs.js'

// @dodoex/api's ESM build does not load under Node's ESM loader (named lodash imports), so load its
// CommonJS build, and bignumber.js through the same loader so both share one BigNumber class.
const require = createRequire(import.meta.url)
const { PMMHelper, PMMState } = require('@dodoex/api') as typeof import('@dodoex/api')
const BigNumber = require('bignumber.js') as typeof import('bignumber.js').default

const E18 = 10n ** 18n
// 5,000 base / 10,000,000 quote at an oracle price of 2,000, k = 0.5, LP fee 0.2 %, maintainer 0.1 %.
const [i, k, lp, mt] = [2000n * E18, E18 / 2n, 2n * 10n ** 15n, 10n ** 15n]
const pool = new OraclePool(i, k, 5000n * E18, 10_000_000n * E18, lp, mt)
pool.sellQuote(250_000n * E18, 0n) // move to R > 1
const inputs = amounts(2, 1000, 10n ** 15n, 10n ** 24n)
const packed = packU128(inputs)

const s = pool.state()
// tsc sees bignumber.js's ESM and CJS declarations as two types; at run time it is one class.
type DodoDecimal = ConstructorParameters<typeof PMMState>[0]['i']
const dec = (x: bigint) => new BigNumber(x.toString()).div('1e18') as unknown as DodoDecimal
const dodoState = new PMMState({ i: dec(s.i), K: dec(s.k), B: dec(s.b), Q: dec(s.q), B0: dec(s.b0), Q0: dec(s.q0), R: s.r, lpFeeRate: dec(lp), mtFeeRate: dec(mt) })
const dodoInputs = inputs.map(dec)
const helper = new PMMHelper()
const [B, Q, B0, Q0, R] = [pool.baseReserve, pool.quoteReserve, pool.baseTarget, pool.quoteTarget, pool.rState]

let n = 0
const next = () => (n = (n + 1) % inputs.length)

runSuite('amm-pmm', [
  {
    title: 'PMM sell quote at R > 1 (1,000 amounts, 5e3 / 1e7 tokens, k = 0.5)',
    baseline: { name: '@dodoex/api PMMHelper.QuerySellQuote (bignumber.js)', fn: () => helper.QuerySellQuote(dodoInputs[next()]!, dodoState) },
    fluxion: [
      { name: 'fluxion pmmQuerySell (stateless, bigint)', fn: () => pmmQuerySell(i, k, B, Q, B0, Q0, R, lp, mt, inputs[next()]!, false) },
      { name: 'fluxion OraclePool.quoteSellQuote', fn: () => pool.quoteSellQuote(inputs[next()]!) },
      { name: 'fluxion OraclePool.quoteBatch (1,000 per call)', fn: () => pool.quoteBatch(packed, false), items: inputs.length },
    ],
  },
])
