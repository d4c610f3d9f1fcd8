import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cpuSample, cpuShare } from './cpu-share.js'

test('cpuShare: a main thread that spins shows as busy; shares stay within the wall time', { skip: process.platform !== 'linux' }, () => {
  const from = cpuSample()
  assert.ok(from, 'Linux keeps schedstat')
  const until = process.hrtime.bigint() + 50_000_000n
  while (process.hrtime.bigint() < until); // 50 ms on the CPU (or waiting for it)
  const share = cpuShare(from)!
  assert.ok(share.seconds >= 0.05)
  assert.ok(share.mainThreadBusy + share.mainThreadWaiting > 0.9, JSON.stringify(share)) // running or runnable all along
  assert.ok(share.mainThreadBusy + share.mainThreadWaiting <= 1.01, JSON.stringify(share))
  assert.ok(share.processCores >= share.mainThreadBusy && share.processCores <= share.machineCores + 0.01, JSON.stringify(share))
})

test('cpuShare: no sample (not Linux) gives no share', () => {
  assert.equal(cpuShare(undefined), undefined)
})
