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

const schedstat = (tid: string): [number, number] => {
  const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')
  return [Number(run), Number(wait)]
}

/** Undefined where the kernel does not keep schedstat (not Linux). */
export function cpuSample(): CpuSample | undefined {
  try {
    const [mainRunNs, mainWaitNs] = schedstat(String(process.pid))
    let processRunNs = 0
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        processRunNs += schedstat(tid)[0]
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
  const share = (ns: number) => Math.round((ns / wallNs) * 1000) / 1000
  return {
    seconds: wallNs / 1e9,
    mainThreadBusy: share(to.mainRunNs - from.mainRunNs),
    mainThreadWaiting: share(to.mainWaitNs - from.mainWaitNs),
    processCores: share(to.processRunNs - from.processRunNs),
    machineCores: cpus().length,
  }
}
