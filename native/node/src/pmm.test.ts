import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PMMHelper, PMMState } from '@dodoex/api'
import BigNumber from 'bignumber.js'
import {
  OraclePool,
  pmmGeneralIntegrate,
  pmmSolveQuadraticForTarget,
  pmmSolveQuadraticForTrade,
  v2GetAmountOut,
} from '../fluxion.js'
import { packU128, unpackU128 } from '../packed.js'
import { DIFF_CASES, codeOf, seeded } from '../test-support/random.js'

const E18 = 10n ** 18n
const E15 = 10n ** 15n
const MAX_U112 = (1n << 112n) - 1n
const ONE = 0
const ABOVE_ONE = 1
const BELOW_ONE = 2

// DODOEX/contractV2 test/DPP/trader.test.ts with test/utils/DPPContext.ts: B = 10, Q = 1000,
// i = 100, k = 0.1, LP fee 0.002, maintainer fee 0.001.
const dpp = () => new OraclePool(100n * E18, E18 / 10n, 10n * E18, 1000n * E18, 2n * E15, E15)

function snapshot(pool: OraclePool) {
  return [pool.i, pool.k, pool.baseReserve, pool.quoteReserve, pool.baseTarget, pool.quoteTarget, pool.rState, pool.lpFeeRate, pool.mtFeeRate]
}

test('DPP trader test: first buy and then sell (published vectors)', () => {
  const pool = dpp()
  // ANCHORS.md: buying base with 100 quote ⇒ 0.986174542266106307 base, maintainer fee 0.000989141968170618.
  let q = pool.sellQuote(100n * E18, 0n)
  assert.equal(q.receive, 986174542266106307n)
  assert.equal(q.mtFee, 989141968170618n)
  assert.equal(q.newR, ABOVE_ONE)
  assert.equal(pool.baseReserve, 9012836315765723075n)
  assert.equal(pool.quoteReserve, 1100n * E18)
  q = pool.sellQuote(100n * E18, 0n) // buy at R > 1
  assert.equal(pool.baseReserve, 8051275077289369844n)
  assert.equal(q.mtFee, 1952630183076783n - 989141968170618n)
  q = pool.sellBase(E18, 0n) // sell at R > 1, R unchanged
  assert.equal(q.receive, 903421814651005338950n - 800n * E18)
  assert.equal(q.mtFee, 103733013692081583n)
  assert.equal(pool.quoteReserve, 1096474452335302579467n)
  assert.equal(pool.rState, ABOVE_ONE)
  q = pool.sellBase(2n * E18, 0n) // crosses R = 1: split in two legs
  assert.equal(q.receive, 1102638273848343281094n - 903421814651005338950n)
  assert.equal(pool.quoteReserve, 897058177231046545105n)
  assert.equal(pool.rState, BELOW_ONE)
  assert.equal(pool.state().b0, 10005950249348099200n)
})

test('DPP trader test: first sell and then buy (published vectors)', () => {
  const pool = dpp()
  let q = pool.sellBase(E18, 0n)
  assert.equal(q.receive, 98617454226610630663n)
  assert.equal(q.mtFee, 98914196817061816n)
  assert.equal(pool.rState, BELOW_ONE)
  pool.sellBase(E18, 0n)
  assert.equal(pool.quoteReserve, 805127507728936984519n)
  q = pool.sellQuote(100n * E18, 0n)
  assert.equal(q.receive, 9034218146510053391n - 8n * E18)
  assert.equal(pool.rState, BELOW_ONE)
  q = pool.sellQuote(200n * E18, 0n)
  assert.equal(pool.baseReserve, 8970581772310465451n)
  assert.equal(pool.rState, ABOVE_ONE)
  assert.equal(pool.state().q0, 1000595024934809920179n)
  // flash loan bounds of the same test file, as plain quotes
  const fresh = dpp()
  assert.equal(fresh.quoteSellQuote(200n * E18), 1946763594380080789n)
})

