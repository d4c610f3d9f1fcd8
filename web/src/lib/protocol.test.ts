// The terminal's protocol client: continuity rules on crafted pushes, and the client against a
// real gateway (venue on PGlite, uWS) through the `ws` package's WebSocket.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { pino } from 'pino'
import WebSocket from 'ws'
import { demoGenesis } from '../../../engine/src/demo/markets.js'
import { seedVenue } from '../../../engine/src/test-support/venue.js'
import { Venue } from '../../../engine/src/venue.js'
import { startGateway, type Gateway } from '../../../gateway/src/server.js'
import { ProtocolClient, ProtocolError, SeqTracker, type Push } from './protocol.js'

const push = (channel: string, type: 'snapshot' | 'update', seq: number, prevSeq: number | null) => ({ channel, type, seq, prevSeq })

describe('SeqTracker', () => {
  test('a snapshot starts a run; updates must continue it', () => {
    const t = new SeqTracker()
    assert.equal(t.accept(push('trades:sETH', 'update', 5, 4)), 'drop', 'no snapshot yet')
    assert.equal(t.accept(push('trades:sETH', 'snapshot', 7, null)), 'apply')
    assert.equal(t.accept(push('trades:sETH', 'update', 8, 7)), 'apply')
    assert.equal(t.accept(push('trades:sETH', 'update', 10, 9)), 'gap')
    assert.equal(t.accept(push('trades:sETH', 'update', 11, 10)), 'drop', 'after a gap, wait for the fresh snapshot')
    assert.equal(t.accept(push('trades:sETH', 'snapshot', 11, null)), 'apply')
    assert.equal(t.accept(push('trades:sETH', 'update', 12, 11)), 'apply')
  })

  test('channels are independent; heartbeat and system are not tracked', () => {
    const t = new SeqTracker()
    t.accept(push('a', 'snapshot', 1, null))
    t.accept(push('b', 'snapshot', 50, null))
    assert.equal(t.accept(push('a', 'update', 2, 1)), 'apply')
    assert.equal(t.accept(push('b', 'update', 51, 50)), 'apply')
    assert.equal(t.accept(push('heartbeat', 'update', 99, 3)), 'apply')
    assert.equal(t.accept(push('system', 'update', 1, 0)), 'apply')
    t.forget('a')
    assert.equal(t.accept(push('a', 'update', 3, 2)), 'drop')
  })
})

