// Depth levels against the engine's own quotes (a seeded in-memory engine), then the channel and
// REST routes on a real gateway over a PGlite venue.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { demoGenesis } from '../../engine/src/demo/markets.js'
import { Engine } from '../../engine/src/engine.js'
import { seededVenue, WAD } from '../../engine/src/test-support/venue.js'
import type { Venue } from '../../engine/src/venue.js'
import { computeDepth, DepthBook, IMPACT_LEVELS_BPS, type DepthLevel } from './depth.js'
import type { Gateway } from './server.js'
import { TestClient } from './test-support/client.js'
import { startSeededGateway, type SeededGateway } from './test-support/seeded-gateway.js'

const T0 = 1_700_000_000_000

/** Whether an average price is within `bps` of the oracle, against the trader. */
const within = (side: 'buy' | 'sell', avg: bigint, oracle: bigint, bps: number) =>
  side === 'buy' ? avg * 10_000n <= oracle * BigInt(10_000 + bps) : avg * 10_000n >= oracle * BigInt(10_000 - bps)

describe('computeDepth', () => {
  const { engine, run } = seededVenue()
  // Seeded: $2M in each of sETH's pools (oracle PMM and constant product), so the router splits.

  test('levels: both sides, every impact, monotone, each an exact quote at the edge of its level', () => {
    const depth = computeDepth(engine, 'sETH')
    const oracle = engine.state.markets.get('sETH')!.guard.lastPrice()
    assert.equal(depth.oraclePrice, oracle)
    assert.equal(depth.eventSeq, engine.state.seq)
    assert.deepEqual(
      depth.levels.map((l) => `${l.side}:${l.impactBps}`),
      ['buy', 'sell'].flatMap((s) => IMPACT_LEVELS_BPS.map((b) => `${s}:${b}`)),
    )
    for (const side of ['buy', 'sell'] as const) {
      const levels = depth.levels.filter((l) => l.side === side)
      let prev: DepthLevel | undefined
      for (const l of levels) {
        if (prev) {
          assert.ok(l.amountIn >= prev.amountIn, `${side} ${l.impactBps}: more impact, no less size`)
          assert.ok(l.amountOut >= prev.amountOut)
        }
        prev = l
        if (l.amountIn === 0n) {
          assert.equal(l.avgPrice, null)
          continue
        }
        // The level is the engine's quote of that size, within the level...
        const q = engine.quote('sETH', side, l.amountIn, 0)
        assert.equal(l.amountOut, q.amountOut)
        assert.equal(l.avgPrice, q.averagePrice)
        assert.ok(within(side, q.averagePrice, oracle, l.impactBps))
        // ...and 1/5000 more would not be (the search is exact to 1 part in 10,000).
        const more = engine.quote('sETH', side, l.amountIn + l.amountIn / 5000n, 0)
        assert.ok(!within(side, more.averagePrice, oracle, l.impactBps), `${side} ${l.impactBps}: a bigger trade leaves the level`)
      }
      // The big levels are real sizes: 1000 bps buys well over a hundred thousand fUSD's worth.
      assert.ok(levels.at(-1)!.amountIn > (side === 'buy' ? 100_000n * WAD : 50n * WAD))
    }
    // The oracle pool's fee alone is 10 bps: no buy averages within 10 bps of the oracle.
    assert.equal(depth.levels[0]!.amountIn, 0n)
  })

  test('more liquidity, more depth; no price, no levels', () => {
    const before = computeDepth(engine, 'sETH').levels.find((l) => l.side === 'buy' && l.impactBps === 100)!.amountIn
    run({ type: 'mint', account: 'lp', market: 'sETH', amount: 100n * WAD })
    run({ type: 'add-liquidity', account: 'lp', market: 'sETH', pool: 'sETH-cp', base: 100n * WAD, quote: 200_000n * WAD })
    const afterAdd = computeDepth(engine, 'sETH').levels.find((l) => l.side === 'buy' && l.impactBps === 100)!.amountIn
    assert.ok(afterAdd > before)
    const unpriced = new Engine({ now: () => T0 })
    for (const c of demoGenesis()) unpriced.execute(c)
    assert.deepEqual(computeDepth(unpriced, 'sETH').levels, [])
    assert.throws(() => computeDepth(engine, 'sNOPE'), { code: 'UNKNOWN_MARKET' })
  })

  test('DepthBook coalesces a burst of changes into one publish per interval', async () => {
    const published: string[] = []
    const book = new DepthBook(engine, (topic) => published.push(topic), 50)
    for (let i = 0; i < 20; i++) book.changed('sETH')
    book.changed('sBTC')
    await new Promise((r) => setTimeout(r, 20))
    assert.deepEqual(published.sort(), ['depth:sBTC', 'depth:sETH'])
    book.changed('sETH') // within the interval of the last publish: waits for it
    await new Promise((r) => setTimeout(r, 10))
    assert.equal(published.length, 2)
    await new Promise((r) => setTimeout(r, 60))
    assert.equal(published.length, 3)
    book.stop()
    book.changed('sETH')
    await new Promise((r) => setTimeout(r, 60))
    assert.equal(published.length, 3)
  })
})

