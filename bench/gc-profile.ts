// What the main isolate's garbage collector did during a run, from V8's own record of each
// collection (v8.GCProfiler: its kind, its cost and every heap space before and after). On the
// order path the tail is mostly young-generation collections: a scavenge stops the thread for as
// long as it takes to copy what survives, and what survives twice is promoted, which brings the
// next full collection closer. `promotedKBPerScavenge` is the number to watch: a few tens of KB
// when only the orders in flight survive, hundreds when something keeps dead objects reachable
// (engine/src/v8-flags.ts has two such causes, found this way with --trace-gc-nvp).
import { GCProfiler } from 'node:v8'

/** The collections of one run. */
export interface GcSummary {
  scavenges: number
  /** Each scavenge's cost as V8 reports it (the pause), in ms. */
  scavengeMs: { p50: number; max: number }
  /** What each scavenge moved into the old generation, on average. */
  promotedKBPerScavenge: number
  /** Full (mark-compact) collections, and the longest one's final pause in ms. */
  markCompacts: number
  markCompactMaxMs: number
}

interface SpaceStats {
  spaceName: string
  spaceUsedSize: number
}
interface GcRecord {
  gcType: string
  cost: number
  beforeGC: { heapSpaceStatistics: SpaceStats[] }
  afterGC: { heapSpaceStatistics: SpaceStats[] }
}

// Promotion lands in the old space, or the large-object space for a big young object.
const OLD_SPACES = new Set(['old_space', 'large_object_space'])
const oldBytes = (spaces: SpaceStats[]) => spaces.reduce((sum, s) => (OLD_SPACES.has(s.spaceName) ? sum + s.spaceUsedSize : sum), 0)

const round2 = (x: number) => Math.round(x * 100) / 100

/** Starts recording this thread's collections; `stop()` summarises them. */
export function gcRecording(): { stop: () => GcSummary } {
  const profiler = new GCProfiler()
  profiler.start()
  return { stop: () => summarise((profiler.stop() as unknown as { statistics: GcRecord[] }).statistics) }
}

/** The summary of V8's collection records (GCProfiler's `statistics`). */
function summarise(records: readonly GcRecord[]): GcSummary {
  const scavenges = records.filter((r) => r.gcType === 'Scavenge')
  const fulls = records.filter((r) => r.gcType === 'MarkSweepCompact')
  const pauses = scavenges.map((r) => r.cost / 1000).sort((a, b) => a - b)
  const promoted = scavenges.reduce((sum, r) => sum + Math.max(0, oldBytes(r.afterGC.heapSpaceStatistics) - oldBytes(r.beforeGC.heapSpaceStatistics)), 0)
  return {
    scavenges: scavenges.length,
    scavengeMs: { p50: round2(pauses[Math.floor((pauses.length - 1) / 2)] ?? 0), max: round2(pauses.at(-1) ?? 0) },
    promotedKBPerScavenge: scavenges.length > 0 ? Math.round(promoted / scavenges.length / 1024) : 0,
    markCompacts: fulls.length,
    markCompactMaxMs: round2(Math.max(0, ...fulls.map((r) => r.cost / 1000))),
  }
}

/** A summary as a report line's fragment. */
export const describeGc = (gc: GcSummary) =>
  `${gc.scavenges} scavenges (p50 ${gc.scavengeMs.p50} ms, max ${gc.scavengeMs.max} ms, ${gc.promotedKBPerScavenge} KB promoted each), ${gc.markCompacts} full (max ${gc.markCompactMaxMs} ms)`
