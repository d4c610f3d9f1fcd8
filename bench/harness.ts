// One way to run a comparison: benchmark.js cycles each case on the same inputs in one run,
// prints a table (ops/s, items/s, ratio to the baseline) and writes JSON to bench/results/.
import Benchmark from 'benchmark'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'

/** One measured function. `items` is how many quotes (paths, accounts...) one call handles. */
export interface BenchCase {
  name: string
  /** A synchronous call, or an async one (measured to the settlement of its promise). */
  fn: () => unknown
  items?: number
  /** Set when `fn` returns a promise. */
  async?: boolean
}

/** A side-by-side comparison: the baseline first, then Fluxion's variants on the same inputs. */
export interface Comparison {
  /** What is measured, e.g. "v3 swap crossing 10 initialized ticks". */
  title: string
  baseline: BenchCase
  fluxion: BenchCase[]
  /** Optional target, as a minimum ratio to the baseline, a minimum items/s or a maximum time per
   *  call (ms) of the best Fluxion case, for the report. */
  target?: { ratio?: number; itemsPerSecond?: number; maxMilliseconds?: number; note?: string }
}

export interface CaseResult {
  name: string
  opsPerSecond: number
  itemsPerSecond: number
  relativeMarginOfError: number
  samples: number
  ratioToBaseline: number
}

export interface ComparisonResult {
  title: string
  baseline: CaseResult
  fluxion: CaseResult[]
  target?: Comparison['target']
  targetMet?: boolean
}

function measure(bench: BenchCase, maxTime: number): Promise<Omit<CaseResult, 'ratioToBaseline'>> {
  return new Promise((resolve, reject) => {
    const options = { maxTime, minSamples: 5, defer: bench.async === true }
    const fn = bench.async ? (deferred: { resolve(): void }) => void (bench.fn() as Promise<unknown>).then(() => deferred.resolve()) : bench.fn
    const b = new Benchmark(bench.name, fn as () => void, options)
    b.on('complete', () => {
      if (b.error) return reject(b.error)
      resolve({
        name: bench.name,
        opsPerSecond: b.hz,
        itemsPerSecond: b.hz * (bench.items ?? 1),
        relativeMarginOfError: b.stats.rme,
        samples: b.stats.sample.length,
      })
    })
    b.run({ async: bench.async === true })
  })
}

const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1)

/** Runs comparisons in order, prints them, and writes `bench/results/<suite>.json`. */
export async function runSuite(suite: string, comparisons: Comparison[], options: { maxTime?: number } = {}): Promise<ComparisonResult[]> {
  const maxTime = options.maxTime ?? Number(process.env.BENCH_MAX_TIME ?? 2)
  const results: ComparisonResult[] = []
  for (const c of comparisons) {
    // Each callable runs once before timing, so a failing case reports its error, not a number.
    await c.baseline.fn()
    for (const f of c.fluxion) await f.fn()
    const base = { ...(await measure(c.baseline, maxTime)), ratioToBaseline: 1 }
    const ours: CaseResult[] = []
    for (const f of c.fluxion) {
      const m = await measure(f, maxTime)
      ours.push({ ...m, ratioToBaseline: m.itemsPerSecond / base.itemsPerSecond })
    }
    const best = Math.max(...ours.map((o) => o.ratioToBaseline))
    const bestItems = Math.max(...ours.map((o) => o.itemsPerSecond))
    const bestMs = 1000 / Math.max(...ours.map((o) => o.opsPerSecond))
    const targetMet = c.target
      ? (c.target.ratio === undefined || best >= c.target.ratio) &&
        (c.target.itemsPerSecond === undefined || bestItems >= c.target.itemsPerSecond) &&
        (c.target.maxMilliseconds === undefined || bestMs <= c.target.maxMilliseconds)
      : undefined
    results.push({ title: c.title, baseline: base, fluxion: ours, target: c.target, targetMet })

    console.log(`\n${c.title}`)
    const rows = [base, ...ours].map((r) => ({
      case: r.name,
      'ms/op': (1000 / r.opsPerSecond).toPrecision(3),
      'ops/s': fmt(r.opsPerSecond),
      'items/s': fmt(r.itemsPerSecond),
      '±%': r.relativeMarginOfError.toFixed(1),
      'x baseline': r.ratioToBaseline.toFixed(1),
    }))
    console.table(rows)
    if (c.target) {
      const want = [
        c.target.ratio && `≥ ${c.target.ratio}× baseline`,
        c.target.itemsPerSecond && `≥ ${fmt(c.target.itemsPerSecond)} items/s`,
        c.target.maxMilliseconds && `≤ ${c.target.maxMilliseconds} ms per call`,
      ]
      console.log(`target ${want.filter(Boolean).join(' and ')}: ${targetMet ? 'met' : 'NOT met'}${c.target.note ? ` (${c.target.note})` : ''}`)
    }
  }
  const dir = join(import.meta.dirname, 'results')
  mkdirSync(dir, { recursive: true })
  const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform }
  const command = `npm run bench -- ${suite}`
  const report = { suite, command, date: new Date().toISOString(), machine, maxTimeSeconds: maxTime, results }
  writeFileSync(join(dir, `${suite}.json`), JSON.stringify(report, null, 2) + '\n')
  console.log(`\nwrote bench/results/${suite}.json`)
  return results
}
