import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RateLimiter, TokenBucket } from './rate-limit.js'

test('token bucket: burst, then refill at the rate, with the wait it reports', () => {
  const b = new TokenBucket(10, 2, 0)
  assert.deepEqual(b.take(0), { ok: true, remaining: 1 })
  assert.deepEqual(b.take(0), { ok: true, remaining: 0 })
  assert.deepEqual(b.take(0), { ok: false, retryAfterMs: 100 })
  assert.deepEqual(b.take(50), { ok: false, retryAfterMs: 50 })
  assert.deepEqual(b.take(100), { ok: true, remaining: 0 })
  assert.deepEqual(b.take(10_000), { ok: true, remaining: 1 })
})

test('offences in the window ban the IP until the ban ends', () => {
  const clock = { t: 0 }
  const limiter = new RateLimiter({ messagesPerSecond: 1, messageBurst: 1, maxOffences: 2, offenceWindowMs: 1000, banMs: 5000 }, () => clock.t)
  const conn = limiter.connection()
  limiter.takeMessage(conn)
  assert.throws(() => limiter.takeMessage(conn), { code: 'RATE_LIMITED' })
  assert.equal(limiter.shouldBan(conn), false)
  assert.throws(() => limiter.takeMessage(conn), { code: 'RATE_LIMITED' })
  assert.equal(limiter.shouldBan(conn), true)
  limiter.ban('1.2.3.4')
  assert.equal(limiter.bannedUntil('1.2.3.4'), 5000)
  clock.t = 5000
  assert.equal(limiter.bannedUntil('1.2.3.4'), undefined)
})