test('DVM const-price (k = 0) and AMM-like (k = 1) vectors', () => {
  // DODOEX/contractV2 test/DVM/ConstPriceCase.test.ts: 200 quote ⇒ 2 base, 1 base ⇒ 100 quote (no fee).
  const flat = new OraclePool(100n * E18, 0n, 10n * E18, 1000n * E18, 0n, 0n)
  assert.equal(flat.quoteSellQuote(200n * E18), 2n * E18)
  assert.equal(flat.quoteSellBase(E18), 100n * E18)
  // test/DVM/AMMLikeCase.test.ts (k = 1, i = 1 wei): DODOMath on the DVM's adjusted state.
  const b0 = pmmSolveQuadraticForTarget(10n * E18, 1000n * E18, 10n ** 36n, E18)
  assert.equal(pmmSolveQuadraticForTrade(b0, 10n * E18, 200n * E18, 10n ** 36n, E18), 1666666666527777777n)
})

test('k = 0 trades at the oracle price; k = 1 is constant product', () => {
  const flat = new OraclePool(2500n * E18, 0n, 1000n * E18, 10n ** 24n, 0n, 0n)
  const rand = seeded(5)
  for (let n = 0; n < 200; n++) {
    const a = rand.magnitude(60)
    assert.equal(flat.quoteSellBase(a), a * 2500n)
    assert.equal(flat.quoteSellQuote(a), (a * 4n * 10n ** 14n) / E18)
  }
  // i = Q/B at R = 1 with k = 1 and no fee ⇒ out ≈ Rout·Δ/(Rin + Δ), the v2 formula without fee.
  const [b, q] = [5000n * E18, 10_000_000n * E18]
  const cp = new OraclePool(2000n * E18, E18, b, q, 0n, 0n)
  for (let n = 0; n < 200; n++) {
    const a = rand.bigint(E15, q)
    const ours = cp.quoteSellQuote(a)
    const v2 = v2GetAmountOut(a, q, b, 0)
    const diff = ours > v2 ? ours - v2 : v2 - ours
    assert.ok(diff * 10n ** 12n <= v2, `k = 1 sell ${a}: ${ours} vs ${v2}`)
  }
})

test('R-state transitions: ONE → ABOVE_ONE → ONE exactly → BELOW_ONE', () => {
  const pool = dpp()
  assert.equal(pool.rState, ONE)
  pool.sellQuote(50n * E18, 0n)
  assert.equal(pool.rState, ABOVE_ONE)
  const s = pool.state()
  const backToOne = s.b0 - s.b
  const detail = pool.quoteSellBaseDetailed(backToOne)
  assert.equal(detail.newR, ONE)
  const gross = s.q - s.q0
  assert.equal(detail.receive + detail.mtFee + detail.lpFee, gross)
  pool.sellBase(backToOne, 0n)
  assert.equal(pool.rState, ONE)
  pool.sellBase(E18, 0n)
  assert.equal(pool.rState, BELOW_ONE)
  // The oracle moves: targets reset to the reserves, R = ONE, mid price = i.
  pool.setOraclePrice(101n * E18)
  assert.equal(pool.rState, ONE)
  assert.equal(pool.baseTarget, pool.baseReserve)
  assert.equal(pool.midPrice(), 101n * E18)
})

