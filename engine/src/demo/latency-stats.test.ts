import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LatencyStats } from './latency-stats.js'

test('latency percentiles per window and overall, to three significant digits', () => {
  const stats = new LatencyStats()
  for (let i = 1; i <= 1000; i++) stats.record(i / 100) // 0.01 … 10 ms
  const w = stats.takeWindow()
  assert.equal(w.count, 1000)
  assert.ok(Math.abs(w.p50 - 5) < 0.01, `p50 ${w.p50}`)
  assert.ok(Math.abs(w.p99 - 9.9) < 0.01, `p99 ${w.p99}`)
  assert.equal(stats.takeWindow().count, 0)
  stats.record(20)
  assert.equal(stats.overall().count, 1001)
  assert.ok(Math.abs(stats.overall().max - 20) < 0.02)
})
