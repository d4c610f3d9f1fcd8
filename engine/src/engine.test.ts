import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ISSUER, WORLD, debtAccount, escrowAccount, feeAccount, poolAccount } from './accounts/accounts.js'
import { EngineState } from './state.js'
import { decodeEvent, encodeEvent, fromJson, toJson, type SequencedEvent } from './events.js'
import { seededVenue, PRICES, WAD } from './test-support/venue.js'
import type { Command } from './commands.js'
import type { Engine } from './engine.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return (e as { code?: string }).code
  }
  return undefined
}

/** Every pool's ledger balances equal its native reserves. */
function assertPoolsMatchLedger(engine: Engine): void {
  for (const m of engine.state.markets.values()) {
    for (const pool of m.poolList()) {
      const r = pool.reserves()
      assert.equal(engine.state.ledger.balance(poolAccount(pool.id), m.listing.base), r.base, `${pool.id} base`)
      assert.equal(engine.state.ledger.balance(poolAccount(pool.id), m.listing.quote), r.quote, `${pool.id} quote`)
    }
  }
}

function replay(log: SequencedEvent[]): EngineState {
  const st = new EngineState()
  for (const e of log) st.apply({ ...e, event: decodeEvent(encodeEvent(e.event)) })
  return st
}

test('a market buy pays exactly what the pool quotes, the maintainer fee goes to the fee account', () => {
  const { engine, run } = seededVenue()
  run({ type: 'deposit', account: 'alice', asset: 'fUSD', amount: 10_000n * WAD })
  const pool = engine.state.markets.get('sBTC')!.poolList()[0]!
  const expected = pool.quoteFill(3000n * WAD, false)
  const [fill] = run({ type: 'order', account: 'alice', market: 'sBTC', side: 'buy', kind: 'market', amountIn: 3000n * WAD, minOut: 0n })
  assert.equal(fill!.event.type, 'fill')
  assert.equal(engine.state.ledger.balance('alice', 'sBTC'), expected.amountOut)
  assert.equal(engine.state.ledger.balance('alice', 'fUSD'), 7000n * WAD)
  assert.equal(engine.state.ledger.balance(feeAccount('sBTC'), 'sBTC'), expected.protocolFee)
  assert.ok(expected.amountOut > (3000n * WAD * WAD) / PRICES.sBTC! - WAD / 1000n)
  assertPoolsMatchLedger(engine)
})

test('the router splits across the oracle and constant-product pools when that fills better', () => {
  const { engine, run } = seededVenue()
  run({ type: 'deposit', account: 'whale', asset: 'fUSD', amount: 5_000_000n * WAD })
  const m = engine.state.markets.get('sETH')!
  const amountIn = 1_500_000n * WAD
  const single = Math.max(...m.poolList().map((p) => Number(p.quote(amountIn, false))))
  const [fill] = run({ type: 'order', account: 'whale', market: 'sETH', side: 'buy', kind: 'market', amountIn })
  const ev = fill!.event
  assert.ok(ev.type === 'fill')
  assert.equal(ev.legs.length, 2)
  assert.ok(Number(ev.amountOut) > single)
  assertPoolsMatchLedger(engine)
})

test('exact-output orders pay the smallest input that buys the amount, bounded by maxIn', () => {
  const { run } = seededVenue()
  run({ type: 'deposit', account: 'bob', asset: 'fUSD', amount: 100_000n * WAD })
  const [fill] = run({ type: 'order', account: 'bob', market: 'sSPX', side: 'buy', kind: 'market', amountOut: 10n * WAD, maxIn: 50_000n * WAD })
  assert.ok(fill!.event.type === 'fill')
  const { amountIn, amountOut } = fill!.event
  assert.ok(amountOut >= 10n * WAD)
  assert.ok(amountIn > 40_000n * WAD && amountIn < 40_200n * WAD)
  assert.equal(codeOf(() => run({ type: 'order', account: 'bob', market: 'sSPX', side: 'buy', kind: 'market', amountOut: 10n * WAD, maxIn: 39_000n * WAD })), 'SLIPPAGE_EXCEEDED')
})

