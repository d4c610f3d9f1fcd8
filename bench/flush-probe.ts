// The disk's own flush latency, measured beside a durable store's run. A PostgreSQL commit waits
// for fdatasync of its WAL, so no acknowledgement can come sooner than the device's flush; on a
// virtual disk a flush is the host syncing the image file, and it stalls now and then for tens of
// ms whatever the guest does (two processes flushing files of their own stall at the same moments,
// to the ms). The probe writes 4 KB to a file of its own and flushes it every `intervalMs`, on a
// thread of its own, so a run's latency can be read against what the disk did meanwhile.
import { Worker } from 'node:worker_threads'

/** One flush: when it started (ms since the epoch, fractional) and how long it took (ms). */
export interface Flush {
  at: number
  ms: number
}

/** The flushes within a span of time. */
export interface FlushSummary {
  flushes: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Flushes over 10 ms, and the time they took together. */
  over10Ms: number
  over10MsTotalMs: number
}

/** Epoch ms now, on the clock the probe's thread stamps flushes with (comparable across threads). */
export const epochMs = () => performance.timeOrigin + performance.now()

// The probe's thread: plain JS, so it needs no loader. It sleeps on a shared word that `stop`
// sets, and posts its flushes (pairs of start, duration) when it ends.
const PROBE = `
const { workerData, parentPort } = require('node:worker_threads')
const fs = require('node:fs')
const { path, intervalMs, control } = workerData
const stopFlag = new Int32Array(control)
const block = Buffer.alloc(4096, 120)
const SPAN = 64 * 4096 // rewrite the same 256 KB: the file stays small and allocated
const fd = fs.openSync(path, 'w')
const flushes = []
let offset = 0
try {
  while (Atomics.load(stopFlag, 0) === 0) {
    fs.writeSync(fd, block, 0, block.length, offset)
    offset = (offset + block.length) % SPAN
    const at = performance.timeOrigin + performance.now()
    fs.fdatasyncSync(fd)
    flushes.push(at, performance.timeOrigin + performance.now() - at)
    Atomics.wait(stopFlag, 0, 0, intervalMs)
  }
} finally {
  fs.closeSync(fd)
  fs.rmSync(path, { force: true })
}
parentPort.postMessage(new Float64Array(flushes), [])
`

/** Starts flushing a file at `path` every `intervalMs`; `stop()` ends it and returns the flushes. */
export function startFlushProbe(path: string, intervalMs = 10): { stop: () => Promise<Flush[]> } {
  const control = new SharedArrayBuffer(4)
  const worker = new Worker(PROBE, { eval: true, workerData: { path, intervalMs, control } })
  const result = new Promise<Flush[]>((resolve, reject) => {
    worker.once('message', (pairs: Float64Array) => {
      const flushes: Flush[] = []
      for (let i = 0; i + 1 < pairs.length; i += 2) flushes.push({ at: pairs[i]!, ms: pairs[i + 1]! })
      resolve(flushes)
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the flush probe ended (exit ${code}) before reporting`)))
  })
  return {
    stop: () => {
      const flag = new Int32Array(control)
      Atomics.store(flag, 0, 1)
      Atomics.notify(flag, 0)
      return result
    },
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000

/** The flushes that started in [from, to) (epoch ms), summarised. */
export function summariseFlushes(flushes: readonly Flush[], from = -Infinity, to = Infinity): FlushSummary {
  const ms = flushes.filter((f) => f.at >= from && f.at < to).map((f) => f.ms).sort((a, b) => a - b)
  const at = (q: number) => (ms.length === 0 ? 0 : ms[Math.max(0, Math.ceil(q * ms.length) - 1)]!) // nearest rank
  const slow = ms.filter((x) => x > 10)
  return {
    flushes: ms.length,
    p50Ms: round3(at(0.5)),
    p99Ms: round3(at(0.99)),
    maxMs: round3(ms.at(-1) ?? 0),
    over10Ms: slow.length,
    over10MsTotalMs: round3(slow.reduce((a, b) => a + b, 0)),
  }
}

/** A summary as a report line's fragment. */
export const describeFlushes = (s: FlushSummary) =>
  `disk flush p50 ${s.p50Ms.toFixed(2)} p99 ${s.p99Ms.toFixed(2)} max ${s.maxMs.toFixed(1)} ms, ${s.over10Ms} over 10 ms (${s.over10MsTotalMs.toFixed(0)} ms)`
