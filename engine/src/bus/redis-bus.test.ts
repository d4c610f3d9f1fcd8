import assert from 'node:assert/strict'
import { test } from 'node:test'
import { serverFailure, TEST_REDIS_URL } from '../store/test-servers.js'
import { eventBusContract } from './event-bus.contract.js'
import { openEventBus } from './open-event-bus.js'
import { Redis } from 'ioredis'
import { RedisBus } from './redis-bus.js'
import { quitRedis } from './redis-connection.js'

// Two RedisBus instances, as two processes (the engine and a gateway) would hold them.
eventBusContract('Redis', async (onHandlerError) => {
  try {
    const [publisher, subscriber] = await Promise.all([
      RedisBus.connect(TEST_REDIS_URL, { onHandlerError }),
      RedisBus.connect(TEST_REDIS_URL, { onHandlerError }),
    ])
    return { publisher, subscriber }
  } catch (err) {
    throw serverFailure('Redis', TEST_REDIS_URL, err)
  }
})

test('Redis: an unreachable server fails connect() with BUS_FAILED naming the URL without its password', async () => {
  await assert.rejects(RedisBus.connect('redis://:secret@127.0.0.1:1'), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'BUS_FAILED')
    assert.match(err.message, /127\.0\.0\.1:1/)
    assert.doesNotMatch(err.message, /secret/)
    return true
  })
})

test('openEventBus picks Redis for a URL and the in-process bus without one', async () => {
  const saved = process.env.REDIS_URL
  delete process.env.REDIS_URL
  try {
    const local = await openEventBus()
    assert.equal(local.constructor.name, 'InProcessBus')
    await local.close()
    const redis = await openEventBus({ redisUrl: TEST_REDIS_URL }).catch((err: unknown) => {
      throw serverFailure('Redis', TEST_REDIS_URL, err)
    })
    assert.ok(redis instanceof RedisBus)
    await redis.close()
  } finally {
    if (saved !== undefined) process.env.REDIS_URL = saved
  }
})

test('Redis: a pattern subscription gets channels that appear later, with their names; namespaces keep buses apart', async () => {
  const ns = `fluxion-test-${process.pid}-${Date.now()}:`
  const [a, b, other] = await Promise.all([
    RedisBus.connect(TEST_REDIS_URL, { namespace: ns }),
    RedisBus.connect(TEST_REDIS_URL, { namespace: ns }),
    RedisBus.connect(TEST_REDIS_URL, { namespace: `${ns}other:` }),
  ]).catch((err: unknown) => {
    throw serverFailure('Redis', TEST_REDIS_URL, err)
  })
  try {
    const got: [string, string][] = []
    const strangers: string[] = []
    const off = await b.subscribePattern('events.*', (m, c) => got.push([c, m]))
    await other.subscribePattern('events.*', (m) => strangers.push(m))
    a.publish('events.sETH', '1')
    a.publish('events.sNEW', '2')
    a.publish('elsewhere', 'x')
    a.publish('events.sETH', '3')
    for (let i = 0; i < 100 && got.length < 3; i++) await new Promise((r) => setTimeout(r, 10))
    assert.deepEqual(got, [['events.sETH', '1'], ['events.sNEW', '2'], ['events.sETH', '3']])
    assert.deepEqual(strangers, [])
    await off()
    a.publish('events.sETH', '4')
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(got.length, 3)
  } finally {
    await Promise.all([a.close(), b.close(), other.close()])
  }
})

test('Redis: after its subscriber connection is killed, the bus reconnects, renews its subscriptions and says so', async () => {
  const name = `fluxion-test-${process.pid}-${Date.now()}`
  let comebacks = 0
  const bus = await RedisBus.connect(TEST_REDIS_URL, { connectionName: name, onResubscribed: () => comebacks++, onConnectionError: () => undefined })
  const admin = new Redis(TEST_REDIS_URL)
  try {
    const got: string[] = []
    await bus.subscribe(`${name}.c`, (m) => got.push(m))
    const line = String(await admin.client('LIST')).split('\n').find((l) => l.includes(`name=${name}-subscriber`))
    await admin.client('KILL', 'ID', /(?:^| )id=(\d+)/.exec(line!)![1]!)
    for (let i = 0; i < 200 && comebacks === 0; i++) await new Promise((r) => setTimeout(r, 10))
    assert.equal(comebacks, 1)
    for (let i = 0; i < 200 && got.length === 0; i++) {
      bus.publish(`${name}.c`, 'after')
      await new Promise((r) => setTimeout(r, 10))
    }
    assert.equal(got[0], 'after')
  } finally {
    admin.disconnect()
    await bus.close()
  }
})

test('Redis: openConnection gives one more connection named after the bus, with its own settings, owned by the caller', async () => {
  const name = `fluxion-test-${process.pid}-${Date.now()}-extra`
  const bus = await RedisBus.connect(TEST_REDIS_URL, { connectionName: name }).catch((err: unknown) => {
    throw serverFailure('Redis', TEST_REDIS_URL, err)
  })
  const extra = await bus.openConnection('queue', { enableOfflineQueue: false })
  try {
    const names = String(await extra.client('LIST'))
      .split('\n')
      .map((l) => /(?:^| )name=(\S*)/.exec(l)?.[1])
      .filter((n) => n?.startsWith(name))
      .sort()
    assert.deepEqual(names, [`${name}-publisher`, `${name}-queue`, `${name}-subscriber`])
    assert.equal(extra.options.enableOfflineQueue, false)
    await bus.close()
    // Closing the bus leaves the caller's connection open; a closed bus opens no more.
    assert.equal(await extra.ping(), 'PONG')
    await assert.rejects(bus.openConnection('late'), { code: 'BUS_FAILED' })
  } finally {
    await quitRedis(extra)
    await bus.close()
  }
})