test('bad commands get typed errors and change nothing', () => {
  const { engine, clock, run } = seededVenue()
  run({ type: 'deposit', account: 'carol', asset: 'fUSD', amount: 1000n * WAD })
  run({ type: 'order', account: 'carol', market: 'sETH', side: 'buy', kind: 'market', amountIn: 100n * WAD, clientOrderId: 'c-1' })
  const cases: Array<[string, Command]> = [
    ['UNKNOWN_MARKET', { type: 'order', account: 'carol', market: 'sDOGE', side: 'buy', kind: 'market', amountIn: WAD }],
    ['INVALID_INPUT', { type: 'order', account: 'carol', market: 'sETH', side: 'buy', kind: 'market', amountIn: 0n }],
    ['INVALID_INPUT', { type: 'deposit', account: 'carol', asset: 'fUSD', amount: -5n }],
    ['INVALID_INPUT', { type: 'deposit', account: 'bad:id', asset: 'fUSD', amount: 5n }],
    ['INVALID_INPUT', { type: 'deposit', account: 'carol', asset: 'sETH', amount: 5n }],
    ['SLIPPAGE_EXCEEDED', { type: 'order', account: 'carol', market: 'sETH', side: 'buy', kind: 'market', amountIn: 100n * WAD, minOut: WAD }],
    ['INSUFFICIENT_BALANCE', { type: 'order', account: 'carol', market: 'sETH', side: 'buy', kind: 'market', amountIn: 5000n * WAD }],
    ['INSUFFICIENT_BALANCE', { type: 'withdraw', account: 'carol', asset: 'fUSD', amount: 1000n * WAD }],
    ['INSUFFICIENT_COLLATERAL', { type: 'mint', account: 'carol', market: 'sETH', amount: 2n * WAD }],
    ['DUPLICATE_CLIENT_ORDER_ID', { type: 'order', account: 'carol', market: 'sETH', side: 'buy', kind: 'market', amountIn: WAD, clientOrderId: 'c-1' }],
    ['UNKNOWN_ORDER', { type: 'cancel', account: 'carol', orderId: 'o1' }],
    ['NOT_LIQUIDATABLE', { type: 'liquidate', liquidator: 'lp', account: 'carol', market: 'sETH', collateralAsset: 'fUSD', amount: WAD }],
  ]
  for (const [code, command] of cases) {
    const before = engine.state.hash()
    assert.equal(codeOf(() => engine.execute(command)), code, JSON.stringify(command, (_k, v) => (typeof v === 'bigint' ? String(v) : v)))
    assert.equal(engine.state.hash(), before)
  }
  // A stale oracle stops trading in that market only.
  clock.advance(11_000)
  const before = engine.state.hash()
  assert.equal(codeOf(() => engine.execute({ type: 'order', account: 'carol', market: 'sETH', side: 'buy', kind: 'market', amountIn: WAD })), 'STALE_ORACLE')
  assert.equal(engine.state.hash(), before)
})

