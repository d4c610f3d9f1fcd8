import { test } from 'node:test'
import assert from 'node:assert/strict'
import { OraclePool, ConstantProductPool } from '@fluxion/native'
import { ConstantProductMarketPool, OracleMarketPool, createPool, restorePool } from './pools.js'

const WAD = 10n ** 18n

test('the oracle pool quotes and swaps exactly as the native DPP, and tracks its reserves without reading them back', () => {
  const pool = new OracleMarketPool('p', WAD / 10n, WAD / 1000n, WAD / 10_000n)
  assert.equal(pool.ready(), false) // no price, no liquidity
  pool.setReserves(500n * WAD, 2_000_000n * WAD)
  assert.equal(pool.ready(), false)
  pool.reprice(4000n * WAD, WAD / 1000n)
  const reference = new OraclePool(4000n * WAD, WAD / 10n, 500n * WAD, 2_000_000n * WAD, WAD / 1000n, WAD / 10_000n)
  assert.equal(pool.quote(10_000n * WAD, false), reference.quoteSellQuote(10_000n * WAD))
  const fill = pool.swap(10_000n * WAD, false, 0n)
  const q = reference.sellQuote(10_000n * WAD, 0n)
  assert.deepEqual(fill, { amountOut: q.receive, lpFee: q.lpFee, feeOnInput: false, protocolFee: q.mtFee })
  assert.deepEqual(pool.reserves(), { base: reference.baseReserve, quote: reference.quoteReserve })
  const back = pool.swap(WAD, true, 0n)
  reference.sellBase(WAD, 0n)
  assert.ok(back.amountOut > 0n)
  assert.deepEqual(pool.reserves(), { base: reference.baseReserve, quote: reference.quoteReserve })
  // A failed swap (minimum out not met) changes nothing.
  assert.throws(() => pool.swap(WAD, true, 10n ** 30n), { code: 'SLIPPAGE_EXCEEDED' })
  assert.deepEqual(pool.reserves(), { base: reference.baseReserve, quote: reference.quoteReserve })
  // Restored from its state, it quotes identically (R and targets included).
  const copy = restorePool('p', pool.state())
  assert.equal(copy.quote(123n * WAD, false), pool.quote(123n * WAD, false))
  assert.equal(copy.quote(WAD / 3n, true), pool.quote(WAD / 3n, true))
})

test('the constant-product pool is the v2 pool, its fee charged on the input', () => {
  const pool = createPool('cp', { kind: 'cp', feeBps: 30 }) as ConstantProductMarketPool
  pool.setReserves(1000n * WAD, 2_000_000n * WAD)
  const reference = new ConstantProductPool(1000n * WAD, 2_000_000n * WAD, 30)
  const fill = pool.swap(WAD, true, 0n)
  assert.equal(fill.amountOut, reference.swapExactIn(WAD, true, 0n))
  assert.equal(fill.lpFee, (WAD * 30n) / 10_000n)
  assert.equal(fill.feeOnInput, true)
  assert.equal(pool.midPrice(), (pool.reserves().quote * WAD) / pool.reserves().base)
  assert.equal(restorePool('cp', pool.state()).quote(WAD, false), pool.quote(WAD, false))
})

test('a quoted fill applied by swap equals the same swap replayed without a quote', () => {
  // The order path quotes a fill and then swaps it (the native pool settles the remembered quote);
  // replay swaps without quoting. Both must leave the pools and fills identical, including when
  // the quote is stale (another amount, a reprice in between) or refused for slippage.
  const make = () => {
    const p = new OracleMarketPool('p', WAD / 2n, WAD / 1000n, WAD / 10_000n)
    p.setReserves(500n * WAD, 2_000_000n * WAD)
    p.reprice(4000n * WAD, WAD / 1000n)
    return p
  }
  const live = make()
  const replay = make()
  const steps: Array<{ amountIn: bigint; sellBase: boolean; quoted?: bigint; reprice?: bigint }> = [
    { amountIn: 10_000n * WAD, sellBase: false, quoted: 10_000n * WAD },
    { amountIn: 3n * WAD, sellBase: true, quoted: 3n * WAD },
    { amountIn: 2n * WAD, sellBase: true, quoted: WAD }, // quoted another amount: recomputed
    { amountIn: 50_000n * WAD, sellBase: false, quoted: 50_000n * WAD, reprice: 4100n * WAD }, // stale after the reprice
    { amountIn: 20n * WAD, sellBase: true, quoted: 20n * WAD },
  ]
  for (const s of steps) {
    const quote = s.quoted === undefined ? undefined : live.quoteFill(s.quoted, s.sellBase)
    if (s.reprice) {
      live.reprice(s.reprice, WAD / 1000n)
      replay.reprice(s.reprice, WAD / 1000n)
    }
    // A refused swap of the quoted sale changes nothing, and the quote still applies afterwards.
    if (quote && s.quoted === s.amountIn && !s.reprice) {
      assert.throws(() => live.swap(s.amountIn, s.sellBase, quote.amountOut + 1n), { code: 'SLIPPAGE_EXCEEDED' })
      live.quoteFill(s.amountIn, s.sellBase)
    }
    const a = live.swap(s.amountIn, s.sellBase, 0n)
    const b = replay.swap(s.amountIn, s.sellBase, 0n)
    assert.deepEqual(a, b)
    if (quote && s.quoted === s.amountIn && !s.reprice) assert.deepEqual(a, quote)
    assert.deepEqual(live.state(), replay.state())
  }
})
