import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { getPriority, setPriority } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { configuredThreadNice, describeThreadPriority, ORDER_THREAD_NICE, raiseThreadPriority } from './thread-priority.js'

const invalid = (err: Error & { code?: string }) => err.code === 'INVALID_INPUT'
const isRoot = process.getuid?.() === 0

test('FLUXION_THREAD_NICE: unset or empty gives the default; an integer from -20 to 19 is taken; anything else is INVALID_INPUT', () => {
  assert.equal(configuredThreadNice({}), ORDER_THREAD_NICE)
  assert.equal(configuredThreadNice({ FLUXION_THREAD_NICE: '' }), ORDER_THREAD_NICE)
  assert.equal(configuredThreadNice({ FLUXION_THREAD_NICE: '-5' }), -5)
  assert.equal(configuredThreadNice({ FLUXION_THREAD_NICE: '0' }), 0)
  for (const text of ['abc', '-21', '20', '1.5', '-'])
    assert.throws(() => configuredThreadNice({ FLUXION_THREAD_NICE: text }), (err: Error & { code?: string }) => invalid(err) && err.message.includes(`FLUXION_THREAD_NICE=${text}`))
  assert.throws(() => raiseThreadPriority(-30), invalid)
})

// The main thread of this test file's own process; each case puts it back at 0 (lowering a
// priority needs no privilege).
test('raiseThreadPriority sets the calling thread only, and never lowers its priority', { skip: !isRoot && 'raising a priority needs root (CAP_SYS_NICE) here' }, async () => {
  try {
    assert.deepEqual(raiseThreadPriority(-4), { requested: -4, nice: -4 })
    assert.equal(getPriority(0), -4)
    assert.deepEqual(raiseThreadPriority(-2), { requested: -2, nice: -4 }, 'a thread already ahead is left alone')
    // Another thread's value is its own: a worker that sets itself to 3 changes nothing here.
    const other = new Worker('const { getPriority, setPriority } = require("node:os"); setPriority(0, 3); require("node:worker_threads").parentPort.postMessage(getPriority(0))', { eval: true })
    assert.equal(await new Promise((resolve) => other.once('message', resolve)), 3)
    await other.terminate()
    assert.equal(getPriority(0), -4)
    assert.equal(describeThreadPriority({ requested: -4, nice: -4 }), 'nice -4')
  } finally {
    setPriority(0, 0)
  }
})

test('raiseThreadPriority without the privilege leaves the priority as it was and says why', { skip: !isRoot && 'dropping the capability needs root' }, () => {
  // A child without CAP_SYS_NICE (setpriv drops it from the bounding set) and with the default
  // nice limit of 0: the OS refuses any value below that.
  const script = `import { raiseThreadPriority } from './engine/src/thread-priority.ts'; process.stdout.write(JSON.stringify(raiseThreadPriority(-5)))`
  const out = execFileSync('setpriv', ['--bounding-set=-sys_nice', '--inh-caps=-sys_nice', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: join(import.meta.dirname, '..', '..'),
    encoding: 'utf8',
  })
  const result = JSON.parse(out) as { requested: number; nice: number; refused?: string }
  assert.equal(result.requested, -5)
  assert.equal(result.nice, 0)
  assert.match(result.refused ?? '', /EACCES.*CAP_SYS_NICE/)
  assert.match(describeThreadPriority(result), /^nice 0 \(asked for -5: the OS refused \(EACCES\)/)
})
