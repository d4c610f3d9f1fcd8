// Property tests over random command sequences (fast-check): value is conserved per asset, no
// holder goes negative, pools and ledger agree, a refused command changes nothing, and replaying
// the log (or restoring a snapshot) gives the same state hash.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { isExternalAccount, poolAccount } from './accounts/accounts.js'
import type { Command } from './commands.js'
import { decodeEvent, encodeEvent, fromJson, toJson } from './events.js'
import { EngineState } from './state.js'
import { seededVenue, PRICES, WAD } from './test-support/venue.js'

const stats = { accepted: 0, steps: 0, events: new Map<string, number>(), refused: new Map<string, number>() }
const ACCOUNTS = ['ann', 'ben', 'cat'] as const
const MARKETS = ['sETH', 'sBTC', 'sSPX'] as const

const amount = fc.bigInt({ min: 0n, max: 200_000n * WAD }).map((x) => (x % 7n === 0n ? x / 1_000_000n : x)) // mostly large, some tiny
const who = fc.constantFrom(...ACCOUNTS)
const market = fc.constantFrom(...MARKETS)
const side = fc.constantFrom('buy' as const, 'sell' as const)

/** A step: a command factory (it may look at the state, e.g. to pick an open order) or a clock move. */
type Context = { price: (m: string) => bigint; balance: (account: string, asset: string) => bigint; orders: string[]; now: number }
type Step = { advance: number } | { make: (ctx: Context) => Command | Command[] }
const percent = fc.integer({ min: 1, max: 100 })
const share = (x: bigint, pct: number) => (x * BigInt(pct)) / 100n

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ advance: fc.integer({ min: 1, max: 4000 }) }) },
  { weight: 2, arbitrary: fc.tuple(who, amount).map(([account, a]): Step => ({ make: () => ({ type: 'deposit', account, asset: 'fUSD', amount: a }) })) },
  { weight: 1, arbitrary: fc.tuple(who, amount).map(([account, a]): Step => ({ make: () => ({ type: 'withdraw', account, asset: 'fUSD', amount: a / 10n }) })) },
  { weight: 3, arbitrary: fc.tuple(who, market, percent).map(([account, m, pct]): Step => ({ make: (c) => ({ type: 'mint', account, market: m, amount: (share(c.balance(account, 'fUSD'), pct) * WAD * 18n) / (c.price(m) * 10n) + 1n }) })) },
  { weight: 1, arbitrary: fc.tuple(who, market, amount).map(([account, m, a]): Step => ({ make: (c) => ({ type: 'burn', account, market: m, amount: (a * WAD) / c.price(m) / 5n }) })) },
  {
    // A leveraged short: mint the synth against collateral and sell it.
    weight: 2,
    arbitrary: fc.tuple(who, market, percent).map(([account, m, pct]): Step => ({
      make: (c) => {
        const amount = (share(c.balance(account, 'fUSD'), pct) * WAD * 17n) / (c.price(m) * 10n) + 1n
        return [{ type: 'mint', account, market: m, amount }, { type: 'order', account, market: m, side: 'sell', kind: 'market', amountIn: amount }]
      },
    })),
  },
  {
    weight: 5,
    arbitrary: fc.tuple(who, market, side, percent, fc.integer({ min: 0, max: 300 })).map(([account, m, s, pct, slipBps]): Step => ({
      make: (c) => {
        const amountIn = share(c.balance(account, s === 'buy' ? 'fUSD' : m), pct) + (pct === 100 ? 1n : 0n) // 100 %: one wei too many
        const fair = s === 'buy' ? (amountIn * WAD) / c.price(m) : (amountIn * c.price(m)) / WAD
        return { type: 'order', account, market: m, side: s, kind: 'market', amountIn, minOut: (fair * BigInt(10_000 - slipBps)) / 10_000n }
      },
    })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(who, market, side, percent, fc.integer({ min: -500, max: 500 }), fc.boolean(), fc.option(fc.constantFrom('x1', 'x2', 'x3'))).map(([account, m, s, pct, offBps, stop, cid]): Step => ({
      make: (c) => {
        const p = (c.price(m) * BigInt(10_000 + offBps)) / 10_000n
        const amountIn = share(c.balance(account, s === 'buy' ? 'fUSD' : m), pct)
        const base: Command = stop
          ? { type: 'order', account, market: m, side: s, kind: 'stop', amountIn, stopPrice: p }
          : { type: 'order', account, market: m, side: s, kind: 'limit', amountIn, limitPrice: p }
        return cid === null ? base : { ...base, clientOrderId: cid }
      },
    })),
  },
  { weight: 1, arbitrary: fc.tuple(who, fc.nat()).map(([account, i]): Step => ({ make: (c) => ({ type: 'cancel', account, orderId: c.orders[i % Math.max(1, c.orders.length)] ?? 'none' }) })) },
  {
    weight: 8,
    arbitrary: fc.tuple(market, fc.integer({ min: -700, max: 2400 })).map(([m, moveBps]): Step => ({
      make: (c) => ({ type: 'price', market: m, price: (c.price(m) * BigInt(10_000 + moveBps)) / 10_000n, publishedAt: c.now }),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(who, fc.constantFrom('sETH-pmm', 'sETH-cp'), percent).map(([account, pool, pct]): Step => ({
      make: (c) => ({ type: 'add-liquidity', account, market: 'sETH', pool, base: share(c.balance(account, 'sETH'), pct), quote: share(c.balance(account, 'fUSD'), pct) }),
    })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(who, fc.constantFrom('sETH-pmm', 'sETH-cp'), percent).map(([account, pool, pct]): Step => ({
      make: (c) => ({ type: 'remove-liquidity', account, market: 'sETH', pool, shares: share(c.balance(account, `LP:${pool}`), pct) }),
    })),
  },
  { weight: 1, arbitrary: fc.tuple(who, fc.constantFrom('sETH-pmm', 'sETH-cp')).map(([account, pool]): Step => ({ make: () => ({ type: 'claim-rewards', account, market: 'sETH', pool }) })) },
  {
    weight: 3,
    arbitrary: fc.tuple(who, market, amount).map(([account, m, a]): Step => ({
      make: () => ({ type: 'liquidate', liquidator: 'lp', account, market: m, collateralAsset: 'fUSD', amount: a / 1000n + 1n }),
    })),
  },
)

function checkInvariants(st: EngineState): void {
  const sums = new Map<string, bigint>()
  for (const [account, asset, value] of st.ledger.entries()) {
    sums.set(asset, (sums.get(asset) ?? 0n) + value)
    if (!isExternalAccount(account)) assert.ok(value >= 0n, `${account} holds ${value} ${asset}`)
  }
  for (const [asset, sum] of sums) assert.equal(sum, 0n, `${asset} is not conserved`)
  for (const m of st.markets.values()) {
    for (const pool of m.poolList()) {
      const r = pool.reserves()
      assert.equal(st.ledger.balance(poolAccount(pool.id), m.listing.base), r.base)
      assert.equal(st.ledger.balance(poolAccount(pool.id), m.listing.quote), r.quote)
    }
  }
}

test('random command sequences conserve value, never go negative, refuse atomically and replay to the same hash', (t) => {
  fc.assert(
    fc.property(fc.array(step, { minLength: 40, maxLength: 150, size: 'max' }), (steps) => {
      const { engine, clock, log } = seededVenue()
      // The lp account keeps synth inventory to liquidate with; the traders start with collateral.
      const setup: Command[] = MARKETS.map((m) => ({ type: 'mint', account: 'lp', market: m, amount: (100_000n * WAD * WAD) / PRICES[m]! }))
      for (const account of ACCOUNTS) setup.push({ type: 'deposit', account, asset: 'fUSD', amount: 100_000n * WAD })
      for (const c of setup) log.push(...engine.execute(c).events)
      let accepted = 0
      for (const s of steps) {
        if ('advance' in s) {
          clock.advance(s.advance)
          continue
        }
        clock.advance(1) // every command at its own millisecond, so each price is newer than the last
        const orders = [...engine.state.orderMarket.keys()]
        const made = s.make({ price: (m) => engine.state.price(m), balance: (a, asset) => engine.state.ledger.balance(a, asset), orders, now: clock.t })
        for (const command of Array.isArray(made) ? made : [made]) {
          const before = engine.state.hash()
          try {
            const { events } = engine.execute(command)
            log.push(...events)
            accepted++
          } catch (err) {
            const code = (err as { code?: unknown }).code
            assert.equal(typeof code, 'string', `untyped error ${String(err)}`)
            assert.notEqual(code, 'ENGINE_HALTED')
            const key = `${command.type}:${String(code)}`
            stats.refused.set(key, (stats.refused.get(key) ?? 0) + 1)
            assert.equal(engine.state.hash(), before, `refused ${command.type} (${String(code)}) changed the state`)
          }
          checkInvariants(engine.state)
        }
      }
      const replayed = new EngineState()
      for (const e of log) replayed.apply({ ...e, event: decodeEvent(encodeEvent(e.event)) })
      assert.equal(replayed.hash(), engine.state.hash())
      assert.equal(EngineState.restore(fromJson(toJson(engine.state.snapshot()))).hash(), engine.state.hash())
      stats.accepted += accepted
      stats.steps += steps.length
      for (const e of log) stats.events.set(e.event.type, (stats.events.get(e.event.type) ?? 0) + 1)
      return true
    }),
    { numRuns: Number(process.env.FLUXION_PROPERTY_RUNS ?? 60), seed: Number(process.env.FLUXION_PROPERTY_SEED ?? 20261124) },
  )
  t.diagnostic(`accepted ${stats.accepted} of ${stats.steps} steps; events ${JSON.stringify(Object.fromEntries(stats.events))}; refused ${JSON.stringify(Object.fromEntries(stats.refused))}`)
  // The sequences must reach every kind of change, or the properties above prove little.
  for (const type of ['fill', 'order-opened', 'order-cancelled', 'liquidation', 'liquidity-added', 'liquidity-removed', 'rewards-claimed', 'mint', 'burn', 'withdrawal']) {
    assert.ok((stats.events.get(type) ?? 0) > 0, `no ${type} event was generated`)
  }
})
