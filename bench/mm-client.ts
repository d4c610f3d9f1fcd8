// The order benchmark's market maker (bench/mm-client, Rust): built with cargo when needed, run as
// a process of its own for each run, and its per-request times summarised here. See its
// src/main.rs for why it is not a Node client.
import { execFile, execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { build, type Histogram } from 'hdr-histogram-js'
import type { ThreadShare } from './cpu-share.js'

const ROOT = join(import.meta.dirname, '..')

/** One run: what to send, where, how fast and for how long. */
export interface MarketMakerRun {
  url: string
  apiKey: string
  secret: string
  market: string
  /** Quote spent on a buy; each sell sells 99.8% of what a buy brings at the run's start. */
  buyQuote: string
  /** placeOrder, or quote for the gateway alone (no engine write). */
  method: 'placeOrder' | 'quote'
  rate: number
  seconds: number
  /** Send on a timer of this period (ms), everything due at each tick in one write; by default
   *  each request leaves at its own due moment. */
  tickMs?: number
  /** Run under SCHED_FIFO at this priority (1–99), if the OS allows it. */
  rtPriority?: number
}

/** What the client prints: µs per answered request, in order. */
export interface MarketMakerReport {
  sent: number
  ok: number
  errors: Record<string, number>
  seconds: number
  /** From the write that carried the request to the answer read. */
  roundTripUs: number[]
  /** From the moment the request fell due. */
  fromDueUs: number[]
  /** The gateway's own time, read to written (each answer's usDiff). */
  gatewayUs: number[]
  /** By the wall clock the gateway's usIn and usOut share: from the send to the gateway reading the
   *  request, and from its writing the answer to the client reading it. */
  inboundUs: number[]
  outboundUs: number[]
  clientThread?: ThreadShare
  /** How the client was scheduled: `fifo <priority>`, or `ordinary` (with the OS's refusal, if any). */
  scheduling: string
}

/** Builds the client if its sources changed (cargo does nothing otherwise) and returns its path. */
export function marketMakerBinary(): string {
  execFileSync('cargo', ['build', '--release', '--quiet', '-p', 'fluxion-mm-client'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  return join(ROOT, 'target', 'release', 'fluxion-mm-client')
}

/** Runs the client once; rejects with what it printed on stderr if it fails. */
export function runMarketMaker(binary: string, run: MarketMakerRun): Promise<MarketMakerReport> {
  return new Promise((resolve, reject) => {
    execFile(binary, [JSON.stringify(run)], { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`fluxion-mm-client failed: ${stderr.trim() || err.message}`))
      else resolve(JSON.parse(stdout) as MarketMakerReport)
    })
  })
}

/** A histogram (µs) of the values. */
export function histogramOf(us: readonly number[]): Histogram {
  const h = build({ numberOfSignificantValueDigits: 3 })
  for (const v of us) h.recordValue(v)
  return h
}

/** The share of `values` at most `bound`, to 4 decimals (0 when there are none). */
export function shareAtMost(values: readonly number[], bound: number): number {
  let n = 0
  for (const v of values) if (v <= bound) n++
  return values.length > 0 ? Math.round((n / values.length) * 10_000) / 10_000 : 0
}

/** The slowest requests' round trips, and where the time went (means, ms). */
export interface SlowestSplit {
  count: number
  roundTripMs: number
  /** From the send to the gateway reading the request: the client's write, the socket, and the
   *  wait for the gateway's thread (busy with earlier requests, collecting, or off its CPU). */
  inboundMs: number
  /** From the gateway reading the request to writing the answer (usDiff). */
  gatewayMs: number
  /** From the gateway writing the answer to the client reading it. */
  outboundMs: number
}

/** The slowest `share` of a run's round trips: their mean and its split. */
export function slowestSplit(r: Pick<MarketMakerReport, 'roundTripUs' | 'inboundUs' | 'gatewayUs' | 'outboundUs'>, share: number): SlowestSplit {
  const threshold = Float64Array.from(r.roundTripUs).sort()[Math.floor(r.roundTripUs.length * (1 - share))] ?? Infinity
  const sums = { roundTrip: 0, inbound: 0, gateway: 0, outbound: 0 }
  let count = 0
  for (let i = 0; i < r.roundTripUs.length; i++) {
    if (r.roundTripUs[i]! < threshold) continue
    count++
    sums.roundTrip += r.roundTripUs[i]!
    sums.inbound += r.inboundUs[i]!
    sums.gateway += r.gatewayUs[i]!
    sums.outbound += r.outboundUs[i]!
  }
  const meanMs = (sumUs: number) => (count > 0 ? Math.round(sumUs / count) / 1000 : 0)
  return { count, roundTripMs: meanMs(sums.roundTrip), inboundMs: meanMs(sums.inbound), gatewayMs: meanMs(sums.gateway), outboundMs: meanMs(sums.outbound) }
}
