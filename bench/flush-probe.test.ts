import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { epochMs, startFlushProbe, summariseFlushes } from './flush-probe.js'

test('the flush probe flushes a file of its own on its thread until stopped, stamps each flush on the shared clock, and removes the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fluxion-flush-probe-'))
  try {
    const path = join(dir, 'probe')
    const from = epochMs()
    const probe = startFlushProbe(path, 5)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const flushes = await probe.stop()
    const to = epochMs()
    assert.ok(flushes.length >= 10, `${flushes.length} flushes in 300 ms at one every 5 ms`)
    for (const [i, f] of flushes.entries()) {
      assert.ok(f.at >= from && f.at + f.ms <= to, "each flush lies within the probe's life")
      assert.ok(f.ms > 0)
      if (i > 0) assert.ok(f.at >= flushes[i - 1]!.at + flushes[i - 1]!.ms, 'one flush at a time')
    }
    assert.equal(existsSync(path), false)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('summariseFlushes: nearest-rank percentiles, the slow flushes (over 10 ms) and their time, of the flushes started in the span', () => {
  const flushes = [0.2, 0.3, 0.1, 12, 0.4, 30, 0.2, 0.3, 0.5, 0.2].map((ms, i) => ({ at: 1000 + i * 10, ms }))
  assert.deepEqual(summariseFlushes(flushes), { flushes: 10, p50Ms: 0.3, p99Ms: 30, maxMs: 30, over10Ms: 2, over10MsTotalMs: 42 })
  // [1030, 1060): the flushes at 1030, 1040, 1050.
  assert.deepEqual(summariseFlushes(flushes, 1030, 1060), { flushes: 3, p50Ms: 12, p99Ms: 30, maxMs: 30, over10Ms: 2, over10MsTotalMs: 42 })
  assert.deepEqual(summariseFlushes([], 0, 1), { flushes: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, over10Ms: 0, over10MsTotalMs: 0 })
})
