// One way to run a comparison: benchmark.js cycles each case on the same inputs in one run,
// prints a table (ops/s, items/s, ratio to the baseline) and writes JSON to bench/results/.
import Benchmark from 'benchmark'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'

/** One measured function. `items` is how many quotes one call performs (1 unless batched). */
export interface BenchCase {
  name: string
  fn: () => unknown
  items?: number
}

/** A side-by-side comparison: the baseline first, then Fluxion's variants on the same inputs. */
export interface Comparison {
  /** What is measured, e.g. "v3 swap crossing 10 initialized ticks". */
  title: string
  baseline: BenchCase
  fluxion: BenchCase[]
  /** Optional target, as a minimum ratio to the baseline or a minimum items/s, for the report. */
  target?: { ratio?: number; itemsPerSecond?: number; note?: string }
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

function measure(bench: BenchCase, maxTime: number): Omit<CaseResult, 'ratioToBaseline'> {
  const b = new Benchmark(bench.name, bench.fn, { maxTime, minSamples: 5 })
  b.run({ async: false })
  if (b.error) throw b.error
  const hz = b.hz
  return {
    name: bench.name,
    opsPerSecond: hz,
    itemsPerSecond: hz * (bench.items ?? 1),
    relativeMarginOfError: b.stats.rme,
    samples: b.stats.sample.length,
  }
}

const fmt = (n: number): string =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(1)

/** Runs comparisons in order, prints them, and writes `bench/results/<suite>.json`. */
export function runSuite(suite: string, comparisons: Comparison[], options: { maxTime?: number } = {}): ComparisonResult[] {
  const maxTime = options.maxTime ?? Number(process.env.BENCH_MAX_TIME ?? 2)
  const results: ComparisonResult[] = []
  for (const c of comparisons) {
    // Each callable runs once before timing, so a failing case reports its error, not a number.
    c.baseline.fn()
    for (const f of c.fluxion) f.fn()
    const base = { ...measure(c.baseline, maxTime), ratioToBaseline: 1 }
    const ours = c.fluxion.map((f) => {
      const m = measure(f, maxTime)
      return { ...m, ratioToBaseline: m.itemsPerSecond / base.itemsPerSecond }
    })
    const best = Math.max(...ours.map((o) => o.ratioToBaseline))
    const bestItems = Math.max(...ours.map((o) => o.itemsPerSecond))
    const targetMet = c.target
      ? (c.target.ratio === undefined || best >= c.target.ratio) &&
        (c.target.itemsPerSecond === undefined || bestItems >= c.target.itemsPerSecond)
      : undefined
    results.push({ title: c.title, baseline: base, fluxion: ours, target: c.target, targetMet })

    console.log(`\n${c.title}`)
    const rows = [base, ...ours].map((r) => ({
      case: r.name,
      'ops/s': fmt(r.opsPerSecond),
      'items/s': fmt(r.itemsPerSecond),
      '±%': r.relativeMarginOfError.toFixed(1),
      'x baseline': r.ratioToBaseline.toFixed(1),
    }))
    console.table(rows)
    if (c.target) {
      const want = [c.target.ratio && `≥ ${c.target.ratio}× baseline`, c.target.itemsPerSecond && `≥ ${fmt(c.target.itemsPerSecond)} items/s`]
      console.log(`target ${want.filter(Boolean).join(' and ')}: ${targetMet ? 'met' : 'NOT met'}${c.target.note ? ` (${c.target.note})` : ''}`)
    }
  }
  const dir = join(import.meta.dirname, 'results')
  mkdirSync(dir, { recursive: true })
  const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform }
  const report = { suite, date: new Date().toISOString(), machine, maxTimeSeconds: maxTime, results }
  writeFileSync(join(dir, `${suite}.json`), JSON.stringify(report, null, 2) + '\n')
  console.log(`\nwrote bench/results/${suite}.json`)
  return results
}
