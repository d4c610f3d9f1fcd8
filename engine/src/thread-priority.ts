// The order path's thread ahead of everything else on the machine. On 2 cores the engine's
// thread shares the CPUs with PGlite's thread, V8's collector threads, the risk workers and
// whatever else runs there; the stalls behind its p99 were mostly time spent runnable and waiting
// for a core (per-thread schedstat), not time spent working. A lower nice value makes the
// scheduler run it first when it wakes. Measured with `bench/engine-orders.bench.ts --load-runs
// PGlite` at 20,000 orders/s, three runs each, interleaved: p99 12.6 / 6.4 / 8.8 ms at nice 0,
// 7.7 / 4.3 / 4.9 ms at nice -10; the thread's share of time spent waiting for a core halved.
//
// On Linux the nice value belongs to a thread, and a thread starts with its creator's: threads
// started after this one raises its priority set their own (PGlite ten steps behind it in
// pglite-thread.ts, the risk workers at most at the default).
// Raising a priority needs CAP_SYS_NICE or a nice limit (ulimit -e); without either this leaves
// the priority as it was and says why.
import { getPriority, setPriority } from 'node:os'
import { InvalidInputError } from './errors.js'

/** The order path thread's nice value unless FLUXION_THREAD_NICE says otherwise. */
export const ORDER_THREAD_NICE = -10

/** What raiseThreadPriority asked for and got. */
export interface ThreadPriority {
  requested: number
  /** The thread's nice value now. */
  nice: number
  /** Why it is not the one requested, when it is not. */
  refused?: string
}

/** FLUXION_THREAD_NICE, checked (an integer from -20 to 19), else ORDER_THREAD_NICE. */
export function configuredThreadNice(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.FLUXION_THREAD_NICE
  if (text === undefined || text === '') return ORDER_THREAD_NICE
  return checkNice(Number(text), `FLUXION_THREAD_NICE=${text}`)
}

/**
 * Gives the calling thread the nice value `requested` if that raises its priority; a thread
 * already at or above it is left alone. Best effort: a refusal by the OS is reported, not thrown.
 */
export function raiseThreadPriority(requested: number = configuredThreadNice()): ThreadPriority {
  checkNice(requested, `nice ${requested}`)
  const current = getPriority(0)
  if (requested >= current) return { requested, nice: current }
  try {
    setPriority(0, requested)
  } catch (err) {
    const code = (err as { info?: { code?: string } }).info?.code ?? (err as Error).message
    return { requested, nice: current, refused: `the OS refused (${code}): raising a thread's priority needs CAP_SYS_NICE or a nice limit (ulimit -e)` }
  }
  return { requested, nice: getPriority(0) }
}

/** One line for a start-up banner. */
export function describeThreadPriority(p: ThreadPriority): string {
  return p.refused ? `nice ${p.nice} (asked for ${p.requested}: ${p.refused})` : `nice ${p.nice}`
}

function checkNice(nice: number, what: string): number {
  if (!Number.isSafeInteger(nice) || nice < -20 || nice > 19) throw new InvalidInputError(`${what}: a nice value is an integer from -20 to 19`)
  return nice
}