describe('ProtocolClient against a real gateway', () => {
  let dir: string
  let venue: Venue
  let gateway: Gateway
  const clients: ProtocolClient[] = []
  const open = (url: string) => new WebSocket(url) as unknown as globalThis.WebSocket
  const connected = async () => {
    const c = new ProtocolClient(gateway.url, open)
    clients.push(c)
    const up = new Promise<void>((resolve) => c.onStatus((s) => s === 'open' && resolve()))
    c.connect()
    await up
    return c
  }
  const waitFor = async <T>(f: () => T | undefined, what: string, ms = 5000): Promise<T> => {
    const deadline = Date.now() + ms
    for (;;) {
      const v = f()
      if (v !== undefined) return v
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fluxion-web-protocol-'))
    venue = await Venue.open({ dataDir: join(dir, 'data'), databaseUrl: '', redisUrl: '', genesis: demoGenesis() })
    await seedVenue(venue, Date.now())
    gateway = await startGateway({ venue, port: 0, apiKeys: { 'amy-key': { account: 'amy' } }, logger: pino({ level: 'silent' }), defaultMetrics: false })
  })

  after(async () => {
    for (const c of clients) c.close()
    await gateway?.close()
    await venue?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('requests resolve by id; error answers reject with the code', async () => {
    const c = await connected()
    const [pong, quote] = await Promise.all([
      c.request<{ pong: number }>('ping'),
      c.request<{ amountOut: string; minOut: string }>('quote', { market: 'sETH', side: 'buy', amountIn: '1000000000000000000000', slippageBps: 100 }),
    ])
    assert.ok(pong.pong > 0)
    assert.ok(BigInt(quote.amountOut) > BigInt(quote.minOut))
    await assert.rejects(c.request('quote', { market: 'sNOPE', side: 'buy', amountIn: '1' }), (err: unknown) => err instanceof ProtocolError && err.code === 'UNKNOWN_MARKET')
  })

  test('requestTimed: the result, the round trip, and the venue\'s share of it from the answer\'s usDiff', async () => {
    const c = await connected()
    const timed = await c.requestTimed<{ amountOut: string }>('quote', { market: 'sETH', side: 'buy', amountIn: '1000000000000000000000' })
    assert.ok(BigInt(timed.result.amountOut) > 0n)
    assert.ok(timed.venueMs !== undefined && timed.venueMs > 0, `venue ${timed.venueMs} ms`)
    assert.ok(timed.roundTripMs + 0.01 >= timed.venueMs, `round trip ${timed.roundTripMs} ms, venue ${timed.venueMs} ms`)
  })

  test('subscribe delivers the snapshot then updates; a crafted gap resubscribes for a fresh snapshot', async () => {
    const c = await connected()
    const seen: Push[] = []
    c.subscribe('trades:sETH', (p) => seen.push(p))
    await waitFor(() => seen.find((p) => p.type === 'snapshot'), 'snapshot')
    await venue.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 100n * 10n ** 18n })
    const update = await waitFor(() => seen.find((p) => p.type === 'update'), 'trade update')
    assert.equal(update.prevSeq, seen[0]!.seq)
    // A push that skips a seq, as if updates were lost: the client must ask for a new snapshot.
    c.receive(JSON.stringify({ channel: 'trades:sETH', type: 'update', seq: update.seq + 5, prevSeq: update.seq + 4, ts: Date.now(), data: {} }))
    assert.equal(c.gaps, 1)
    await waitFor(() => (seen.filter((p) => p.type === 'snapshot').length === 2 ? true : undefined), 'fresh snapshot after the gap')
    assert.equal(seen.filter((p) => p.type === 'update').length, 1, 'the gapped push was not applied')
    const fresh = seen.at(-1)!
    assert.equal(fresh.type, 'snapshot')
    assert.ok((fresh.data as { trades: unknown[] }).trades.length >= 1)
  })

  test('closing rejects requests in flight and later ones with DISCONNECTED', async () => {
    const c = await connected()
    const inFlight = c.request('quote', { market: 'sETH', side: 'buy', amountIn: '1000000000000000000' })
    c.close()
    const disconnected = (err: unknown) => err instanceof ProtocolError && err.code === 'DISCONNECTED'
    await assert.rejects(inFlight, disconnected)
    await assert.rejects(c.request('ping'), disconnected)
    assert.equal(c.status, 'closed')
  })

  test('a reconnect resubscribes every channel and the client keeps getting pushes', async () => {
    const c = await connected()
    const snapshots: string[] = []
    c.subscribe('quotes:sETH', (p) => p.type === 'snapshot' && snapshots.push(p.channel))
    c.subscribe('markets', (p) => p.type === 'snapshot' && snapshots.push(p.channel))
    await waitFor(() => (snapshots.length === 2 ? true : undefined), 'first snapshots')
    c.reconnect()
    await waitFor(() => (snapshots.length === 4 ? true : undefined), 'snapshots after the reconnect')
    assert.deepEqual(snapshots.slice(2).sort(), ['markets', 'quotes:sETH'])
  })

  test('when the gateway closes the socket, the client reconnects by itself and resubscribes', async () => {
    // A gateway whose connections live 400 ms: it ends each one (1001) and the client must come back.
    const short = await startGateway({ venue, port: 0, maxLifetimeMs: 400, lifetimeNoticeMs: 100, logger: pino({ level: 'silent' }), defaultMetrics: false })
    const c = new ProtocolClient(short.url, open)
    clients.push(c)
    const statuses: string[] = []
    c.onStatus((s) => statuses.push(s))
    const snapshots: number[] = []
    c.subscribe('markets', (p) => p.type === 'snapshot' && snapshots.push(p.seq))
    c.connect()
    try {
      await waitFor(() => (snapshots.length >= 3 ? true : undefined), 'snapshots from three connections', 15_000)
      assert.ok(statuses.filter((s) => s === 'closed').length >= 2, statuses.join(' '))
    } finally {
      c.close()
      await short.close()
    }
  })
})
