// Protocol v1 end to end: a venue on PGlite, the gateway on uWS, real `ws` clients.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { pino } from 'pino'
import { demoGenesis } from '../../engine/src/demo/markets.js'
import type { SequencedEvent } from '../../engine/src/events.js'
import { eventChannel, Venue } from '../../engine/src/venue.js'
import { seedVenue } from '../../engine/src/test-support/venue.js'
import { signAuth } from './auth.js'
import { startGateway, type Gateway } from './server.js'
import { TestClient, type ReceivedPush } from './test-support/client.js'

const WAD = 10n ** 18n
const T0 = 1_700_000_000_000

/** Each update continues the one before it: seq = prevSeq + 1, starting from the snapshot's seq. */
function assertContinuous(pushes: ReceivedPush[]): void {
  assert.equal(pushes[0]?.type, 'snapshot')
  assert.equal(pushes[0]!.prevSeq, null)
  for (let i = 1; i < pushes.length; i++) {
    assert.equal(pushes[i]!.type, 'update')
    assert.equal(pushes[i]!.prevSeq, pushes[i - 1]!.seq, `push ${i} of ${pushes[i]!.channel}`)
    assert.equal(pushes[i]!.seq, pushes[i]!.prevSeq! + 1)
  }
}

describe('gateway protocol v1', () => {
  const now = { t: T0 }
  let dir: string
  let venue: Venue
  let gateway: Gateway
  let http: string

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fluxion-gateway-'))
    venue = await Venue.open({ dataDir: join(dir, 'data'), databaseUrl: '', redisUrl: '', genesis: demoGenesis(), now: () => now.t })
    await seedVenue(venue, now.t)
    gateway = await startGateway({
      venue,
      port: 0,
      now: () => now.t,
      apiKeys: { 'amy-key': { account: 'amy' }, 'amy-read': { account: 'amy', permissions: ['read'] }, 'bob-key': { account: 'bob' }, 'mm-key': { account: 'mm', secret: 'mm-secret' } },
      logger: pino({ level: 'silent' }),
      defaultMetrics: false,
      maxMessageBytes: 4096,
      maxPayloadBytes: 16 * 1024,
    })
    http = gateway.httpUrl
  })

  after(async () => {
    await gateway?.close()
    await venue?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('subscribe: the ack, a snapshot per channel, then updates with continuous seq while orders trade', async () => {
    const c = await TestClient.connect(gateway.url)
    const ack = await c.request('subscribe', { channels: ['trades:sETH', 'quotes:sETH', 'markets'] })
    assert.deepEqual(ack.result, { channels: ['trades:sETH', 'quotes:sETH', 'markets'] })
    await c.until(() => c.pushes.length >= 3, 5000, 'three snapshots')
    const quotes0 = c.channel('quotes:sETH')[0]!
    assert.equal(quotes0.type, 'snapshot')
    assert.equal(quotes0.data.oraclePrice, String(2000n * WAD))
    assert.equal(typeof quotes0.data.pools[0].midPrice, 'string')
    assert.deepEqual(c.channel('markets')[0]!.data.markets.map((m: { market: string }) => m.market), ['sETH', 'sBTC', 'sSPX'])

    for (let i = 0; i < 20; i++) await venue.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 100n * WAD })
    now.t += 1000
    await venue.submit({ type: 'price', market: 'sETH', price: 2010n * WAD, publishedAt: now.t })
    await c.until(() => c.channel('trades:sETH').length >= 21 && c.channel('markets').length >= 2, 5000, 'trade and market updates')
    const trades = c.channel('trades:sETH')
    assertContinuous(trades)
    assertContinuous(c.channel('quotes:sETH'))
    assertContinuous(c.channel('markets'))
    assert.equal(trades[1]!.data.side, 'buy')
    assert.equal(trades[1]!.data.quoteAmount, String(100n * WAD))
    assert.equal(c.channel('markets')[1]!.data.oraclePrice, String(2010n * WAD))

    // A second subscriber joins mid-stream: its snapshot carries the channel's current seq and
    // the recent trades; the next update continues it.
    const d = await TestClient.connect(gateway.url)
    await d.request('subscribe', { channels: ['trades:sETH'] })
    await d.until(() => d.channel('trades:sETH').length === 1)
    const snap = d.channel('trades:sETH')[0]!
    assert.equal(snap.seq, trades.at(-1)!.seq)
    assert.equal(snap.data.trades.length, 20)
    await venue.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'sell', kind: 'market', amountIn: WAD / 10n })
    await d.until(() => d.channel('trades:sETH').length === 2)
    assertContinuous(d.channel('trades:sETH'))

    // Unsubscribed: no more updates of that channel.
    assert.deepEqual((await d.request('unsubscribe', { channels: ['trades:sETH'] })).result, { channels: ['trades:sETH'] })
    await venue.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'sell', kind: 'market', amountIn: WAD / 10n })
    await c.until(() => c.channel('trades:sETH').length >= 23)
    assert.equal(d.channel('trades:sETH').length, 2)
    await c.close()
    await d.close()
  })

  test('quote over WebSocket and REST: the engine quote, decimals as strings', async () => {
    const c = await TestClient.connect(gateway.url)
    const expected = JSON.parse(JSON.stringify(venue.engine.quote('sETH', 'buy', 1000n * WAD, 30), (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
    const ws = await c.request('quote', { market: 'sETH', side: 'buy', amountIn: String(1000n * WAD), slippageBps: 30 })
    assert.deepEqual(ws.result, expected)
    assert.equal(typeof ws.result.amountOut, 'string')
    const rest = await fetch(`${http}/v1/markets/sETH/quote?side=buy&amountIn=${1000n * WAD}&slippageBps=30`)
    assert.equal(rest.status, 200)
    assert.deepEqual(await rest.json(), expected)
    const unknown = await c.request('quote', { market: 'sXYZ', side: 'buy', amountIn: '1' })
    assert.equal(unknown.error?.code, 'UNKNOWN_MARKET')
    const bad = await fetch(`${http}/v1/markets/sETH/quote?side=up&amountIn=1`)
    assert.equal(bad.status, 400)
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'INVALID_PARAMS')
    await c.close()
  })

  test('placeOrder: needs a trading key; the fill comes back and is pushed on orders, fills and trades', async () => {
    const c = await TestClient.connect(gateway.url)
    const order = { market: 'sETH', side: 'buy', kind: 'market', amountIn: String(50n * WAD), clientOrderId: 'ws-1' }
    assert.equal((await c.request('placeOrder', order)).error?.code, 'UNAUTHORIZED')
    assert.equal((await c.request('setCancelOnDisconnect', { enabled: true })).error?.code, 'UNAUTHORIZED')
    assert.equal((await c.request('subscribe', { channels: ['fills'] })).error?.code, 'UNAUTHORIZED')
    assert.equal((await c.request('auth', { apiKey: 'nope' })).error?.code, 'UNAUTHORIZED')
    assert.deepEqual((await c.request('auth', { apiKey: 'amy-read' })).result.permissions, ['read'])
    assert.equal((await c.request('placeOrder', order)).error?.code, 'FORBIDDEN')
    assert.equal((await c.request('setCancelOnDisconnect', { enabled: true })).error?.code, 'FORBIDDEN')
    assert.equal((await c.request('auth', { apiKey: 'amy-key' })).result.account, 'amy')
    await c.request('subscribe', { channels: ['fills', 'orders', 'trades:sETH', 'account'] })
    await c.until(() => c.pushes.length >= 4)
    const account0 = c.channel('account')[0]!.data
    assert.equal(account0.account, 'amy')
    assert.equal(account0.balances.fUSD, String(venue.engine.state.ledger.balance('amy', 'fUSD')))
    assert.equal(account0.healthFactor, null)
    const placed = await c.request('placeOrder', order)
    assert.equal(placed.result.status, 'filled')
    await c.until(() => c.channel('account').length === 2)
    assert.equal(c.channel('account')[1]!.data.balances.sETH, String(venue.engine.state.ledger.balance('amy', 'sETH')))
    await c.until(() => c.channel('fills').length === 2 && c.channel('orders').length === 2 && c.channel('trades:sETH').length === 2)
    const fill = c.channel('fills')[1]!
    assert.equal(fill.data.orderId, placed.result.orderId)
    assert.equal(fill.data.clientOrderId, 'ws-1')
    assert.equal(fill.data.amountIn, String(50n * WAD))
    assert.equal(c.channel('orders')[1]!.data.event, 'filled')
    // Engine refusals keep their codes, and change nothing.
    const hash = venue.engine.state.hash()
    assert.equal((await c.request('placeOrder', order)).error?.code, 'DUPLICATE_CLIENT_ORDER_ID')
    assert.equal((await c.request('placeOrder', { ...order, clientOrderId: 'ws-2', amountIn: String(10n ** 30n) })).error?.code, 'INSUFFICIENT_BALANCE')
    assert.equal(venue.engine.state.hash(), hash)

    // A resting limit order, then cancelOrder and cancelAll.
    const limit = { market: 'sETH', side: 'buy', kind: 'limit', amountIn: String(10n * WAD), limitPrice: String(1000n * WAD) }
    const resting = await c.request('placeOrder', limit)
    assert.equal(resting.result.status, 'resting')
    assert.deepEqual((await c.request('cancelOrder', { orderId: resting.result.orderId })).result, { orderId: resting.result.orderId, status: 'cancelled' })
    assert.equal((await c.request('cancelOrder', { orderId: resting.result.orderId })).error?.code, 'UNKNOWN_ORDER')
    await c.request('placeOrder', limit)
    await c.request('placeOrder', limit)
    assert.equal((await c.request('cancelAll', {})).result.cancelled.length, 2)
    await c.until(() => c.channel('orders').filter((p) => p.data.event === 'cancelled').length === 3)
    assertContinuous(c.channel('orders'))
    await c.close()
  })

  test('bad frames get their documented error, change nothing and keep the connection', async () => {
    const c = await TestClient.connect(gateway.url)
    const hash = venue.engine.state.hash()
    const seq = venue.engine.state.seq
    const cases: Array<[string | Buffer, string, boolean?]> = [
      ['{"method":"ping","id":', 'MALFORMED_JSON'],
      ['[1,2,3]', 'INVALID_REQUEST'],
      ['{"method":"ping"}', 'INVALID_REQUEST'],
      [Buffer.from('{"method":"ping","id":1}'), 'INVALID_REQUEST', true],
      [JSON.stringify({ method: 'ping', id: 1, pad: 'x'.repeat(5000) }), 'MESSAGE_TOO_LARGE'],
    ]
    for (const [frame, code, binary] of cases) {
      const before = c.responses.length
      c.sendRaw(frame, binary)
      const r = await c.nullIdResponse(before)
      assert.equal(r.error?.code, code, String(frame).slice(0, 40))
    }
    const unknown = await c.request('withdrawAll', {})
    assert.equal(unknown.error?.code, 'UNKNOWN_METHOD')
    assert.equal(unknown.id, c.responses.at(-1)!.id)
    const invalid = await c.request('placeOrder', { market: 'sETH', side: 'buy', kind: 'market', amountIn: 5 })
    assert.equal(invalid.error?.code, 'INVALID_PARAMS')
    assert.match(invalid.error!.message, /amountIn/)
    assert.equal((await c.request('subscribe', { channels: ['markets', 'trades:nope'] })).error?.code, 'UNKNOWN_CHANNEL')
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(c.channel('markets').length, 0, 'a rejected subscribe joins nothing')
    assert.equal(venue.engine.state.hash(), hash)
    assert.equal(venue.engine.state.seq, seq)
    assert.equal(typeof (await c.request('ping')).result.pong, 'number')

    // Above uWS's frame limit uWS drops the socket at once, without a close frame: 1006.
    c.sendRaw('x'.repeat(20 * 1024))
    await c.until(() => c.closed, 5000, 'close')
    assert.equal(c.closed!.code, 1006)
    assert.equal(venue.engine.state.hash(), hash)
  })

  test('every response says when the gateway read the request and wrote the answer (usIn, usOut, usDiff in µs since the epoch)', async () => {
    const c = await TestClient.connect(gateway.url)
    await c.request('auth', { apiKey: 'amy-key' })
    const order = { market: 'sETH', side: 'buy', kind: 'market', amountIn: String(WAD) }
    const before = c.responses.length
    c.sendRaw(Buffer.from('{"method":"ping","id":1}'), true)
    const binary = await c.nullIdResponse(before)
    const sentAt = Date.now()
    const answers = [binary, await c.request('ping'), await c.request('quote', { market: 'sETH', side: 'buy', amountIn: String(WAD) }), await c.request('placeOrder', order), await c.request('placeOrder', { ...order, amountIn: '0' })]
    const receivedAt = Date.now()
    assert.deepEqual(answers.map((a) => a.error?.code ?? 'ok'), ['INVALID_REQUEST', 'ok', 'ok', 'ok', 'INVALID_PARAMS'])
    for (const a of answers) {
      assert.ok(Number.isSafeInteger(a.usIn) && Number.isSafeInteger(a.usOut), JSON.stringify(a))
      assert.equal(a.usDiff, a.usOut - a.usIn)
      assert.ok(a.usDiff >= 0)
      // Microseconds of wall-clock time: within this test's own milliseconds (a second's slack for
      // the two clocks' rounding), not a process-relative or millisecond count.
      assert.ok(a.usIn >= (sentAt - 1000) * 1000 - 1_000_000 && a.usOut <= (receivedAt + 1000) * 1000, `${a.usIn}..${a.usOut} outside ${sentAt}..${receivedAt} ms`)
    }
    // The order's answer waits for its event to be durable; the answers leave in the order read.
    const placed = answers[3]!
    assert.ok(placed.usDiff > 0)
    assert.ok(answers[1]!.usIn <= answers[2]!.usIn && answers[2]!.usIn <= placed.usIn)
    await c.close()
  })

  test('signed auth: HMAC-SHA256 with timestamp, window and nonce; bad signature, stale timestamp and replay refused', async () => {
    const c = await TestClient.connect(gateway.url)
    const creds = (timestamp: number, nonce: string, secret = 'mm-secret') => ({ apiKey: 'mm-key', timestamp, recvWindow: 5000, nonce, signature: signAuth(secret, 'mm-key', timestamp, 5000, nonce) })
    assert.equal((await c.request('auth', creds(now.t, 'a', 'guess'))).error?.code, 'BAD_SIGNATURE')
    assert.equal((await c.request('auth', creds(now.t - 10_000, 'b'))).error?.code, 'TIMESTAMP_OUTSIDE_WINDOW')
    assert.equal((await c.request('placeOrder', { market: 'sETH', side: 'buy', kind: 'market', amountIn: '1' })).error?.code, 'UNAUTHORIZED')
    assert.equal((await c.request('auth', creds(now.t, 'c'))).result.account, 'mm')
    const d = await TestClient.connect(gateway.url)
    assert.equal((await d.request('auth', creds(now.t, 'c'))).error?.code, 'NONCE_REUSED')
    await c.close()
    await d.close()
  })

  test('cancel-on-disconnect cancels the account\'s resting orders when the socket closes', async () => {
    const c = await TestClient.connect(gateway.url)
    assert.equal((await c.request('auth', { apiKey: 'amy-key', cancelOnDisconnect: true })).result.cancelOnDisconnect, true)
    const r = await c.request('placeOrder', { market: 'sETH', side: 'buy', kind: 'limit', amountIn: String(10n * WAD), limitPrice: String(1000n * WAD) })
    assert.equal(r.result.status, 'resting')
    assert.ok(venue.engine.state.orderMarket.has(r.result.orderId))
    await c.close()
    for (let i = 0; i < 100 && venue.engine.state.orderMarket.has(r.result.orderId); i++) await new Promise((res) => setTimeout(res, 10))
    assert.equal(venue.engine.state.orderMarket.has(r.result.orderId), false)
  })

  test('cancelAfter: the dead-man switch cancels resting orders unless renewed; 0 disarms it', async () => {
    const c = await TestClient.connect(gateway.url)
    await c.request('auth', { apiKey: 'amy-key' })
    const limit = { market: 'sETH', side: 'buy', kind: 'limit', amountIn: String(10n * WAD), limitPrice: String(1000n * WAD) }
    const kept = (await c.request('placeOrder', limit)).result.orderId as string
    const armed = await c.request('cancelAfter', { timeoutMs: 60 })
    assert.equal(armed.result.triggerTime, armed.result.currentTime + 60)
    assert.equal((await c.request('cancelAfter', { timeoutMs: 0 })).result.triggerTime, null)
    await new Promise((r) => setTimeout(r, 120))
    assert.ok(venue.engine.state.orderMarket.has(kept), 'disarmed: nothing cancelled')
    await c.request('cancelAfter', { timeoutMs: 60 })
    await c.request('cancelAfter', { timeoutMs: 60 }) // renewed
    for (let i = 0; i < 100 && venue.engine.state.orderMarket.has(kept); i++) await new Promise((r) => setTimeout(r, 10))
    assert.equal(venue.engine.state.orderMarket.has(kept), false)
    await c.close()
  })

  test('heartbeats with continuous seq; maximum lifetime: a system notice, then close 1001', async () => {
    const short = await startGateway({ venue, port: 0, logger: pino({ level: 'silent' }), defaultMetrics: false, heartbeatMs: 40, maxLifetimeMs: 400, lifetimeNoticeMs: 150, maxConnectionsPerIp: 1 })
    try {
      const c = await TestClient.connect(short.url)
      await assert.rejects(TestClient.connect(short.url), /429/) // one connection per IP here
      await c.until(() => c.closed, 3000, 'lifetime close')
      assert.equal(c.closed!.code, 1001)
      const beats = c.channel('heartbeat')
      assert.ok(beats.length >= 3, `${beats.length} heartbeats`)
      for (let i = 1; i < beats.length; i++) assert.equal(beats[i]!.prevSeq, beats[i - 1]!.seq)
      const notice = c.channel('system')
      assert.equal(notice.length, 1)
      assert.deepEqual(notice[0]!.data, { event: 'closing', reason: 'max-lifetime', closeInMs: 150 })
      assert.ok(c.pushes.indexOf(notice[0]!) < c.pushes.length - 1, 'heartbeats continue during the notice')
    } finally {
      await short.close()
    }
  })

  test('a slow reader whose updates were skipped gets fresh snapshots on the same socket: the gap heals', async () => {
    const small = await startGateway({ venue, port: 0, now: () => now.t, logger: pino({ level: 'silent' }), defaultMetrics: false, maxBackpressureBytes: 64 * 1024 })
    try {
      const c = await TestClient.connect(small.url)
      await c.request('subscribe', { channels: ['quotes:sETH'] })
      await c.until(() => c.channel('quotes:sETH').length === 1)
      // The reader stops reading; the bus carries far more than the socket buffers hold.
      const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
      socket.pause()
      const price: SequencedEvent = { seq: 0, stream: 'sETH', streamSeq: 0, ts: now.t, event: { type: 'price', market: 'sETH', price: 2000n * WAD, publishedAt: now.t, accepted: true, variance: 0, lpFeeRate: 1n } }
      for (let chunk = 0; chunk < 40; chunk++) {
        for (let i = 0; i < 500; i++) venue.events.publish(eventChannel('sETH'), price)
        await new Promise((r) => setTimeout(r, 5))
      }
      socket.resume()
      await c.until(() => c.channel('quotes:sETH').slice(1).some((p) => p.type === 'snapshot'), 10_000, 'a healing snapshot')
      // Updates after the healing snapshot continue it.
      venue.events.publish(eventChannel('sETH'), price)
      await c.until(() => c.channel('quotes:sETH').at(-1)!.type === 'update', 5000, 'an update after the snapshot')
      await new Promise((r) => setTimeout(r, 100))
      const q = c.channel('quotes:sETH')
      for (let i = 1; i < q.length; i++) {
        if (q[i]!.type === 'snapshot') continue
        if (q[i]!.prevSeq !== q[i - 1]!.seq) {
          // Every gap is followed by a snapshot before the stream goes on.
          assert.ok(q.slice(i).some((p) => p.type === 'snapshot'), `gap at ${i} never healed`)
        }
      }
      // Whether uWS skipped updates depends on the kernel's buffers; a redundant snapshot is harmless.
      const lastSnapshot = q.map((p) => p.type).lastIndexOf('snapshot')
      assertContinuous(q.slice(lastSnapshot))
      assert.equal(c.closed, undefined)
      await c.close()
    } finally {
      await small.close()
    }
  })

  test('rate limits: order quota per key, frames per connection, RATE_LIMITED then close and ban (429)', async () => {
    const limited = await startGateway({
      venue,
      port: 0,
      now: () => now.t,
      apiKeys: { 'amy-key': { account: 'amy' } },
      logger: pino({ level: 'silent' }),
      defaultMetrics: false,
      rateLimits: { messagesPerSecond: 1, messageBurst: 5, ordersPerSecond: 1, orderBurst: 2, maxOffences: 3 },
    })
    try {
      const c = await TestClient.connect(limited.url)
      await c.request('auth', { apiKey: 'amy-key' })
      const order = { market: 'sETH', side: 'buy', kind: 'market', amountIn: String(WAD) }
      const first = await c.request('placeOrder', order)
      assert.deepEqual(first.quota, { orders: 1 })
      assert.deepEqual((await c.request('placeOrder', order)).quota, { orders: 0 })
      const hash = venue.engine.state.hash()
      const refused = await c.request('placeOrder', order)
      assert.equal(refused.error?.code, 'RATE_LIMITED')
      assert.equal(refused.error?.retryAfterMs, 1000)
      assert.equal(venue.engine.state.hash(), hash)
      assert.ok((await c.request('ping')).result)
      const before = c.responses.length
      c.sendRaw(JSON.stringify({ method: 'ping', id: 'x' }))
      assert.equal((await c.nullIdResponse(before)).error?.code, 'RATE_LIMITED')
      c.sendRaw(JSON.stringify({ method: 'ping', id: 'y' }))
      await c.until(() => c.closed, 5000, 'ban')
      assert.equal(c.closed!.code, 1008)
      await assert.rejects(TestClient.connect(limited.url), /429/)
    } finally {
      await limited.close()
    }
  })

  test('candles:<market>:1m: the snapshot is the store\'s bars, each fill updates its bar', async () => {
    const c = await TestClient.connect(gateway.url)
    await c.request('subscribe', { channels: ['candles:sETH:1m'] })
    await c.until(() => c.channel('candles:sETH:1m').length === 1)
    const stored = await venue.store.candles('sETH', 60_000, T0 - 3_600_000, now.t + 60_000)
    assert.deepEqual(c.channel('candles:sETH:1m')[0]!.data, { bucket: '1m', candles: stored })
    await venue.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 100n * WAD })
    await c.until(() => c.channel('candles:sETH:1m').length === 2)
    const bar = c.channel('candles:sETH:1m')[1]!.data
    const after = await venue.store.candles('sETH', 60_000, T0 - 3_600_000, now.t + 60_000)
    assert.deepEqual(bar, after.at(-1))
    assert.equal((await c.request('subscribe', { channels: ['candles:sETH:5m'] })).error?.code, 'UNKNOWN_CHANNEL')
    await c.close()
  })

  test('REST orders: place and cancel with API-key headers; signed keys sign method, path and body', async () => {
    const post = (body: string, headers: Record<string, string>) => fetch(`${http}/v1/orders`, { method: 'POST', body, headers })
    const order = JSON.stringify({ market: 'sETH', side: 'buy', kind: 'market', amountIn: String(10n * WAD) })
    assert.equal((await post(order, {})).status, 401)
    assert.equal((await post(order, { 'x-fluxion-key': 'amy-read' })).status, 403)
    const placed = await post(order, { 'x-fluxion-key': 'amy-key' })
    assert.equal(placed.status, 200)
    const body = (await placed.json()) as { result: { status: string }; quota: { orders: number } }
    assert.equal(body.result.status, 'filled')
    assert.equal(typeof body.quota.orders, 'number')
    const limit = JSON.stringify({ market: 'sETH', side: 'buy', kind: 'limit', amountIn: String(10n * WAD), limitPrice: String(1000n * WAD) })
    const resting = (await (await post(limit, { 'x-fluxion-key': 'amy-key' })).json()) as { result: { orderId: string } }
    const open = (await (await fetch(`${http}/v1/orders`, { headers: { 'x-fluxion-key': 'amy-read' } })).json()) as { orders: Array<{ orderId: string }> }
    assert.deepEqual(open.orders.map((o) => o.orderId), [resting.result.orderId])
    const account = (await (await fetch(`${http}/v1/account`, { headers: { 'x-fluxion-key': 'amy-read' } })).json()) as { account: string; openOrders: number; escrow: Record<string, string> }
    assert.equal(account.account, 'amy')
    assert.equal(account.openOrders, 1)
    assert.equal(account.escrow.fUSD, String(10n * WAD))
    assert.equal((await fetch(`${http}/v1/account`)).status, 401)
    const del = () => fetch(`${http}/v1/orders/${resting.result.orderId}`, { method: 'DELETE', headers: { 'x-fluxion-key': 'amy-key' } })
    assert.equal((await del()).status, 200)
    const again = await del()
    assert.equal(again.status, 404)
    assert.equal(((await again.json()) as { error: { code: string } }).error.code, 'UNKNOWN_ORDER')
    assert.equal((await post('{"market":', { 'x-fluxion-key': 'amy-key' })).status, 400)
    assert.equal((await post(JSON.stringify({ pad: 'x'.repeat(5000) }), { 'x-fluxion-key': 'amy-key' })).status, 413)

    // Signed: the signature covers "POST /v1/orders" and the body; a tampered body or a replay is refused.
    const hash = venue.engine.state.hash()
    const signed = (nonce: string, signedBody: string) => ({
      'x-fluxion-key': 'mm-key', 'x-fluxion-timestamp': String(now.t), 'x-fluxion-recv-window': '5000', 'x-fluxion-nonce': nonce,
      'x-fluxion-signature': signAuth('mm-secret', 'mm-key', now.t, 5000, nonce, `POST /v1/orders\n${signedBody}`),
    })
    const tampered = await post(order.replace('10', '99'), signed('r1', order))
    assert.equal(((await tampered.json()) as { error: { code: string } }).error.code, 'BAD_SIGNATURE')
    const ok = await post(order, signed('r2', order))
    assert.equal(((await ok.json()) as { error: { code: string } }).error.code, 'INSUFFICIENT_BALANCE') // authenticated; mm holds nothing
    const replay = await post(order, signed('r2', order))
    assert.equal(((await replay.json()) as { error: { code: string } }).error.code, 'NONCE_REUSED')
    assert.equal(venue.engine.state.hash(), hash)
  })

  test('REST: markets, candles, health, metrics and a 404', async () => {
    const markets = (await (await fetch(`${http}/v1/markets`)).json()) as { markets: Array<{ market: string; oraclePrice: string }> }
    assert.deepEqual(markets.markets.map((m) => m.market), ['sETH', 'sBTC', 'sSPX'])
    const candles = (await (await fetch(`${http}/v1/markets/sETH/candles?bucket=1m&from=${T0 - 60_000}&to=${T0 + 120_000}`)).json()) as { candles: Array<{ trades: number }> }
    assert.ok(candles.candles.reduce((n, c) => n + c.trades, 0) >= 22)
    const health = (await (await fetch(`${http}/v1/health`)).json()) as { status: string; seq: number }
    assert.equal(health.status, 'ok')
    assert.equal(health.seq, venue.engine.state.seq)
    const metrics = await (await fetch(`${http}/metrics`)).text()
    assert.match(metrics, /fluxion_gateway_ws_requests_total\{method="placeOrder",outcome="ok"\}/)
    assert.match(metrics, /fluxion_gateway_errors_total\{code="MALFORMED_JSON"\} 2/)
    // Every answered order is timed once, when its answer is written.
    const answered = Number(/fluxion_gateway_ws_requests_total\{method="placeOrder",outcome="ok"\} (\d+)/.exec(metrics)?.[1])
    assert.ok(answered > 0)
    assert.match(metrics, new RegExp(`fluxion_gateway_request_seconds_count\\{method="placeOrder"\\} ${answered}\\n`))
    // The engine's log: every durable event counted once, the commits since the gateway started
    // timed, nothing waiting.
    assert.equal(Number(/\nfluxion_log_events_total (\d+)/.exec(metrics)?.[1]), venue.log.stats.events)
    const commits = Number(/\nfluxion_log_commit_seconds_count (\d+)/.exec(metrics)?.[1])
    assert.ok(commits > 0 && commits <= venue.log.stats.batches, `${commits} commits timed of ${venue.log.stats.batches}`)
    assert.match(metrics, /\nfluxion_log_pending_events 0\n/)
    assert.match(metrics, /\nfluxion_log_failed 0\n/)
    const missing = await fetch(`${http}/v2/nothing`)
    assert.equal(missing.status, 404)
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'NOT_FOUND')
    const badCandles = await fetch(`${http}/v1/markets/sETH/candles?bucket=7m&from=0&to=1`)
    assert.equal(badCandles.status, 400)
  })
})
