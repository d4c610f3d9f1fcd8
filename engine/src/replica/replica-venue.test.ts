// A venue (the engine) and read replicas of it in one test process, over the real PostgreSQL log
// and the real Redis bus, each test run in a schema and a bus namespace of its own.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Redis } from 'ioredis'
import { demoGenesis, demoListing } from '../demo/markets.js'
import { seedVenue, WAD } from '../test-support/venue.js'
import { dropTestSchema, serverFailure, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '../store/test-servers.js'
import { eventChannel, Venue } from '../venue.js'
import { InProcessBus } from '../bus/in-process-bus.js'
import { RedisBus } from '../bus/redis-bus.js'
import { startCommandServer, startCommandServerFromEnv, type CommandServer } from './command-server.js'
import { commandQueue, decodeReply, encodeRequest, replyChannel, type CommandReply } from './command-wire.js'
import { ReplicaVenue, type ReplicaVenueOptions } from './replica-venue.js'

const T0 = 1_700_000_000_000

/** Waits until `ready()` holds, polling, or fails naming `what`. */
async function until(ready: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!ready()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const order = (account: string, i: number) =>
  ({ type: 'order', account, market: 'sETH', side: i % 2 ? 'sell' : 'buy', kind: 'market', amountIn: i % 2 ? WAD / 100n : 20n * WAD }) as const

describe('ReplicaVenue over PostgreSQL and Redis', () => {
  const schema = uniqueName('replica')
  const namespace = `${schema}:`
  const now = { t: T0 }
  let engine: Venue
  let server: CommandServer
  const replicas: ReplicaVenue[] = []
  const open = async (extra: Partial<ReplicaVenueOptions> = {}) => {
    const r = await ReplicaVenue.open({ databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, busNamespace: namespace, now: () => now.t, onError: () => undefined, ...extra })
    replicas.push(r)
    return r
  }
  const inStep = (r: ReplicaVenue) => until(() => r.state.seq === engine.engine.state.seq, `replica at seq ${engine.engine.state.seq} (has ${r.state.seq})`)

  before(async () => {
    try {
      engine = await Venue.open({ databaseUrl: TEST_DATABASE_URL, schema, redisUrl: TEST_REDIS_URL, busNamespace: namespace, genesis: demoGenesis(), now: () => now.t })
    } catch (err) {
      throw serverFailure('PostgreSQL or Redis', `${TEST_DATABASE_URL} / ${TEST_REDIS_URL}`, err)
    }
    await seedVenue(engine, T0)
    for (const account of ['amy', 'bob', 'cat']) await engine.submit({ type: 'deposit', account, asset: 'fUSD', amount: 1_000_000n * WAD })
    for (const account of ['amy', 'bob', 'cat']) await engine.submit({ type: 'mint', account, market: 'sETH', amount: 10n * WAD })
    server = await startCommandServer(engine, { onError: () => undefined })
  })

  after(async () => {
    for (const r of replicas) await r.close()
    await server?.close()
    await engine?.close()
    await dropTestSchema(schema)
  })

  test('after a burst of commands (and a market listed meanwhile) the replica state hashes as the engine state', async () => {
    const replica = await open()
    assert.equal(replica.state.hash(), engine.engine.state.hash())
    const burst = Array.from({ length: 300 }, (_, i) => engine.submit(order(i % 3 ? 'amy' : 'bob', i)))
    await Promise.all(burst)
    // A market listed after the replica started: its stream is new, the pattern subscription covers it.
    await engine.submit({ type: 'list-market', listing: demoListing('sXAU', 'sXAU', { maxPositionBase: 100n * WAD, dustDebt: WAD / 1000n }) })
    await engine.submit({ type: 'price', market: 'sXAU', price: 1900n * WAD, publishedAt: now.t })
    await inStep(replica)
    assert.equal(replica.state.hash(), engine.engine.state.hash())
    assert.ok(replica.state.markets.has('sXAU'))
    assert.deepEqual(replica.engine.quote('sETH', 'buy', 100n * WAD), engine.engine.quote('sETH', 'buy', 100n * WAD))
    const h = replica.health()
    assert.equal(h.healthy, true)
    assert.equal(h.lagEvents, 0)
    assert.equal(h.catchUps, 0, 'nothing was missed, so nothing was read back from the log')
    assert.ok(h.fromBus >= 302)
    await assert.rejects(replica.store.append([], []), { code: 'READ_ONLY_REPLICA' })
  })

  test('a replica opened mid-stream continues from its recovery with no gap, and republishes every event in seq order', async () => {
    const running = (async () => {
      for (let i = 0; i < 150; i++) await engine.submit(order('cat', i))
    })()
    await until(() => engine.engine.state.seq > 0, 'the burst to start')
    const replica = await open()
    const startSeq = replica.state.seq
    const seen: number[] = []
    for (const stream of [...replica.state.markets.keys(), 'accounts']) {
      await replica.events.subscribe(eventChannel(stream), (e) => seen.push(e.seq))
    }
    await running
    await inStep(replica)
    assert.equal(replica.state.hash(), engine.engine.state.hash())
    assert.equal(replica.health().catchUps, 0)
    await until(() => seen.length > 0 && seen.at(-1) === engine.engine.state.seq, 'the republished events')
    // Every event after the first one republished, each exactly once, in order.
    seen.forEach((seq, i) => assert.equal(seq, seen[0]! + i))
    assert.ok(seen[0]! <= startSeq + 1)
  })

  test('a Redis reconnect that loses messages heals from the log', async () => {
    const replica = await open()
    await inStep(replica)
    const admin = new Redis(TEST_REDIS_URL)
    try {
      const clients = await admin.client('LIST') as string
      const line = clients.split('\n').find((l) => l.includes(`name=fluxion-replica-${replica.id}-subscriber`))
      assert.ok(line, 'the replica subscriber connection is listed')
      assert.ok(clients.includes(`name=fluxion-replica-${replica.id}-commands `), 'the command client connection is opened by the replica bus, named after it')
      const id = /(?:^| )id=(\d+)/.exec(line)![1]!
      await admin.client('KILL', 'ID', id)
      // Published while the subscriber reconnects: lost to it.
      await Promise.all(Array.from({ length: 40 }, (_, i) => engine.submit(order('amy', i))))
      for (let i = 0; i < 20; i++) await engine.submit(order('bob', i))
    } finally {
      admin.disconnect()
    }
    await inStep(replica)
    assert.equal(replica.state.hash(), engine.engine.state.hash())
    const h = replica.health()
    assert.ok(h.catchUps >= 1, `catch-ups: ${h.catchUps}`)
    assert.ok(h.fromLog > 0, `events read back from the log: ${h.fromLog}`)
    assert.equal(h.healthy, true)
  })

  test('commands forwarded through a replica run once on the engine; the replica holds their events on return; refusals keep their code', async () => {
    const replica = await open()
    await inStep(replica)
    const before = engine.engine.state.seq
    const placed = await replica.submit({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 10n * WAD, clientOrderId: 'fwd-1' })
    assert.equal(placed.status, 'filled')
    assert.equal(engine.engine.state.seq, before + placed.events.length)
    assert.equal(placed.events.at(-1)!.seq, engine.engine.state.seq)
    // Read right after the submit: the replica already has the fill.
    assert.ok(replica.state.seq >= placed.events.at(-1)!.seq)
    assert.equal(replica.state.ledger.balance('amy', 'sETH'), engine.engine.state.ledger.balance('amy', 'sETH'))
    assert.equal(typeof placed.events[0]!.seq, 'number')

    const hash = engine.engine.state.hash()
    const duplicate = { type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: WAD, clientOrderId: 'fwd-1' } as const
    const direct = (await engine.submit(duplicate).then(() => assert.fail('accepted'), (e: Error) => e))
    await assert.rejects(replica.submit(duplicate), (err: Error & { code: string }) => (assert.equal(err.code, 'DUPLICATE_CLIENT_ORDER_ID'), assert.equal(err.message, direct.message), true))
    const tooBig = { type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 10n ** 30n } as const
    const directBig = await engine.submit(tooBig).then(() => assert.fail('accepted'), (e: Error) => e)
    await assert.rejects(replica.submit(tooBig), (err: Error & { code: string }) => (assert.equal(err.code, 'INSUFFICIENT_BALANCE'), assert.equal(err.message, directBig.message), true))
    await assert.rejects(replica.submit({ type: 'deposit', account: 'amy', asset: 'fUSD', amount: WAD }), { code: 'COMMAND_NOT_ALLOWED' })
    assert.equal(engine.engine.state.hash(), hash, 'the refusals changed nothing')

    // Concurrent forwarded orders: each executed once, in some order, all acknowledged.
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => replica.submit({ ...order('bob', i), clientOrderId: `b-${i}` })))
    assert.equal(new Set(results.map((r) => r.orderId)).size, 50)
    await inStep(replica)
    assert.equal(replica.state.hash(), engine.engine.state.hash())
  })

  test('with no engine taking commands, a forwarded command fails with ENGINE_UNAVAILABLE and is withdrawn', async () => {
    // Another namespace: nobody serves its command queue.
    const lonely = await open({ busNamespace: `${namespace}lonely:`, commandTimeoutMs: 300 })
    const hash = engine.engine.state.hash()
    await assert.rejects(lonely.submit(order('amy', 0)), (err: Error & { code: string }) => (assert.equal(err.code, 'ENGINE_UNAVAILABLE'), assert.match(err.message, /withdrawn and not executed/), true))
    const admin = new Redis(TEST_REDIS_URL)
    try {
      assert.equal(await admin.llen(`${namespace}lonely:fluxion.commands`), 0)
    } finally {
      admin.disconnect()
    }
    assert.equal(engine.engine.state.hash(), hash)
  })

  test('the command server executes nothing past its deadline, and nothing it does not serve', async () => {
    const replies = await RedisBus.connect(TEST_REDIS_URL, { namespace })
    const raw = new Redis(TEST_REDIS_URL)
    try {
      const got: CommandReply[] = []
      await replies.subscribe(replyChannel('test'), (m) => got.push(decodeReply(m)))
      const hash = engine.engine.state.hash()
      const late = encodeRequest({ id: 'late', replyTo: replyChannel('test'), deadline: Date.now() - 1, command: order('amy', 0) })
      const admin = encodeRequest({ id: 'admin', replyTo: replyChannel('test'), deadline: Date.now() + 5_000, command: { type: 'price', market: 'sETH', price: WAD, publishedAt: now.t } })
      await raw.lpush(commandQueue(namespace), late, admin, '{"not":"a request"}')
      await until(() => got.length === 2, 'two replies')
      assert.deepEqual(got.map((r) => [r.id, !r.ok && r.error.code]), [['late', 'ENGINE_UNAVAILABLE'], ['admin', 'COMMAND_NOT_ALLOWED']])
      assert.equal(engine.engine.state.hash(), hash)
      assert.equal(await raw.llen(commandQueue(namespace)), 0, 'the malformed request was taken and dropped')
    } finally {
      raw.disconnect()
      await replies.close()
    }
  })

  test('the command server runs only over a venue on the Redis bus', async () => {
    // A venue on the in-process bus (what Venue.open gives without REDIS_URL): nothing to serve over.
    const local = { bus: new InProcessBus(), submit: () => assert.fail('nothing may be submitted') }
    await assert.rejects(startCommandServer(local), { code: 'BUS_FAILED' })
    assert.equal(await startCommandServerFromEnv(local), undefined)
    await local.bus.close()
  })

  test('a replica refuses to open without both the log and the bus', async () => {
    await assert.rejects(ReplicaVenue.open({ databaseUrl: '', redisUrl: TEST_REDIS_URL }), { code: 'INVALID_INPUT' })
    await assert.rejects(ReplicaVenue.open({ databaseUrl: TEST_DATABASE_URL, redisUrl: '' }), { code: 'INVALID_INPUT' })
  })
})
