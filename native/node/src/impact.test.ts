import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  OraclePool,
  gmxApplyExponentFactor,
  gmxApplyImpactFactor,
  gmxSwapPriceImpactUsd,
  maxInForSlippage,
  minOutForSlippage,
  priceImpact,
} from '../fluxion.js'
import { DIFF_CASES, codeOf, seeded } from '../test-support/random.js'

const E18 = 10n ** 18n
const F30 = 10n ** 30n

/** `x · 10^30` from a decimal string, as `ethers.utils.parseUnits(x, 30)`. */
function f30(x: string): bigint {
  const [int, frac = ''] = x.split('.')
  return BigInt(int + frac.padEnd(30, '0'))
}

test('GMX applyImpactFactor reproduces the PricingUtils table exactly', () => {
  // gmx-io/gmx-synthetics test/pricing/PricingUtils.ts "should apply impact factor".
  const table: [string, string, string, string][] = [
    ['10000', '3', '0.000000000001', '999999999999999971996569854874'],
    ['1000000000', '3', '1', '999999999999999964992485098699963454527292263000000000000'],
    ['10000000', '2', '0.00000001', '999999999999999984577907497082540000'],
    ['100000', '1.75', '0.0000001', '56234132519034907150467965500000'],
    ['10000000', '1.75', '0.0000001', '177827941003892277732818564790100000'],
    ['0.001', '1.5', '0.000001', '0'],
    ['1', '1.5', '0.000001', '1000000000000000000000000'],
    ['1000', '1.5', '0.000001', '31622776601683792872691000000'],
    ['10000000', '1.5', '0.000001', '31622776601683792957603597100000000'],
    ['1000000', '1', '0.0001', '100000000000000000000000000000000'],
  ]
  for (const [diff, exponent, factor, expected] of table) {
    assert.equal(gmxApplyImpactFactor(f30(diff), f30(factor), f30(exponent)), BigInt(expected), `${diff}^${exponent}·${factor}`)
  }
})

test('GMX swap impact: same side, crossover, cap, sub-dollar and typed errors', () => {
  const usd = (x: bigint) => x * F30
  const neg = f30('0.0001')
  // Improving the balance at a positive factor above the negative one: capped to the negative.
  const improve = gmxSwapPriceImpactUsd(usd(2000n), usd(1000n), 0n, usd(500n), f30('0.001'), neg, F30)
  assert.equal(improve, (usd(500n) * neg) / F30)
  // Worsening: negative.
  assert.equal(gmxSwapPriceImpactUsd(usd(1000n), usd(1000n), usd(100n), 0n, neg, neg, F30), -(usd(100n) * neg) / F30)
  // Crossover: $2000/$1000 + $1999 on B ⇒ $999 the other way: +1000·pos − 999·neg2.
  const cross = gmxSwapPriceImpactUsd(usd(2000n), usd(1000n), 0n, usd(1999n), neg, f30('0.0002'), F30)
  assert.equal(cross, (usd(1000n) * neg) / F30 - (usd(999n) * f30('0.0002')) / F30)
  // Differences below $1 give 0 (applyExponentFactor).
  assert.equal(gmxSwapPriceImpactUsd(usd(1n), usd(1n), F30 / 2n, 0n, neg, neg, f30('2')), 0n)
  assert.equal(codeOf(() => gmxSwapPriceImpactUsd(usd(1n), usd(1n), -usd(2n), 0n, neg, neg, F30)), 'INVALID_INPUT')
  assert.equal(codeOf(() => gmxSwapPriceImpactUsd(-1n, usd(1n), 0n, 0n, neg, neg, F30)), 'INVALID_INPUT')
  assert.equal(codeOf(() => gmxApplyExponentFactor((1n << 256n) - 1n, f30('3'))), 'OVERFLOW')
  assert.equal(codeOf(() => gmxApplyExponentFactor(1.5 as unknown as bigint, F30)), 'INVALID_INPUT')
})

// PRB-math's pow is exp2(log2(x)·y) with 1e18 rounding, so even integer exponents are not the exact
// power (the GMX table shows 10000^3 → 0.99999999999999997·10^12). Against exact bigint powers the
// relative error stays below 1e-14 (log2 truncated at 2^-59, times y·ln 2, plus the 1e18 cut of x).
test(`GMX integer exponents stay within 1e-14 of the exact power on ${Math.min(DIFF_CASES, 20000)} seeded cases`, () => {
  const rand = seeded(21)
  for (let n = 0; n < Math.min(DIFF_CASES, 20000); n++) {
    const x = rand.bigint(F30, 10n ** 40n)
    const e = BigInt(rand.int(1, 3))
    const ours = gmxApplyExponentFactor(x, e * F30)
    const exact = x ** e / F30 ** (e - 1n)
    const diff = ours > exact ? ours - exact : exact - ours
    if (e === 1n) assert.equal(ours, x)
    assert.ok(diff * 10n ** 14n <= exact, `${x}^${e}: ${ours} vs ${exact}`)
  }
})

test(`slippage bounds are exact tolerance checks on ${DIFF_CASES} seeded cases`, () => {
  const rand = seeded(4)
  for (let n = 0; n < DIFF_CASES; n++) {
    const amount = rand.magnitude(200)
    const bps = rand.int(0, 10_000)
    const minOut = minOutForSlippage(amount, bps)
    // minOut is the smallest integer with minOut·10000 ≥ amount·(10000 − bps).
    assert.ok(minOut * 10_000n >= amount * BigInt(10_000 - bps))
    assert.ok(minOut === 0n || (minOut - 1n) * 10_000n < amount * BigInt(10_000 - bps))
    const maxIn = maxInForSlippage(amount, bps)
    assert.ok(maxIn * 10_000n <= amount * BigInt(10_000 + bps))
    assert.ok((maxIn + 1n) * 10_000n > amount * BigInt(10_000 + bps))
  }
  assert.equal(codeOf(() => minOutForSlippage(1n, 10_001)), 'INVALID_INPUT')
  assert.equal(codeOf(() => minOutForSlippage(1n, 0.5)), 'INVALID_INPUT')
  assert.equal(codeOf(() => minOutForSlippage(-1n, 1)), 'INVALID_INPUT')
  assert.equal(codeOf(() => maxInForSlippage((1n << 256n) - 1n, 1)), 'OVERFLOW')
})

test('price impact against the PMM mid price and against the oracle price', () => {
  // DPP trader test pool: i = 100, k = 0.1. Selling 1 base at R = 1 gets 98.617454226610630663.
  const pool = new OraclePool(100n * E18, E18 / 10n, 10n * E18, 1000n * E18, 2n * 10n ** 15n, 10n ** 15n)
  const out = pool.quoteSellBase(E18)
  const vsMid = priceImpact(E18, out, pool.midPrice(), true)
  const vsOracle = priceImpact(E18, out, pool.i, true)
  assert.equal(vsMid, vsOracle) // at R = 1 the mid price is the oracle price
  // (98.617454226610630663 − 100) / 100, rounded toward −∞.
  assert.equal(vsOracle, -((100n * E18 - out) * E18 + 100n * E18 - 1n) / (100n * E18))
  // Buying: paid 100 quote for 0.986174542266106307 base at 100 ⇒ 98.6174542266106307 worth.
  assert.equal(priceImpact(100n * E18, 986174542266106307n, 100n * E18, false), -13825457733893693n)
  assert.equal(priceImpact(10n, 11n, E18, false), E18 / 10n)
  assert.equal(codeOf(() => priceImpact(0n, 1n, E18, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => priceImpact(1n, 1n, 0n, true)), 'INVALID_INPUT')
})