test('minting needs collateral at the initial margin, burning repays debt', () => {
  const { engine, run } = seededVenue()
  run({ type: 'deposit', account: 'dan', asset: 'fUSD', amount: 1000n * WAD })
  // 1000 fUSD · 0.9 + x·2000·0.5 ≥ x·2000 ⇒ x ≤ 0.9 sETH.
  assert.equal(codeOf(() => engine.execute({ type: 'mint', account: 'dan', market: 'sETH', amount: (9n * WAD) / 10n + 1n })), 'INSUFFICIENT_COLLATERAL')
  run({ type: 'mint', account: 'dan', market: 'sETH', amount: (9n * WAD) / 10n })
  assert.equal(engine.state.ledger.balance(debtAccount('dan'), 'sETH'), -(9n * WAD) / 10n)
  assert.equal(codeOf(() => engine.execute({ type: 'withdraw', account: 'dan', asset: 'fUSD', amount: 1n })), 'INSUFFICIENT_COLLATERAL')
  run({ type: 'burn', account: 'dan', market: 'sETH', amount: (9n * WAD) / 10n })
  run({ type: 'withdraw', account: 'dan', asset: 'fUSD', amount: 1000n * WAD })
  assert.equal(engine.state.ledger.balance('dan', 'fUSD'), 0n)
  assert.equal(engine.state.ledger.balance(WORLD, 'fUSD'), -100_000_000n * WAD)
})

test('a limit order rests in escrow and fills when the oracle moves to its price; a stop order triggers', () => {
  const { engine, clock, run } = seededVenue()
  run({ type: 'deposit', account: 'erin', asset: 'fUSD', amount: 10_000n * WAD })
  const placed = engine.execute({ type: 'order', account: 'erin', market: 'sETH', side: 'buy', kind: 'limit', amountIn: 1900n * WAD, limitPrice: 1950n * WAD, clientOrderId: 'dip' })
  assert.equal(placed.status, 'resting')
  assert.equal(engine.state.ledger.balance(escrowAccount('erin'), 'fUSD'), 1900n * WAD)
  clock.advance(1000)
  run({ type: 'price', market: 'sETH', price: 1990n * WAD, publishedAt: clock.t })
  assert.equal(engine.state.markets.get('sETH')!.orders.size, 1)
  clock.advance(1000)
  const events = run({ type: 'price', market: 'sETH', price: 1900n * WAD, publishedAt: clock.t })
  assert.deepEqual(events.map((e) => e.event.type), ['price', 'fill'])
  assert.equal(engine.state.ledger.balance(escrowAccount('erin'), 'fUSD'), 0n)
  const bought = engine.state.ledger.balance('erin', 'sETH')
  assert.ok(bought * 1950n >= 1900n * WAD)
  // Stop-loss: sell everything if sETH falls to 1800.
  run({ type: 'order', account: 'erin', market: 'sETH', side: 'sell', kind: 'stop', amountIn: bought, stopPrice: 1800n * WAD })
  clock.advance(1000)
  assert.deepEqual(run({ type: 'price', market: 'sETH', price: 1850n * WAD, publishedAt: clock.t }).map((e) => e.event.type), ['price'])
  clock.advance(1000)
  assert.deepEqual(run({ type: 'price', market: 'sETH', price: 1790n * WAD, publishedAt: clock.t }).map((e) => e.event.type), ['price', 'fill'])
  assert.equal(engine.state.ledger.balance('erin', 'sETH'), 0n)
  assertPoolsMatchLedger(engine)
})

test('cancel returns the escrow; cancel by client order id', () => {
  const { engine, run } = seededVenue()
  run({ type: 'deposit', account: 'fay', asset: 'fUSD', amount: 1000n * WAD })
  run({ type: 'order', account: 'fay', market: 'sSPX', side: 'buy', kind: 'limit', amountIn: 500n * WAD, limitPrice: 3000n * WAD, clientOrderId: 'low' })
  assert.equal(codeOf(() => engine.execute({ type: 'cancel', account: 'lp', clientOrderId: 'low' })), 'INVALID_INPUT')
  run({ type: 'cancel', account: 'fay', clientOrderId: 'low' })
  assert.equal(engine.state.ledger.balance('fay', 'fUSD'), 1000n * WAD)
  assert.equal(codeOf(() => engine.execute({ type: 'order', account: 'fay', market: 'sSPX', side: 'buy', kind: 'market', amountIn: WAD, clientOrderId: 'low' })), 'DUPLICATE_CLIENT_ORDER_ID')
})

