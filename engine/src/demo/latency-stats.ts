// Latency percentiles for status lines and benchmarks: an HDR histogram (3 significant digits,
// microsecond resolution) per reporting window.
import { build, type Histogram } from 'hdr-histogram-js'

/** Latencies recorded in milliseconds, read back as percentiles per window. */
export class LatencyStats {
  private window: Histogram = build({ numberOfSignificantValueDigits: 3 })
  private readonly total: Histogram = build({ numberOfSignificantValueDigits: 3 })

  /** Records one latency (ms). */
  record(ms: number): void {
    const us = Math.max(0, Math.round(ms * 1000))
    this.window.recordValue(us)
    this.total.recordValue(us)
  }

  /** Percentiles of the window so far (ms), then starts a new window. */
  takeWindow(): LatencySummary {
    const s = summary(this.window)
    this.window.reset()
    return s
  }

  /** Percentiles since the start (ms). */
  overall(): LatencySummary {
    return summary(this.total)
  }
}

export interface LatencySummary {
  count: number
  p50: number
  p99: number
  max: number
}

function summary(h: Histogram): LatencySummary {
  return { count: h.totalCount, p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000, max: h.maxValue / 1000 }
}
