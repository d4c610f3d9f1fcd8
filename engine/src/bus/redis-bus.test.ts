import assert from 'node:assert/strict'
import { test } from 'node:test'
import { serverFailure, TEST_REDIS_URL } from '../store/test-servers.js'
import { eventBusContract } from './event-bus.contract.js'
import { openEventBus } from './open-event-bus.js'
import { RedisBus } from './redis-bus.js'

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
