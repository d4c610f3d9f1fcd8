import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readSync } from 'node:fs'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { configuredCpuWakeLatency, describeCpuWakeLatency, holdCpuWakeLatency, MAX_CPU_WAKE_LATENCY_US, ORDER_PATH_CPU_WAKE_LATENCY_US, type CpuWakeLatency } from './cpu-wake-latency.js'

const invalid = (err: Error & { code?: string }) => err.code === 'INVALID_INPUT'
const PM_QOS_DEVICE = '/dev/cpu_dma_latency'
const canHold = process.getuid?.() === 0 && existsSync(PM_QOS_DEVICE)
const ROOT = join(import.meta.dirname, '..', '..')

/** The machine's limit now, over every process's request (the kernel's own answer). */
function machineLimitUs(): number {
  const fd = openSync(PM_QOS_DEVICE, 'r')
  try {
    const value = new Int32Array(1)
    assert.equal(readSync(fd, new Uint8Array(value.buffer), 0, 4, null), 4)
    return value[0]!
  } finally {
    closeSync(fd)
  }
}

/** node running `body` (an ES module's statements with holdCpuWakeLatency in scope), as `argv0`. */
const childArgv = (body: string) => [process.execPath, '--import', 'tsx', '--input-type=module', '-e', `import { holdCpuWakeLatency, releaseCpuWakeLatency } from './engine/src/cpu-wake-latency.ts'; ${body}`]

test('FLUXION_CPU_WAKE_LATENCY_US: unset or empty gives the default; whole µs in range and off are taken; anything else is INVALID_INPUT', () => {
  assert.equal(configuredCpuWakeLatency({}), ORDER_PATH_CPU_WAKE_LATENCY_US)
  assert.equal(configuredCpuWakeLatency({ FLUXION_CPU_WAKE_LATENCY_US: '' }), ORDER_PATH_CPU_WAKE_LATENCY_US)
  assert.equal(configuredCpuWakeLatency({ FLUXION_CPU_WAKE_LATENCY_US: 'off' }), 'off')
  assert.equal(configuredCpuWakeLatency({ FLUXION_CPU_WAKE_LATENCY_US: '20' }), 20)
  assert.equal(configuredCpuWakeLatency({ FLUXION_CPU_WAKE_LATENCY_US: String(MAX_CPU_WAKE_LATENCY_US) }), MAX_CPU_WAKE_LATENCY_US)
  for (const text of ['-1', '1.5', 'abc', 'OFF', String(MAX_CPU_WAKE_LATENCY_US + 1)])
    assert.throws(() => configuredCpuWakeLatency({ FLUXION_CPU_WAKE_LATENCY_US: text }), (err: Error & { code?: string }) => invalid(err) && err.message.includes(`FLUXION_CPU_WAKE_LATENCY_US=${text}`))
  assert.throws(() => holdCpuWakeLatency(-5), invalid)
  assert.throws(() => holdCpuWakeLatency(Number.NaN), invalid)
})

test('holdCpuWakeLatency off asks nothing', () => {
  const got = holdCpuWakeLatency('off')
  assert.deepEqual(got, { requested: 'off', held: false })
  assert.match(describeCpuWakeLatency(got), /FLUXION_CPU_WAKE_LATENCY_US=off/)
})

test("a held limit bounds the machine's while its process runs, and ends with it even when the process is killed", { skip: !canHold && `${PM_QOS_DEVICE} needs root on Linux` }, async () => {
  // An unusual limit, so that the kernel's answer is this request's (unless something lower is
  // held elsewhere, which the first read shows).
  const LIMIT = 37
  const before = machineLimitUs()
  const argv = childArgv(`process.stdout.write(JSON.stringify(holdCpuWakeLatency(${LIMIT})) + '\\n'); setInterval(() => {}, 1000)`)
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer]
    const got = JSON.parse(line.toString()) as CpuWakeLatency
    assert.equal(got.requested, LIMIT)
    assert.equal(got.held, true)
    assert.ok(got.effectiveUs !== undefined && got.effectiveUs <= LIMIT, `the machine's limit ${got.effectiveUs} µs is within the request`)
    assert.equal(machineLimitUs(), Math.min(before, LIMIT), 'another process reads the same limit')
    assert.equal(describeCpuWakeLatency(got), `idle CPUs wake within ${LIMIT} µs (PM QoS)`)
  } finally {
    child.kill('SIGKILL')
    await once(child, 'exit')
  }
  assert.equal(machineLimitUs(), before, 'the request ended with the process')
})

test('holdCpuWakeLatency replaces its own request, and releaseCpuWakeLatency drops it while the process runs on', { skip: !canHold && `${PM_QOS_DEVICE} needs root on Linux` }, async () => {
  const before = machineLimitUs()
  const argv = childArgv(`
    holdCpuWakeLatency(41)
    console.log(JSON.stringify(holdCpuWakeLatency(43)))
    releaseCpuWakeLatency()
    console.log('released')
    setInterval(() => {}, 1000)`)
  const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
    const second = JSON.parse((await lines.next()).value as string) as CpuWakeLatency
    if (before > 43) assert.equal(second.effectiveUs, 43, 'the first request (41 µs) is gone')
    assert.equal((await lines.next()).value, 'released')
    assert.equal(machineLimitUs(), before, 'nothing held after the release')
  } finally {
    child.kill('SIGKILL')
    await once(child, 'exit')
  }
})

test('without root the request is refused, reported, and nothing changes', { skip: !canHold && 'dropping to another user needs root' }, () => {
  const before = machineLimitUs()
  const argv = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...childArgv('process.stdout.write(JSON.stringify(holdCpuWakeLatency(0)))')]
  const got = JSON.parse(execFileSync(argv[0]!, argv.slice(1), { cwd: ROOT, encoding: 'utf8' })) as CpuWakeLatency
  assert.deepEqual(got, { requested: 0, held: false, refused: `${PM_QOS_DEVICE} refused (EACCES): it needs root on Linux` })
  assert.match(describeCpuWakeLatency(got), /^the machine's own idle states; .*EACCES/)
  assert.equal(machineLimitUs(), before)
})
