import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { getPriority, setPriority } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { threadScheduling } from '@fluxion/native'
import { configuredThreadPriority, describeThreadPriority, ORDER_THREAD_NICE, ORDER_THREAD_RT_PRIORITY, raiseThreadPriority, type ThreadPriority } from './thread-priority.js'

const invalid = (err: Error & { code?: string }) => err.code === 'INVALID_INPUT'
const isRoot = process.getuid?.() === 0
const ROOT = join(import.meta.dirname, '..', '..')

/** Runs `body` (an ES module's statements, with raiseThreadPriority and threadScheduling in scope)
 *  in a node process of its own, under `prefix` (a command that drops privileges, say), and
 *  returns what it printed as JSON: a real-time test thread would stay real-time otherwise. */
function inChild(body: string, env: NodeJS.ProcessEnv = {}, prefix: string[] = []): unknown {
  const script = `import { raiseThreadPriority } from './engine/src/thread-priority.ts'; import { threadScheduling } from '@fluxion/native'; ${body}`
  const argv = [...prefix, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script]
  return JSON.parse(execFileSync(argv[0]!, argv.slice(1), { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FLUXION_THREAD_RT_PRIORITY: '', FLUXION_THREAD_NICE: '', ...env } }))
}

test('FLUXION_THREAD_RT_PRIORITY and FLUXION_THREAD_NICE: unset or empty give the defaults; integers in range are taken; anything else is INVALID_INPUT', () => {
  const defaults = { rtPriority: ORDER_THREAD_RT_PRIORITY, nice: ORDER_THREAD_NICE }
  assert.deepEqual(configuredThreadPriority({}), defaults)
  assert.deepEqual(configuredThreadPriority({ FLUXION_THREAD_RT_PRIORITY: '', FLUXION_THREAD_NICE: '' }), defaults)
  assert.deepEqual(configuredThreadPriority({ FLUXION_THREAD_RT_PRIORITY: '0', FLUXION_THREAD_NICE: '-5' }), { rtPriority: 0, nice: -5 })
  assert.deepEqual(configuredThreadPriority({ FLUXION_THREAD_RT_PRIORITY: '99', FLUXION_THREAD_NICE: '0' }), { rtPriority: 99, nice: 0 })
  for (const text of ['abc', '-1', '100', '1.5', '-'])
    assert.throws(() => configuredThreadPriority({ FLUXION_THREAD_RT_PRIORITY: text }), (err: Error & { code?: string }) => invalid(err) && err.message.includes(`FLUXION_THREAD_RT_PRIORITY=${text}`))
  for (const text of ['abc', '-21', '20', '1.5', '-'])
    assert.throws(() => configuredThreadPriority({ FLUXION_THREAD_NICE: text }), (err: Error & { code?: string }) => invalid(err) && err.message.includes(`FLUXION_THREAD_NICE=${text}`))
  assert.throws(() => raiseThreadPriority({ rtPriority: 0, nice: -30 }), invalid)
  assert.throws(() => raiseThreadPriority({ rtPriority: 100, nice: 0 }), invalid)
})

test('raiseThreadPriority makes the calling thread real-time, and only it: threads started later begin as ordinary ones', { skip: !isRoot && 'a real-time policy needs root (CAP_SYS_NICE) here' }, () => {
  const r = inChild(`
    const { Worker } = await import('node:worker_threads')
    const before = threadScheduling()
    const got = raiseThreadPriority()
    const again = raiseThreadPriority({ rtPriority: 5, nice: 0 })
    const worker = new Worker("const { threadScheduling } = require('@fluxion/native'); require('node:worker_threads').parentPort.postMessage({ ...threadScheduling(), nice: require('node:os').getPriority(0) })", { eval: true, execArgv: [] })
    const started = await new Promise((resolve) => worker.once('message', resolve))
    await worker.terminate()
    process.stdout.write(JSON.stringify({ before, got, again, after: threadScheduling(), started }))`) as Record<string, unknown>
  assert.deepEqual(r.before, { policy: 'other', priority: 0, resetOnFork: false })
  assert.deepEqual(r.got, { requested: { rtPriority: ORDER_THREAD_RT_PRIORITY, nice: ORDER_THREAD_NICE }, policy: 'realtime', rtPriority: ORDER_THREAD_RT_PRIORITY, nice: 0 })
  assert.equal((r.again as ThreadPriority).rtPriority, ORDER_THREAD_RT_PRIORITY, 'a real-time thread is left as it is')
  assert.deepEqual(r.after, { policy: 'fifo', priority: ORDER_THREAD_RT_PRIORITY, resetOnFork: true })
  assert.deepEqual(r.started, { policy: 'other', priority: 0, resetOnFork: false, nice: 0 })
  assert.equal(describeThreadPriority(r.got as ThreadPriority), `real-time (SCHED_FIFO ${ORDER_THREAD_RT_PRIORITY})`)
})

test('with real-time off, raiseThreadPriority raises the nice value of the calling thread only, and never lowers a priority', { skip: !isRoot && 'raising a priority needs root (CAP_SYS_NICE) here' }, async () => {
  const { Worker } = await import('node:worker_threads')
  try {
    assert.deepEqual(raiseThreadPriority({ rtPriority: 0, nice: -4 }), { requested: { rtPriority: 0, nice: -4 }, policy: 'nice', nice: -4 })
    assert.equal(getPriority(0), -4)
    assert.equal(threadScheduling().policy, 'other')
    assert.equal(raiseThreadPriority({ rtPriority: 0, nice: -2 }).nice, -4, 'a thread already ahead is left alone')
    // Another thread's value is its own: a worker that sets itself to 3 changes nothing here.
    const other = new Worker('const { getPriority, setPriority } = require("node:os"); setPriority(0, 3); require("node:worker_threads").parentPort.postMessage(getPriority(0))', { eval: true })
    assert.equal(await new Promise((resolve) => other.once('message', resolve)), 3)
    await other.terminate()
    assert.equal(getPriority(0), -4)
    assert.equal(describeThreadPriority({ requested: { rtPriority: 0, nice: -4 }, policy: 'nice', nice: -4 }), 'nice -4')
  } finally {
    setPriority(0, 0)
  }
})

test('raiseThreadPriority without the privilege leaves the thread as it was and says why', { skip: !isRoot && 'dropping the capability needs root' }, () => {
  // A child without CAP_SYS_NICE (setpriv drops it from the bounding set) and with the default
  // limits of 0 for real-time priority and nice: the OS refuses both.
  const r = inChild('process.stdout.write(JSON.stringify({ got: raiseThreadPriority(), now: threadScheduling() }))', {}, ['setpriv', '--bounding-set=-sys_nice', '--inh-caps=-sys_nice']) as { got: ThreadPriority; now: unknown }
  assert.equal(r.got.policy, 'nice')
  assert.equal(r.got.nice, 0)
  assert.match(r.got.refused ?? '', /real-time refused \(EPERM\), nice -10 refused \(EACCES\): .*CAP_SYS_NICE/)
  assert.match(describeThreadPriority(r.got), /^nice 0; real-time refused \(EPERM\)/)
  assert.deepEqual(r.now, { policy: 'other', priority: 0, resetOnFork: false })
})
