// The venue over real storage and a real bus: the same suite on PGlite and on PostgreSQL (with
// Redis carrying the events to a second subscriber, as a second gateway process would see them).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { decodeBusEvent } from './bus/bus-event.js'
import { RedisBus } from './bus/redis-bus.js'
import { demoGenesis } from './demo/markets.js'
import { dropTestSchema, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from './store/test-servers.js'
import { seedVenue } from './test-support/venue.js'
import { eventChannel, recoverState, Venue, type VenueOptions } from './venue.js'
import { toJson, type SequencedEvent } from './events.js'

const WAD = 10n ** 18n
const T0 = 1_700_000_000_000

async function trade(venue: Venue, now: { t: number }): Promise<void> {
  await seedVenue(venue, now.t)
  // Many orders in flight at once: one group commit acknowledges them together, in order.
  const orders = Array.from({ length: 200 }, (_, i) =>
    venue.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 100n * WAD, clientOrderId: `c${i}` }),
  )
  const results = await Promise.all(orders)
  assert.deepEqual(results.map((r) => r.status), Array(200).fill('filled'))
}

function venueSuite(name: string, options: () => { venue: VenueOptions; redis?: string; cleanup: () => Promise<void> }): void {
  describe(name, () => {
    test('recovers the exact state after a restart, from the log and from a snapshot; candles come from the fills', async () => {
      const { venue: opts, redis, cleanup } = options()
      const now = { t: T0 }
      const received: SequencedEvent[] = []
      const local: SequencedEvent[] = []
      const listener = redis ? await RedisBus.connect(redis) : undefined
      try {
        const venue = await Venue.open({ ...opts, now: () => now.t, genesis: demoGenesis() })
        const before = venue.engine.state.streamSeqs.get('sETH')!
        await venue.events.subscribe(eventChannel('sETH'), (e) => local.push(e))
        if (listener) await listener.subscribe(eventChannel('sETH'), (m) => received.push(decodeBusEvent(m)))
        await trade(venue, now)
        // Every durable sETH event reached this process's subscribers, in order.
        await new Promise((r) => setImmediate(r))
        assert.equal(local.length, venue.engine.state.streamSeqs.get('sETH')! - before)
        local.forEach((e, i) => assert.equal(e.streamSeq, before + i + 1))
        const hash = venue.engine.state.hash()
        const seq = venue.engine.state.seq
        const candles = await venue.store.candles('sETH', 60_000, T0 - 60_000, T0 + 60_000)
        assert.equal(candles.reduce((n, c) => n + c.trades, 0), 200)
        await venue.close()

        const again = await Venue.open({ ...opts, now: () => now.t, genesis: demoGenesis() })
        assert.equal(again.recovery.replayed, seq)
        assert.equal(again.engine.state.hash(), hash)
        // A duplicate client order id is still a duplicate after the restart.
        await assert.rejects(again.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: WAD, clientOrderId: 'c7' }), { code: 'DUPLICATE_CLIENT_ORDER_ID' })
        await again.snapshot()
        await again.close()

        const third = await Venue.open({ ...opts, now: () => now.t })
        assert.equal(third.recovery.fromSnapshot, seq)
        assert.equal(third.recovery.replayed, 0)
        assert.equal(third.engine.state.hash(), hash)
        assert.equal((await recoverState(third.store, { ignoreSnapshot: true })).state.hash(), hash)
        await third.close()

        if (listener) {
          // Every sETH event reached the other process, in order, with continuous stream seqs.
          for (let i = 0; i < 50 && received.length < 203; i++) await new Promise((r) => setTimeout(r, 20))
          assert.ok(received.length >= 203, `received ${received.length}`)
          received.forEach((e, i) => assert.equal(e.streamSeq, received[0]!.streamSeq + i))
          // The same events as this process saw, as text and back.
          assert.equal(toJson(received), toJson(local.slice(local.length - received.length)))
        }
      } finally {
        await listener?.close()
        await cleanup()
      }
    })
  })
}

venueSuite('PGlite, in-process bus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-venue-'))
  return { venue: { dataDir: join(dir, 'data'), databaseUrl: '', redisUrl: '' }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) }
})

venueSuite('PostgreSQL, Redis bus', () => {
  const schema = uniqueName('venue')
  return { venue: { databaseUrl: TEST_DATABASE_URL, schema, redisUrl: TEST_REDIS_URL }, redis: TEST_REDIS_URL, cleanup: () => dropTestSchema(schema) }
})
