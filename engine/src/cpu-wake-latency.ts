// Idle CPUs ready to run the order path at once. A thread woken on an idle CPU waits for that CPU
// to leave its idle state first; on a virtual machine whose idle vCPUs halt, that exit is the
// hypervisor scheduling the vCPU again, and the host now and then takes milliseconds over it.
// `perf sched timehist` during bench/gateway-orders.bench.ts showed both vCPUs idle for 4–6 ms
// while a woken thread (the gateway's, or the market maker's on the way back) waited to run.
//
// Linux's PM QoS interface bounds that wait: while a process holds /dev/cpu_dma_latency open with
// a limit written to it, the kernel's idle loop enters no idle state slower to leave than the
// limit. At 0 µs idle CPUs poll instead of halting (what tuned's latency-performance profile and
// low-latency trading hosts set). At 5,000 orders/s on PGlite (3 runs of 10 s per pacing), the
// round trip's p99 went from 1.1–2.4 ms (bursts) and 1.8–3.2 ms (spaced) to 0.40–0.42 and
// 0.56–0.67 ms, and the gateway thread's CPU per order fell by a third.
//
// The cost is power: polling CPUs never sleep (the host sees them busy). The request lasts while
// the process holds the file open, so it ends with the process, however it ends. Opening the file
// needs root (its mode is 0600); without it the refusal is reported and nothing changes.
import { closeSync, constants as fsConstants, openSync, readSync, writeSync } from 'node:fs'
import { InvalidInputError } from './errors.js'

/** The longest an idle CPU may take to wake while the order path runs (µs), unless
 *  FLUXION_CPU_WAKE_LATENCY_US says otherwise: 0, idle CPUs poll. */
export const ORDER_PATH_CPU_WAKE_LATENCY_US = 0
/** The longest limit accepted (1 s); `off` leaves the machine's own. */
export const MAX_CPU_WAKE_LATENCY_US = 1_000_000

const PM_QOS_DEVICE = '/dev/cpu_dma_latency'

/** What holdCpuWakeLatency asked for and got. */
export interface CpuWakeLatency {
  /** The limit asked for (µs), or `off`. */
  requested: number | 'off'
  /** Whether this process holds the request (until it exits or calls releaseCpuWakeLatency). */
  held: boolean
  /** The machine's limit with every process's request counted (µs), when it could be read. */
  effectiveUs?: number
  /** Why it is not held, when asked for. */
  refused?: string
}

let held: number | undefined

/** FLUXION_CPU_WAKE_LATENCY_US, checked: an integer number of µs from 0 to 1,000,000, or `off`;
 *  the default where unset or empty. */
export function configuredCpuWakeLatency(env: NodeJS.ProcessEnv = process.env): number | 'off' {
  const text = env.FLUXION_CPU_WAKE_LATENCY_US
  if (text === undefined || text === '') return ORDER_PATH_CPU_WAKE_LATENCY_US
  if (text === 'off') return 'off'
  return checkLatency(Number(text), `FLUXION_CPU_WAKE_LATENCY_US=${text}`)
}

/**
 * Asks the kernel to keep every CPU's wake-up within `us` microseconds for as long as this process
 * runs (`off`: ask nothing), replacing this process's earlier request. Best effort: a refusal
 * (no such device, not root) is reported, not thrown. INVALID_INPUT for a value out of range.
 */
export function holdCpuWakeLatency(us: number | 'off' = configuredCpuWakeLatency()): CpuWakeLatency {
  if (us !== 'off') checkLatency(us, `CPU wake-up latency ${us} µs`)
  releaseCpuWakeLatency()
  if (us === 'off') return { requested: us, held: false }
  let fd: number
  try {
    fd = openSync(PM_QOS_DEVICE, fsConstants.O_RDWR)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message
    const why = code === 'ENOENT' ? `${PM_QOS_DEVICE} is not here (Linux only; in a container, set the limit on the host)` : `${PM_QOS_DEVICE} refused (${code}): it needs root on Linux`
    return { requested: us, held: false, refused: why }
  }
  try {
    writeSync(fd, new Uint8Array(Int32Array.of(us).buffer)) // the kernel reads a native s32
  } catch (err) {
    closeSync(fd)
    return { requested: us, held: false, refused: `${PM_QOS_DEVICE} refused the limit (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` }
  }
  held = fd
  const effectiveUs = readEffective(fd)
  return { requested: us, held: true, ...(effectiveUs !== undefined ? { effectiveUs } : {}) }
}

/** Drops this process's request, if it holds one. */
export function releaseCpuWakeLatency(): void {
  if (held === undefined) return
  closeSync(held)
  held = undefined
}

/** One line for a start-up banner. */
export function describeCpuWakeLatency(l: CpuWakeLatency): string {
  if (l.requested === 'off') return "the machine's own idle states (FLUXION_CPU_WAKE_LATENCY_US=off)"
  if (!l.held) return `the machine's own idle states; ${l.refused}`
  return l.requested === 0 ? 'idle CPUs poll (wake-up latency 0 µs, PM QoS)' : `idle CPUs wake within ${l.requested} µs (PM QoS)`
}

/** Reading the device gives the limit in force over all requests (a native s32). */
function readEffective(fd: number): number | undefined {
  const value = new Int32Array(1)
  try {
    return readSync(fd, new Uint8Array(value.buffer), 0, 4, null) === 4 ? value[0] : undefined
  } catch {
    return undefined
  }
}

function checkLatency(us: number, what: string): number {
  if (!Number.isSafeInteger(us) || us < 0 || us > MAX_CPU_WAKE_LATENCY_US) throw new InvalidInputError(`${what}: a CPU wake-up latency is an integer number of µs from 0 to ${MAX_CPU_WAKE_LATENCY_US}, or off`)
  return us
}