describe('depth channel and pools over the gateway', () => {
  let fixture: SeededGateway
  let venue: Venue
  let gateway: Gateway

  before(async () => {
    fixture = await startSeededGateway({}, T0)
    ;({ venue, gateway } = fixture)
  })

  after(() => fixture?.close())

  test('depth:<market>: snapshot, then one coalesced update after a burst of trades; REST agrees', async () => {
    const c = await TestClient.connect(gateway.url)
    assert.deepEqual((await c.request('subscribe', { channels: ['depth:sETH'] })).result, { channels: ['depth:sETH'] })
    await c.until(() => c.channel('depth:sETH').length >= 1, 5000, 'depth snapshot')
    const snap = c.channel('depth:sETH')[0]!
    assert.equal(snap.type, 'snapshot')
    assert.equal(snap.data.market, 'sETH')
    assert.equal(snap.data.levels.length, 2 * IMPACT_LEVELS_BPS.length)
    const level = snap.data.levels.find((l: { side: string; impactBps: number }) => l.side === 'buy' && l.impactBps === 100)
    assert.equal(typeof level.amountIn, 'string')
    const q = venue.engine.quote('sETH', 'buy', BigInt(level.amountIn), 0)
    assert.equal(level.amountOut, String(q.amountOut))
    assert.equal(level.avgPrice, String(q.averagePrice))

    for (let i = 0; i < 10; i++) await venue.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 1000n * WAD })
    await c.until(() => c.channel('depth:sETH').length >= 2, 5000, 'depth update')
    await new Promise((r) => setTimeout(r, 400))
    const pushes = c.channel('depth:sETH')
    assert.ok(pushes.length <= 3, `ten trades coalesce into few updates, got ${pushes.length - 1}`)
    const last = pushes.at(-1)!
    assert.equal(last.type, 'update')
    assert.equal(last.prevSeq, pushes.at(-2)!.seq)
    assert.equal(last.data.eventSeq, venue.engine.state.seq)
    // The pool moved: buying got more expensive near the oracle.
    const after100 = last.data.levels.find((l: { side: string; impactBps: number }) => l.side === 'buy' && l.impactBps === 100)
    assert.notEqual(after100.amountIn, level.amountIn)

    const rest = await fetch(`${gateway.httpUrl}/v1/depth/sETH`)
    assert.equal(rest.status, 200)
    assert.deepEqual(await rest.json(), last.data)
    const unknown = await fetch(`${gateway.httpUrl}/v1/depth/sNOPE`)
    assert.equal(unknown.status, 404)
    assert.equal(((await unknown.json()) as any).error.code, 'UNKNOWN_MARKET')
    assert.equal((await c.request('subscribe', { channels: ['depth:sNOPE'] })).error?.code, 'UNKNOWN_CHANNEL')
    await c.close()
  })

  test('GET /v1/pools and /v1/pools/:market: reserves, curve parameters, LP shares', async () => {
    const all = (await (await fetch(`${gateway.httpUrl}/v1/pools`)).json()) as { pools: any[] }
    const state = venue.engine.state
    const expected = [...state.markets.values()].flatMap((m) => m.poolList().map((p) => `${m.symbol}/${p.id}`))
    assert.deepEqual(
      all.pools.map((p) => `${p.market}/${p.id}`),
      expected,
    )
    const r = await fetch(`${gateway.httpUrl}/v1/pools/sETH`)
    const one = (await r.json()) as { market: string; pools: any[] }
    assert.equal(one.market, 'sETH')
    const pmm = one.pools.find((p) => p.kind === 'pmm')
    const pool = state.markets.get('sETH')!.pool(pmm.id)!
    const s = pool.state() as Extract<ReturnType<typeof pool.state>, { kind: 'pmm' }>
    assert.equal(pmm.reserves.base, String(pool.reserves().base))
    assert.equal(pmm.lpShares, String(state.totalShares(pmm.id)))
    assert.notEqual(pmm.lpShares, '0')
    assert.equal(pmm.params.oraclePrice, String(s.i))
    assert.equal(pmm.params.k, String(s.k))
    const cp = one.pools.find((p) => p.kind === 'cp')
    assert.equal(typeof cp.params.feeBps, 'number')
    assert.equal((await fetch(`${gateway.httpUrl}/v1/pools/sNOPE`)).status, 404)
  })
})
