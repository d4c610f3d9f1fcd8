import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cpuSample, cpuShare, threadSample, threadShare } from './cpu-share.js'

test('cpuShare: a main thread that spins shows as busy; shares stay within the wall time', { skip: process.platform !== 'linux' }, () => {
  const from = cpuSample()
  assert.ok(from, 'Linux keeps schedstat')
  const until = process.hrtime.bigint() + 250_000_000n
  while (process.hrtime.bigint() < until); // 250 ms on the CPU (or waiting for it)
  const share = cpuShare(from)!
  assert.ok(share.seconds >= 0.25)
  // Running or runnable all along. The kernel brings a running thread's counters up to date at its
  // scheduler ticks (4 ms at HZ=250), so a window's shares can be off by a couple of ticks.
  assert.ok(share.mainThreadBusy + share.mainThreadWaiting > 0.9, JSON.stringify(share))
  assert.ok(share.mainThreadBusy + share.mainThreadWaiting <= 1.05, JSON.stringify(share))
  assert.ok(share.processCores >= share.mainThreadBusy && share.processCores <= share.machineCores + 0.01, JSON.stringify(share))
})

test('cpuShare: no sample (not Linux) gives no share', () => {
  assert.equal(cpuShare(undefined), undefined)
})

test('threadShare: the calling thread is busy while it spins and not while it sleeps', { skip: process.platform !== 'linux' }, async () => {
  const spinning = threadSample()!
  const until = process.hrtime.bigint() + 250_000_000n
  while (process.hrtime.bigint() < until);
  const spun = threadShare(spinning)!
  assert.ok(spun.busy + spun.waiting > 0.9 && spun.busy + spun.waiting <= 1.05, JSON.stringify(spun))
  const sleeping = threadSample()!
  await new Promise((resolve) => setTimeout(resolve, 250))
  const slept = threadShare(sleeping)!
  assert.ok(slept.busy < 0.2, JSON.stringify(slept))
})
