import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { setThreadRealtime, threadScheduling } from '../fluxion.js'

const ordinary = { policy: 'other', priority: 0, resetOnFork: false }

test('setThreadRealtime takes only an integer priority from 1 to 99 (INVALID_INPUT otherwise) and a refusal changes nothing', () => {
  for (const bad of [0, 100, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', 10n, undefined])
    assert.throws(() => setThreadRealtime(bad as number), (err: Error & { code?: string }) => err.code === 'INVALID_INPUT', String(bad))
  assert.deepEqual(threadScheduling(), ordinary)
})

test('setThreadRealtime changes the calling thread only', { skip: process.getuid?.() !== 0 && 'a real-time policy needs root (CAP_SYS_NICE) here' }, async () => {
  // In a worker thread, so that this test's own thread stays ordinary.
  const code = `const { setThreadRealtime, threadScheduling } = require(${JSON.stringify(join(__dirname, '../fluxion.js'))})
    require('node:worker_threads').parentPort.postMessage({ errno: setThreadRealtime(7), now: threadScheduling() })`
  const worker = new Worker(code, { eval: true, execArgv: [] })
  const reported = await new Promise((resolve) => worker.once('message', resolve))
  await worker.terminate()
  assert.deepEqual(reported, { errno: 0, now: { policy: 'fifo', priority: 7, resetOnFork: true } })
  assert.deepEqual(threadScheduling(), ordinary)
})
