// The benchmark's `ws` baseline serves the gateway's protocol like the uWS gateway does: the
// subscribe ack, a snapshot per channel, then updates with continuous seq; so the fan-out
// comparison measures two transports doing the same work.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { demoGenesis } from '../engine/src/demo/markets.js'
import { seedVenue, WAD } from '../engine/src/test-support/venue.js'
import { Venue } from '../engine/src/venue.js'
import { TestClient } from '../gateway/src/test-support/client.js'
import { startWsBaseline, type WsBaseline } from './gateway-ws-baseline.js'

const T0 = 1_700_000_000_000
let dir: string
let venue: Venue
let server: WsBaseline

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fluxion-ws-baseline-'))
  venue = await Venue.open({ dataDir: join(dir, 'data'), databaseUrl: '', redisUrl: '', genesis: demoGenesis(), now: () => T0 })
  await seedVenue(venue, T0)
  server = await startWsBaseline({ venue, now: () => T0 })
})

after(async () => {
  await server?.close()
  await venue?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('ws baseline: snapshots, then trade and quote updates in seq order to every subscriber; unknown channels refused', async () => {
  const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(server.url)))
  for (const c of clients) assert.deepEqual((await c.request('subscribe', { channels: ['trades:sETH', 'quotes:sETH'] })).result, { channels: ['trades:sETH', 'quotes:sETH'] })
  for (const c of clients) await c.until(() => c.pushes.length >= 2, 5000, 'two snapshots')
  for (let i = 0; i < 5; i++) await venue.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 100n * WAD })
  for (const c of clients) {
    await c.until(() => c.channel('trades:sETH').length >= 6 && c.channel('quotes:sETH').length >= 6, 5000, 'five updates per channel')
    for (const name of ['trades:sETH', 'quotes:sETH']) {
      const pushes = c.channel(name)
      assert.equal(pushes[0]!.type, 'snapshot')
      for (let i = 1; i < pushes.length; i++) {
        assert.equal(pushes[i]!.type, 'update')
        assert.equal(pushes[i]!.prevSeq, pushes[i - 1]!.seq)
        assert.equal(pushes[i]!.seq, pushes[i]!.prevSeq! + 1)
      }
    }
    assert.equal(c.channel('trades:sETH')[1]!.data.quoteAmount, String(100n * WAD))
  }
  assert.equal((await clients[0]!.request('subscribe', { channels: ['trades:sXYZ'] })).error?.code, 'UNKNOWN_CHANNEL')
  await Promise.all(clients.map((c) => c.close()))
})
