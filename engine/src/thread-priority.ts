// The order path's thread ahead of everything else on the machine. On 2 cores the engine's thread
// shares the CPUs with PGlite's thread, V8's collector threads, the risk workers, kernel threads
// and whatever else runs there; the stalls behind its p99 were time spent runnable and waiting
// for a core, not time spent working.
//
// A real-time policy (SCHED_FIFO) is what makes it run the moment it wakes. A lower nice value
// only weights its share of the CPU: the scheduler (EEVDF, Linux 6.6 on) lets the thread already
// running finish its slice first. `perf sched timehist` during bench/gateway-orders.bench.ts
// showed the gateway's thread at nice -10 runnable for 1.5–2.6 ms behind PGlite's thread (nice 0)
// or a kernel thread, as often as not with the other core idle. At 5,000 orders/s, each sent on
// its own (20 s runs on PGlite): round trip p99 2.3–2.9 ms at nice -10, 1.0 ms with the gateway's
// thread under SCHED_FIFO; 0.8 ms with the market maker's process under it too.
//
// Threads and processes started after this one begin as ordinary ones (SCHED_RESET_ON_FORK): the
// risk workers, PGlite's thread and libuv's pool must not take a core away from it. Without the
// privilege (CAP_SYS_NICE or `ulimit -r`), the thread falls back to a raised nice value (which
// threads started later do inherit: PGlite's and the workers lower their own, see
// pglite-thread.ts and workers/src/tasks.worker.mjs), and without that either stays as it was.
import { constants, getPriority, setPriority } from 'node:os'
import { setThreadRealtime, threadScheduling } from '@fluxion/native'
import { InvalidInputError } from './errors.js'

/** The order path thread's real-time priority unless FLUXION_THREAD_RT_PRIORITY says otherwise:
 *  low in the range, below the kernel's threaded interrupt handlers (50) and its own watchdogs. */
export const ORDER_THREAD_RT_PRIORITY = 10
/** Its nice value when real-time is off or refused, unless FLUXION_THREAD_NICE says otherwise. */
export const ORDER_THREAD_NICE = -10

/** What to ask for: SCHED_FIFO at `rtPriority` (0: never), else `nice`. */
export interface ThreadPriorityRequest {
  rtPriority: number
  nice: number
}

/** What raiseThreadPriority asked for and got. */
export interface ThreadPriority {
  requested: ThreadPriorityRequest
  /** `realtime`: SCHED_FIFO at `rtPriority`; `nice`: an ordinary thread at `nice`. */
  policy: 'realtime' | 'nice'
  rtPriority?: number
  /** The thread's nice value now (which a real-time thread's scheduling ignores). */
  nice: number
  /** Why it is not what was requested, when it is not. */
  refused?: string
}

/** FLUXION_THREAD_RT_PRIORITY (0 to 99; 0 turns real-time off) and FLUXION_THREAD_NICE (-20 to
 *  19), checked; the defaults where unset or empty. */
export function configuredThreadPriority(env: NodeJS.ProcessEnv = process.env): ThreadPriorityRequest {
  const read = (name: string, fallback: number, check: (n: number, what: string) => number) => {
    const text = env[name]
    return text === undefined || text === '' ? fallback : check(Number(text), `${name}=${text}`)
  }
  return { rtPriority: read('FLUXION_THREAD_RT_PRIORITY', ORDER_THREAD_RT_PRIORITY, checkRtPriority), nice: read('FLUXION_THREAD_NICE', ORDER_THREAD_NICE, checkNice) }
}

/**
 * Gives the calling thread SCHED_FIFO at `rtPriority`, or where that is off or refused the nice
 * value `nice`; never lowers a priority it already has. Best effort: a refusal by the OS is
 * reported, not thrown. INVALID_INPUT for values out of range.
 */
export function raiseThreadPriority(request: ThreadPriorityRequest = configuredThreadPriority()): ThreadPriority {
  checkRtPriority(request.rtPriority, `real-time priority ${request.rtPriority}`)
  checkNice(request.nice, `nice ${request.nice}`)
  const current = threadScheduling()
  if (current.policy === 'fifo' || current.policy === 'rr') return { requested: request, policy: 'realtime', rtPriority: current.priority, nice: getPriority(0) }
  let realtimeRefused: string | undefined
  if (request.rtPriority > 0) {
    const errno = setThreadRealtime(request.rtPriority)
    if (errno === 0) return { requested: request, policy: 'realtime', rtPriority: request.rtPriority, nice: getPriority(0) }
    realtimeRefused = `real-time refused (${errnoName(errno)})`
  }
  const nice = getPriority(0)
  let niceRefused: string | undefined
  if (request.nice < nice) {
    try {
      setPriority(0, request.nice)
    } catch (err) {
      niceRefused = `nice ${request.nice} refused (${(err as { info?: { code?: string } }).info?.code ?? (err as Error).message})`
    }
  }
  const refusals = [realtimeRefused, niceRefused].filter((r) => r !== undefined)
  return {
    requested: request,
    policy: 'nice',
    nice: getPriority(0),
    ...(refusals.length > 0 ? { refused: `${refusals.join(', ')}: raising a thread's priority needs CAP_SYS_NICE, or limits (ulimit -r, ulimit -e) that allow it` } : {}),
  }
}

/** One line for a start-up banner. */
export function describeThreadPriority(p: ThreadPriority): string {
  const got = p.policy === 'realtime' ? `real-time (SCHED_FIFO ${p.rtPriority})` : `nice ${p.nice}`
  return p.refused ? `${got}; ${p.refused}` : got
}

function errnoName(errno: number): string {
  return Object.entries(constants.errno).find(([, n]) => n === errno)?.[0] ?? `errno ${errno}`
}

function checkRtPriority(priority: number, what: string): number {
  if (!Number.isSafeInteger(priority) || priority < 0 || priority > 99) throw new InvalidInputError(`${what}: a real-time priority is an integer from 1 to 99, or 0 for none`)
  return priority
}

function checkNice(nice: number, what: string): number {
  if (!Number.isSafeInteger(nice) || nice < -20 || nice > 19) throw new InvalidInputError(`${what}: a nice value is an integer from -20 to 19`)
  return nice
}
