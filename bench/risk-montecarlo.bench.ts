// Monte Carlo VaR, 10 correlated assets: the same algorithm (normal draws, Cholesky product,
// linear loss, tail selection) in plain TypeScript against Fluxion on one core and on two workers.
// benchmark.js times each case in turn, seconds apart, and this VM's cores change speed over
// minutes, so the two-worker speed-up is also measured interleaved (one core, one worker, two
// workers, again and again) and written to bench/results/risk-montecarlo-scaling.json.
import { MonteCarloModel, cholesky, tailCount } from '@fluxion/native'
import { RiskPool } from '@fluxion/workers'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { runSuite } from './harness.js'

const ASSETS = 10
const PATHS = 1_000_000
const CONFIDENCE = 0.99
const covariance = new Float64Array(ASSETS * ASSETS)
for (let i = 0; i < ASSETS; i++)
  for (let j = 0; j < ASSETS; j++) covariance[i * ASSETS + j] = (i === j ? 1 : 0.3) * (0.01 + 0.002 * i) * (0.01 + 0.002 * j)
const exposures = Float64Array.from({ length: ASSETS }, (_, i) => 1_000 * (i + 1))
const mean = new Float64Array(ASSETS)
const spec = { exposures, mean, covariance }

/** Plain TypeScript: polar-method normals from a seeded xoroshiro128+, r = μ + Lz, quickselect. */
function monteCarloVarTs(paths: number, seed: number): number {
  const L = cholesky(covariance, ASSETS)
  const rng = xoroshiro128plus(seed)
  const uniform = () => (rng.next() >>> 0) / 4294967296
  let spare: number | undefined
  const normal = () => {
    if (spare !== undefined) {
      const s = spare
      spare = undefined
      return s
    }
    let u: number, v: number, s: number
    do {
      u = 2 * uniform() - 1
      v = 2 * uniform() - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const m = Math.sqrt((-2 * Math.log(s)) / s)
    spare = v * m
    return u * m
  }
  const losses = new Float64Array(paths)
  const z = new Float64Array(ASSETS)
  for (let p = 0; p < paths; p++) {
    for (let i = 0; i < ASSETS; i++) z[i] = normal()
    let pnl = 0
    for (let i = 0; i < ASSETS; i++) {
      let r = mean[i]!
      for (let k = 0; k <= i; k++) r += L[i * ASSETS + k]! * z[k]!
      pnl += exposures[i]! * r
    }
    losses[p] = -pnl
  }
  const k = tailCount(paths, CONFIDENCE)
  // The k-th largest loss, by sorting a copy of the tail candidates (select, then order).
  return losses.sort()[paths - k]!
}

const model = new MonteCarloModel(exposures, mean, covariance)
const pool = new RiskPool({ threads: 2 })
const onePool = new RiskPool({ threads: 1 })
// Start the workers and load their native code before anything is timed.
await pool.monteCarloVar(spec, { paths: 100_000, confidence: CONFIDENCE, seed: 1 })
await onePool.monteCarloVar(spec, { paths: 100_000, confidence: CONFIDENCE, seed: 1 })

const run = { paths: PATHS, confidence: CONFIDENCE, seed: 1 }
const oneCore = { name: 'fluxion MonteCarloModel.varEs (1 thread)', fn: () => model.varEs(1, PATHS, CONFIDENCE), items: PATHS }
const twoWorkers = { name: 'fluxion RiskPool.monteCarloVar (2 workers)', fn: () => pool.monteCarloVar(spec, run), items: PATHS, async: true }
await runSuite('risk-montecarlo', [
  {
    title: `Monte Carlo VaR, ${ASSETS} correlated assets, ${PATHS.toLocaleString('en')} paths at 99 %`,
    baseline: { name: 'plain TypeScript (same algorithm)', fn: () => monteCarloVarTs(PATHS, 1), items: PATHS },
    fluxion: [oneCore, twoWorkers],
    target: { ratio: 5, itemsPerSecond: 4_000_000, note: 'issue 3: ≥ 4 M paths/s on one core, ≥ 5× plain TypeScript' },
  },
  {
    title: `Monte Carlo VaR, two workers against one core (${PATHS.toLocaleString('en')} paths)`,
    baseline: oneCore,
    fluxion: [twoWorkers],
    target: { ratio: 1.7, note: 'issue 3: ≥ 1.7× one core with two workers (cases timed one after the other; see risk-montecarlo-scaling.json for interleaved rounds)' },
  },
])

/** CPU time (in CPUs) that other processes used since the last call: /proc/stat less this process. */
function otherProcessesMeter(): () => number {
  const read = (): [number, number, number] => {
    const all = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    const self = readFileSync('/proc/self/stat', 'utf8').split(')').pop()!.trim().split(/\s+/).map(Number)
    // user, nice, system, irq, softirq, steal (all CPUs) and this process's user + system, in ticks
    return [all[0]! + all[1]! + all[2]! + all[5]! + all[6]! + all[7]!, self[11]! + self[12]!, performance.now()]
  }
  if (!existsSync('/proc/stat')) return () => NaN
  let last = read()
  return () => {
    const now = read()
    const cpus = (now[0] - last[0] - (now[1] - last[1])) / 100 / ((now[2] - last[2]) / 1000)
    last = now
    return cpus
  }
}

// Interleaved rounds: each round times one core (main thread), one pool worker and two pool
// workers back to back, so all three see the same machine; the per-round ratios cancel the drift.
const rounds = Number(process.env.BENCH_ROUNDS ?? 100)
const cases: Record<string, () => unknown> = {
  oneCore: () => model.varEs(1, PATHS, CONFIDENCE),
  oneWorker: () => onePool.monteCarloVar(spec, run),
  twoWorkers: () => pool.monteCarloVar(spec, run),
}
const meter = otherProcessesMeter()
const samples: Array<Record<string, number> & { otherCpus: number }> = []
for (let r = 0; r < rounds; r++) {
  meter()
  const ms: Record<string, number> = {}
  for (const [name, fn] of Object.entries(cases)) {
    const start = performance.now()
    await fn()
    ms[name] = performance.now() - start
  }
  samples.push({ ...ms, otherCpus: meter() })
}
const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
const summary = (rows: typeof samples) =>
  rows.length === 0
    ? null
    : {
        rounds: rows.length,
        medianMs: Object.fromEntries(Object.keys(cases).map((c) => [c, median(rows.map((r) => r[c]!))])),
        medianPathsPerSecond: Object.fromEntries(Object.keys(cases).map((c) => [c, PATHS / (median(rows.map((r) => r[c]!)) / 1000)])),
        // Per round: one core's time over two workers' (the issue's measure), and one worker's
        // over two workers' (how far two pool workers scale against one).
        medianSpeedup: {
          twoWorkersOverOneCore: median(rows.map((r) => r.oneCore! / r.twoWorkers!)),
          twoWorkersOverOneWorker: median(rows.map((r) => r.oneWorker! / r.twoWorkers!)),
        },
      }
// A round is quiet when other processes used under 5 % of a CPU during it.
const quiet = samples.filter((s) => s.otherCpus < 0.05)
const scaling = {
  suite: 'risk-montecarlo-scaling',
  command: 'npm run bench -- risk-montecarlo',
  date: new Date().toISOString(),
  machine: { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform },
  paths: PATHS,
  target: { twoWorkersOverOneCore: 1.7 },
  all: summary(samples),
  quiet: summary(quiet),
  samples,
}
writeFileSync(join(import.meta.dirname, 'results', 'risk-montecarlo-scaling.json'), JSON.stringify(scaling, null, 2) + '\n')
console.log(`\ninterleaved rounds: ${JSON.stringify({ all: scaling.all, quiet: scaling.quiet }, null, 2)}`)
console.log('wrote bench/results/risk-montecarlo-scaling.json')
await pool.close()
await onePool.close()
