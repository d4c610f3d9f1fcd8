// Where a run's CPU went, from the kernel's own accounting of each of this process's threads
// (Linux: /proc/self/task/<tid>/schedstat = time on a CPU, time runnable but waiting for one, in
// ns). A latency tail on a small machine is often not this code's: the engine's thread was ready
// and every core was busy (with PGlite's thread, a client, V8's helpers or another process).
// `mainThreadWaiting` says how much of the run that was, so a result can be read for what it is.
import { readdirSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'

export interface CpuSample {
  atNs: bigint
  /** The main thread (its tid is the pid): ns on a CPU, ns waiting for one. */
  mainRunNs: number
  mainWaitNs: number
  /** Every thread of the process (threads that ended since are not counted). */
  processRunNs: number
}

/** The share of the wall time between two samples. */
export interface CpuShare {
  seconds: number
  /** Main thread on a CPU. */
  mainThreadBusy: number
  /** Main thread ready to run with no CPU free: the scheduling delay in every latency above. */
  mainThreadWaiting: number
  /** All the process's threads together, in cores (of `machineCores`). */
  processCores: number
  machineCores: number
}

const schedstat = (path: string): [number, number] => {
  const [run, wait] = readFileSync(path, 'utf8').split(' ')
  return [Number(run), Number(wait)]
}
const taskSchedstat = (tid: string) => schedstat(`/proc/self/task/${tid}/schedstat`)

const round3 = (x: number) => Math.round(x * 1000) / 1000

/** A share (0.42) as a percentage for a report line ("42%"). */
export const percent = (share: number, decimals = 0) => `${(share * 100).toFixed(decimals)}%`

/** Undefined where the kernel does not keep schedstat (not Linux). */
export function cpuSample(): CpuSample | undefined {
  try {
    const [mainRunNs, mainWaitNs] = taskSchedstat(String(process.pid))
    let processRunNs = 0
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        processRunNs += taskSchedstat(tid)[0]
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return { atNs: process.hrtime.bigint(), mainRunNs, mainWaitNs, processRunNs }
  } catch {
    return undefined
  }
}

export function cpuShare(from: CpuSample | undefined, to = cpuSample()): CpuShare | undefined {
  if (!from || !to) return undefined
  const wallNs = Number(to.atNs - from.atNs)
  const share = (ns: number) => round3(ns / wallNs)
  return {
    seconds: wallNs / 1e9,
    mainThreadBusy: share(to.mainRunNs - from.mainRunNs),
    mainThreadWaiting: share(to.mainWaitNs - from.mainWaitNs),
    processCores: share(to.processRunNs - from.processRunNs),
    machineCores: cpus().length,
  }
}

/** The calling thread (a worker's, say): ns on a CPU, ns waiting for one. */
export interface ThreadSample {
  atNs: bigint
  runNs: number
  waitNs: number
}

/** The calling thread's share of the wall time: on a CPU, and ready with no CPU free. */
export interface ThreadShare {
  busy: number
  waiting: number
}

/** Undefined where the kernel does not keep schedstat (not Linux). */
export function threadSample(): ThreadSample | undefined {
  try {
    const [runNs, waitNs] = schedstat('/proc/thread-self/schedstat')
    return { atNs: process.hrtime.bigint(), runNs, waitNs }
  } catch {
    return undefined
  }
}

export function threadShare(from: ThreadSample | undefined, to = threadSample()): ThreadShare | undefined {
  if (!from || !to) return undefined
  const wallNs = Number(to.atNs - from.atNs)
  return { busy: round3((to.runNs - from.runNs) / wallNs), waiting: round3((to.waitNs - from.waitNs) / wallNs) }
}