test('bad inputs get typed errors and change nothing', () => {
  const bad = 1.5 as unknown as bigint
  assert.equal(codeOf(() => new OraclePool(0n, 0n, E18, E18, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new OraclePool(10n ** 36n + 1n, 0n, E18, E18, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new OraclePool(E18, E18 + 1n, E18, E18, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new OraclePool(E18, 0n, E18, E18, E18, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new OraclePool(E18, 0n, -1n, E18, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new OraclePool(E18, 0n, bad, E18, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new OraclePool(E18, 0n, MAX_U112 + 1n, E18, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new OraclePool(E18, 0n, 1n << 256n, E18, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => new OraclePool(E18, 0n, 0n, E18, 0n, 0n)), 'INSUFFICIENT_LIQUIDITY')
  assert.equal(codeOf(() => OraclePool.fromState(E18, 0n, E18, E18, E18, E18, 3, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => OraclePool.fromState(E18, 0n, E18, E18, E18, E18, 0.5, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => OraclePool.fromState(E18, E18 / 2n, 10n, 10n, 20n, 20n, ABOVE_ONE, 0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pmmGeneralIntegrate(E18, E18, E18, E18, E18 + 1n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pmmSolveQuadraticForTrade(0n, E18, E18, E18, 0n)), 'INSUFFICIENT_LIQUIDITY')

  const pool = dpp()
  const before = snapshot(pool)
  assert.equal(codeOf(() => pool.sellBase(0n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.sellBase(-5n, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.sellQuote(bad, 0n)), 'INVALID_INPUT')
  const out = pool.quoteSellQuote(100n * E18)
  assert.equal(codeOf(() => pool.sellQuote(100n * E18, out + 1n)), 'SLIPPAGE_EXCEEDED')
  assert.equal(codeOf(() => pool.sellBase(MAX_U112, 0n)), 'OVERFLOW')
  assert.equal(codeOf(() => pool.sellBase(1n << 255n, 0n)), 'OVERFLOW')
  assert.equal(codeOf(() => pool.setOraclePrice(0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteBatch(new BigUint64Array(3), true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteBatch(packU128([E18, 0n]), true)), 'INVALID_INPUT')
  assert.deepEqual(snapshot(pool), before)
  assert.equal(pool.sellQuote(100n * E18, out).receive, out)
})

test('batch quotes equal single quotes in every R state', () => {
  const rand = seeded(9)
  const amounts = Array.from({ length: 500 }, () => rand.magnitude(68))
  const pool = dpp()
  for (const prep of [() => {}, () => pool.sellQuote(30n * E18, 0n), () => pool.sellBase(2n * E18, 0n)]) {
    prep()
    for (const sellBase of [true, false]) {
      const batch = unpackU128(pool.quoteBatch(packU128(amounts), sellBase))
      assert.deepEqual(batch, amounts.map((a) => (sellBase ? pool.quoteSellBase(a) : pool.quoteSellQuote(a))))
    }
  }
})

// @dodoex/api PMMHelper evaluates the same formulas on real numbers (bignumber.js, 30 decimal
// places here), given our adjusted targets. The on-chain reference (and Fluxion, which equals it to
// the wei on the published vectors) rounds at every step instead, so they differ by the reference's
// own rounding: each 1e18-scaled floor that is later multiplied by a reserve or target V costs up to
// V/1e18 wei, and the quadratic's 2(1 − k) denominator amplifies that by 1/(1 − k); reciprocalFloor(i)
// adds a relative 1e-12 at most for i ≤ 1e24. Tolerance: 2·(Vmax/1e18 + 4)·amp + 1e-9·|out|.
// The reference also reverts (uint256 overflow, or "DODOMath: should not be zero" when a sale is so
// large that the root loses all precision); then we must fail with OVERFLOW / INSUFFICIENT_LIQUIDITY,
// and such cases must stay rare.
test(`quotes agree with @dodoex/api PMMHelper on ${DIFF_CASES} seeded cases`, (t) => {
  const helper = new PMMHelper()
  // @dodoex/api leaves bignumber.js at 80 decimal places; 30 is still 1e-12 wei at these sizes and
  // halves the run time.
  BigNumber.config({ DECIMAL_PLACES: 30 })
  const dec = (x: bigint) => new BigNumber(x.toString()).div('1e18')
  const rand = seeded(3)
  let compared = 0
  let reverted = 0
  let worst = 0
  for (let n = 0; n < DIFF_CASES; n++) {
    const B = rand.magnitude(96, 40)
    const Q = rand.magnitude(96, 40)
    const i = rand.bigint(10n ** 12n, 10n ** 24n)
    const pick = rand.int(0, 9)
    const k = pick === 0 ? 0n : pick === 1 ? E18 : rand.bigint(0n, E18 - 1n)
    const lp = rand.bigint(0n, 10n ** 16n)
    const mt = rand.bigint(0n, 5n * E15)
    const pool = new OraclePool(i, k, B, Q, lp, mt)
    const prep = rand.int(0, 2)
    try {
      if (prep === 1) pool.sellBase(rand.bigint(1n, B), 0n)
      if (prep === 2) pool.sellQuote(rand.bigint(1n, Q), 0n)
    } catch {
      // a revert leaves the pool as it was (checked elsewhere); quote from there
    }
    const s = pool.state()
    if (s.b === 0n || s.q === 0n) continue
    const sellBase = rand.chance(0.5)
    const amount = rand.bigint(1n, sellBase ? s.b : s.q)
    const state = new PMMState({ i: dec(s.i), K: dec(s.k), B: dec(s.b), Q: dec(s.q), B0: dec(s.b0), Q0: dec(s.q0), R: s.r, lpFeeRate: dec(lp), mtFeeRate: dec(mt) })
    const theirs = (sellBase ? helper.QuerySellBase(dec(amount), state) : helper.QuerySellQuote(dec(amount), state)).times('1e18')
    let ours: bigint
    try {
      ours = sellBase ? pool.quoteSellBase(amount) : pool.quoteSellQuote(amount)
    } catch (err) {
      const code = (err as { code?: string }).code
      assert.ok(code === 'OVERFLOW' || code === 'INSUFFICIENT_LIQUIDITY', `unexpected ${code}`)
      reverted++
      continue
    }
    const vmax = [s.b, s.q, s.b0, s.q0].reduce((a, b) => (a > b ? a : b))
    const amp = k > 0n && k < E18 ? new BigNumber(E18.toString()).div((E18 - k).toString()) : new BigNumber(1)
    const tolerance = new BigNumber(vmax.toString()).div('1e18').plus(4).times(amp).times(2).plus(theirs.abs().times('1e-9'))
    const diff = theirs.minus(ours.toString()).abs()
    if (!diff.lte(tolerance)) {
      const shown = JSON.stringify(s, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
      assert.fail(`sell${sellBase ? 'Base' : 'Quote'}(${amount}) on ${shown}: ours ${ours}, theirs ${theirs.toFixed(3)}, tolerance ${tolerance.toFixed(3)}`)
    }
    worst = Math.max(worst, diff.div(tolerance).toNumber())
    compared++
  }
  t.diagnostic(`compared ${compared}, reverted as the reference does ${reverted}, worst |diff|/tolerance ${worst.toFixed(3)}`)
  assert.ok(compared > DIFF_CASES * 0.9, `compared ${compared}, reverted ${reverted}`)
  assert.ok(reverted < DIFF_CASES * 0.08, `reverted ${reverted}`)
})

test('price impact of a pool quote against the mid price and the oracle price', () => {
  const pool = dpp()
  // 1 base sells for 98.617454226610630663 at a mid price of 100 (R = 1): −1.3825…% rounded toward −∞.
  assert.equal(pool.quotePriceImpact(E18, true, false), -13825457733893694n)
  assert.equal(pool.quotePriceImpact(E18, true, true), -13825457733893694n)
  pool.sellQuote(100n * E18, 0n)
  const vsMid = pool.quotePriceImpact(E18, true, false)
  const vsOracle = pool.quotePriceImpact(E18, true, true)
  assert.ok(vsMid < 0n && vsOracle > vsMid) // above one the mid price exceeds the oracle price
  assert.equal(codeOf(() => pool.quotePriceImpact(0n, true, true)), 'INVALID_INPUT')
})

test('a swap paying more than the reserve is INSUFFICIENT_LIQUIDITY and changes nothing', () => {
  // A restored R = 1 state whose quote target (1000) exceeds the quote reserve (100).
  const pool = OraclePool.fromState(100n * E18, 0n, 10n * E18, 100n * E18, 10n * E18, 1000n * E18, ONE, 0n, 0n)
  const before = snapshot(pool)
  assert.equal(pool.quoteSellBase(5n * E18), 500n * E18)
  assert.equal(codeOf(() => pool.sellBase(5n * E18, 0n)), 'INSUFFICIENT_LIQUIDITY')
  assert.deepEqual(snapshot(pool), before)
  // A pool drained by trades restores as it was.
  const drained = OraclePool.fromState(E18, 0n, E18, 0n, E18, 0n, ONE, 0n, 0n)
  assert.equal(drained.quoteReserve, 0n)
})

test('quoteFill then sellQuoted settles exactly what a fresh swap pays, in every R state', () => {
  // Two pools take the same seeded sales: one quotes each and settles the remembered quote, the
  // other swaps afresh (as replay does). They must agree on every fill and every stored field.
  const rand = seeded(21)
  const quoted = dpp()
  const fresh = dpp()
  const rStates = new Set<number>()
  for (let n = 0; n < 400; n++) {
    if (n % 50 === 49) {
      // The oracle moves now and then: back to R = 1 on both.
      const price = rand.bigint(90n * E18, 110n * E18)
      quoted.setOraclePrice(price)
      fresh.setOraclePrice(price)
    }
    const sellBase = rand.chance(0.5)
    const amount = sellBase ? rand.bigint(1n, 3n * E18) : rand.bigint(1n, 300n * E18)
    rStates.add(quoted.rState)
    let fill: readonly bigint[]
    try {
      fill = quoted.quoteFill(amount, sellBase)
    } catch (err) {
      // A sale the pool cannot take is refused the same way by a fresh swap.
      assert.equal(codeOf(() => (sellBase ? fresh.sellBase(amount, 0n) : fresh.sellQuote(amount, 0n))), (err as { code: string }).code)
      continue
    }
    const detailed = sellBase ? quoted.quoteSellBaseDetailed(amount) : quoted.quoteSellQuoteDetailed(amount)
    assert.deepEqual(fill, [detailed.receive, detailed.lpFee, detailed.mtFee])
    assert.equal(quoted.sellQuoted(amount, sellBase, fill[0]!), true)
    const q = sellBase ? fresh.sellBase(amount, 0n) : fresh.sellQuote(amount, 0n)
    assert.deepEqual([q.receive, q.lpFee, q.mtFee], [...fill])
    assert.deepEqual(snapshot(quoted), snapshot(fresh))
  }
  assert.equal(rStates.size, 3, 'the walk visits R = 1, R > 1 and R < 1')
})

test('sellQuoted refuses another sale or a moved pool, and keeps the slippage check', () => {
  const pool = dpp()
  const [receive] = pool.quoteFill(10n * E18, false)
  const before = snapshot(pool)
  // Not the remembered sale: false, nothing changes.
  assert.equal(pool.sellQuoted(11n * E18, false, 0n), false)
  assert.equal(pool.sellQuoted(10n * E18, true, 0n), false)
  assert.deepEqual(snapshot(pool), before)
  // Slippage is still checked, and then nothing changes.
  assert.equal(codeOf(() => pool.sellQuoted(10n * E18, false, receive! + 1n)), 'SLIPPAGE_EXCEEDED')
  assert.deepEqual(snapshot(pool), before)
  // A plain swap of the remembered sale pays the same (and uses it); afterwards the quote is stale.
  assert.equal(pool.sellQuote(10n * E18, 0n).receive, receive)
  assert.equal(pool.sellQuoted(10n * E18, false, 0n), false)
  // An oracle move makes a remembered quote stale too.
  pool.quoteFill(E18, true)
  pool.setOraclePrice(101n * E18)
  const moved = snapshot(pool)
  assert.equal(pool.sellQuoted(E18, true, 0n), false)
  assert.deepEqual(snapshot(pool), moved)
  // A failed quote forgets the previous one.
  pool.quoteFill(E18, true)
  assert.equal(codeOf(() => pool.quoteFill(0n, true)), 'INVALID_INPUT')
  assert.equal(pool.sellQuoted(E18, true, 0n), false)
  // Bad input is INVALID_INPUT, as everywhere.
  assert.equal(codeOf(() => pool.quoteFill(-1n, true)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.quoteFill(E18, 'yes' as unknown as boolean)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.sellQuoted(1.5 as unknown as bigint, true, 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => pool.sellQuoted(1n << 256n, true, 0n)), 'INVALID_INPUT')
  assert.deepEqual(snapshot(pool), moved)
})