test('an unsafe account is liquidated with the close factor and bonus; its orders are cancelled', () => {
  const { engine, clock, run } = seededVenue()
  run({ type: 'deposit', account: 'gus', asset: 'fUSD', amount: 2000n * WAD })
  run({ type: 'mint', account: 'gus', market: 'sETH', amount: WAD }) // short 1 sETH at 2000
  run({ type: 'order', account: 'gus', market: 'sETH', side: 'sell', kind: 'market', amountIn: WAD })
  run({ type: 'order', account: 'gus', market: 'sETH', side: 'buy', kind: 'limit', amountIn: 100n * WAD, limitPrice: 1000n * WAD })
  clock.advance(1000)
  run({ type: 'price', market: 'sETH', price: 2300n * WAD, publishedAt: clock.t })
  clock.advance(1000)
  run({ type: 'price', market: 'sETH', price: 2600n * WAD, publishedAt: clock.t })
  clock.advance(1000)
  run({ type: 'price', market: 'sETH', price: 3000n * WAD, publishedAt: clock.t })
  clock.advance(1000)
  run({ type: 'price', market: 'sETH', price: 3500n * WAD, publishedAt: clock.t })
  run({ type: 'deposit', account: 'keeper', asset: 'fUSD', amount: 100_000n * WAD })
  run({ type: 'mint', account: 'keeper', market: 'sETH', amount: 5n * WAD })
  // ≈3996 fUSD · 0.95 ≈ 3796 against 3500 of debt: still safe.
  assert.equal(codeOf(() => engine.execute({ type: 'liquidate', liquidator: 'keeper', account: 'gus', market: 'sETH', collateralAsset: 'fUSD', amount: WAD })), 'NOT_LIQUIDATABLE')
  clock.advance(1000)
  run({ type: 'price', market: 'sETH', price: 3900n * WAD, publishedAt: clock.t }) // HF ≈ 0.973: half may be repaid
  const fusdBefore = engine.state.ledger.balance('gus', 'fUSD') + engine.state.ledger.balance(escrowAccount('gus'), 'fUSD')
  const [liq] = run({ type: 'liquidate', liquidator: 'keeper', account: 'gus', market: 'sETH', collateralAsset: 'fUSD', amount: WAD })
  assert.ok(liq!.event.type === 'liquidation')
  assert.equal(liq!.event.repaid, WAD / 2n)
  assert.equal(liq!.event.seized, (20475n * WAD) / 10n) // 0.5 · 3900 · 1.05
  assert.equal(liq!.event.cancelledOrders.length, 1)
  assert.equal(engine.state.ledger.balance('gus', 'fUSD'), fusdBefore - (20475n * WAD) / 10n)
  assert.equal(engine.state.ledger.balance(debtAccount('gus'), 'sETH'), -WAD / 2n)
  // Below 0.95 the whole rest may go, capped by what is left to seize.
  clock.advance(1000)
  run({ type: 'price', market: 'sETH', price: 4300n * WAD, publishedAt: clock.t })
  const left = engine.state.ledger.balance('gus', 'fUSD')
  const [full] = run({ type: 'liquidate', liquidator: 'keeper', account: 'gus', market: 'sETH', collateralAsset: 'fUSD', amount: WAD })
  assert.ok(full!.event.type === 'liquidation')
  assert.equal(full!.event.seized, left) // 0.5 · 4300 · 1.05 > what is left: all of it goes
  assert.equal(full!.event.repaid, (left * 10_000n * WAD) / (4300n * WAD * 10_500n))
  assert.equal(engine.state.ledger.balance('gus', 'fUSD'), 0n)
})

