// Memory the fan-out benchmark's threads share: when each engine event was published on the bus
// (a ring indexed by event seq), and how far each worker's slowest client has read.

/** Slots of the publication-time ring: far more events than one phase publishes. */
const RING = 1 << 20

/** The shared arrays (backed by SharedArrayBuffers, so workers see the main thread's writes). */
export interface FanoutShared {
  /** Monotonic ms of the event's publication, by seq % RING. */
  times: Float64Array
  /** The seq whose time the slot holds (a slot is reused RING events later). */
  seqs: Int32Array
  /** Per worker: trade updates its slowest client has received since the phase began. */
  progress: Int32Array
  /** Per worker: updates (all channels) its slowest client has received since the phase began. */
  updates: Int32Array
}

/** Fresh shared arrays for `workers` workers. */
export function fanoutShared(workers: number): FanoutShared {
  return {
    times: new Float64Array(new SharedArrayBuffer(RING * 8)),
    seqs: new Int32Array(new SharedArrayBuffer(RING * 4)),
    progress: new Int32Array(new SharedArrayBuffer(workers * 4)),
    updates: new Int32Array(new SharedArrayBuffer(workers * 4)),
  }
}

/** One clock for every thread of the process (CLOCK_MONOTONIC), in ms. */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime()
  return s * 1e3 + ns / 1e6
}

/** Notes that event `seq` is being published now. */
export function recordPublish(shared: FanoutShared, seq: number, at = monotonicMs()): void {
  shared.times[seq % RING] = at
  Atomics.store(shared.seqs, seq % RING, seq) // after the time: a reader that sees the seq sees the time
}

/** When event `seq` was published, if its slot still holds it. */
export function publishedAt(shared: FanoutShared, seq: number): number | undefined {
  return Atomics.load(shared.seqs, seq % RING) === seq ? shared.times[seq % RING] : undefined
}