test('liquidity providers earn fees in the reserves and liquidity-mining rewards', () => {
  const { engine, clock, run } = seededVenue()
  const pool = 'sETH-cp'
  run({ type: 'deposit', account: 'hal', asset: 'fUSD', amount: 1_000_000n * WAD })
  run({ type: 'mint', account: 'hal', market: 'sETH', amount: 100n * WAD })
  run({ type: 'add-liquidity', account: 'hal', market: 'sETH', pool, base: 100n * WAD, quote: 300_000n * WAD })
  const shares = engine.state.ledger.balance('hal', `LP:${pool}`)
  assert.ok(shares > 0n)
  clock.advance(10_000)
  const owed = engine.state.rewardsOwed('sETH', pool, 'hal', clock.t)
  // 0.1 FLX/s for 10 s, split between lp (2M + 2M value) and hal by shares.
  const total = engine.state.totalShares(pool)
  assert.equal(owed, (((WAD / 10n) * 10_000n * WAD) / (1000n * total) * shares) / WAD)
  run({ type: 'claim-rewards', account: 'hal', market: 'sETH', pool })
  assert.equal(engine.state.ledger.balance('hal', 'FLX'), owed)
  assert.equal(engine.state.ledger.balance(ISSUER, 'FLX'), -owed)
  run({ type: 'remove-liquidity', account: 'hal', market: 'sETH', pool, shares })
  assert.equal(engine.state.ledger.balance('hal', `LP:${pool}`), 0n)
  assertPoolsMatchLedger(engine)
})

test('replaying the log, or restoring a snapshot, gives the same state hash', () => {
  const { engine, clock, log, run } = seededVenue()
  run({ type: 'deposit', account: 'ivy', asset: 'fUSD', amount: 50_000n * WAD })
  run({ type: 'order', account: 'ivy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 20_000n * WAD })
  run({ type: 'order', account: 'ivy', market: 'sBTC', side: 'buy', kind: 'limit', amountIn: 1000n * WAD, limitPrice: 20_000n * WAD })
  clock.advance(500)
  run({ type: 'price', market: 'sETH', price: 2100n * WAD, publishedAt: clock.t })
  run({ type: 'price', market: 'sETH', price: 9000n * WAD, publishedAt: clock.t + 1 }) // a suspect print
  const hash = engine.state.hash()
  assert.equal(replay(log).hash(), hash)
  const restored = EngineState.restore(fromJson(toJson(engine.state.snapshot())))
  assert.equal(restored.hash(), hash)
  // The restored pools quote exactly like the originals.
  assert.equal(restored.markets.get('sETH')!.poolList()[0]!.quote(WAD, true), engine.state.markets.get('sETH')!.poolList()[0]!.quote(WAD, true))
})

test('replay refuses an event out of sequence', () => {
  const { log } = seededVenue()
  const st = new EngineState()
  assert.throws(() => st.apply(log[1]!), { code: 'REPLAY_DIVERGENCE' })
  assert.equal(st.seq, 0)
})

test('a quote is what the order then fills, with impact against the oracle and the slippage minimum', () => {
  const { engine, run } = seededVenue()
  run({ type: 'deposit', account: 'quinn', asset: 'fUSD', amount: 100_000n * WAD })
  const before = engine.state.hash()
  const q = engine.quote('sSPX', 'buy', 50_000n * WAD, 100)
  assert.equal(engine.state.hash(), before) // quoting changes nothing
  assert.ok(q.impactBps > 0 && q.impactBps < 200, `impact ${q.impactBps} bps`)
  assert.equal(q.minOut, (q.amountOut * 9900n) / 10_000n)
  const [fill] = run({ type: 'order', account: 'quinn', market: 'sSPX', side: 'buy', kind: 'market', amountIn: 50_000n * WAD, minOut: q.minOut })
  assert.ok(fill!.event.type === 'fill')
  assert.equal(fill!.event.amountOut, q.amountOut)
  assert.equal(codeOf(() => engine.quote('sSPX', 'buy', 0n)), 'INVALID_INPUT')
  assert.equal(codeOf(() => engine.quote('nope', 'buy', WAD)), 'UNKNOWN_MARKET')
})
