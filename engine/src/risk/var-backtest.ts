// Backtest of a one-day EWMA (RiskMetrics) normal VaR against realised returns: exceptions,
// Kupiec POF, Christoffersen independence and conditional coverage, and the Basel zone of the
// most recent window. All statistics come from the native core.
import { christoffersenIndependence, conditionalCoverage, ewmaVarianceForecasts, kupiecPof, normalQuantile, trafficLight } from '@fluxion/native'
import type { IndependenceTest, LikelihoodRatio, TrafficLight } from '@fluxion/native'

export interface VarBacktestOptions {
  /** EWMA decay (RiskMetrics daily: 0.94). */
  lambda: number
  /** VaR confidence, e.g. 0.99. */
  confidence: number
  /** Returns used only to seed the variance (their sample variance), not tested. */
  warmup: number
  /** Length of the recent window graded by the traffic light (Basel: 250). */
  recentWindow: number
}

export const RISKMETRICS_99: VarBacktestOptions = { lambda: 0.94, confidence: 0.99, warmup: 30, recentWindow: 250 }

export interface VarBacktestReport {
  options: VarBacktestOptions
  from: string
  to: string
  observations: number
  exceptions: number
  expectedExceptions: number
  kupiec: LikelihoodRatio
  independence: IndependenceTest
  conditionalCoverage: LikelihoodRatio
  recent: { from: string; observations: number; exceptions: number; trafficLight: TrafficLight }
  /** The worst exceptions: day, return, the VaR that day (as positive return fractions). */
  worstExceptions: Array<{ date: string; loss: number; var: number }>
  /** Per-day VaR forecasts and exception flags, aligned with the tested dates. */
  series: { dates: string[]; var: Float64Array; exception: Uint8Array }
}

/** Backtests EWMA normal VaR over `returns` (log returns, dated). */
export function backtestEwmaVar(dates: readonly string[], returns: Float64Array, options: VarBacktestOptions = RISKMETRICS_99): VarBacktestReport {
  const { lambda, confidence, warmup, recentWindow } = options
  if (dates.length !== returns.length) throw new RangeError(`${dates.length} dates for ${returns.length} returns`)
  if (returns.length <= warmup + recentWindow) throw new RangeError(`need more than ${warmup + recentWindow} returns, got ${returns.length}`)
  const seed = returns.subarray(0, warmup)
  const seedVariance = seed.reduce((s, r) => s + r * r, 0) / warmup
  // Forecasts over the whole series after the warm-up: forecast[t] uses returns before t.
  const tested = returns.subarray(warmup)
  const variance = ewmaVarianceForecasts(tested, lambda, seedVariance)
  const z = normalQuantile(confidence)
  const n = tested.length
  const varSeries = new Float64Array(n)
  const exception = new Uint8Array(n)
  for (let t = 0; t < n; t++) {
    varSeries[t] = z * Math.sqrt(variance[t]!)
    exception[t] = -tested[t]! > varSeries[t]! ? 1 : 0
  }
  const testedDates = dates.slice(warmup)
  const exceptions = exception.reduce((s, e) => s + e, 0)
  const p = 1 - confidence
  const recentExceptions = exception.subarray(n - recentWindow).reduce((s, e) => s + e, 0)
  const worst = [...exception.keys()]
    .filter((t) => exception[t])
    .sort((a, b) => tested[a]! - tested[b]!)
    .slice(0, 5)
    .map((t) => ({ date: testedDates[t]!, loss: -tested[t]!, var: varSeries[t]! }))
  return {
    options,
    from: testedDates[0]!,
    to: testedDates[n - 1]!,
    observations: n,
    exceptions,
    expectedExceptions: n * p,
    kupiec: kupiecPof(n, exceptions, p),
    independence: christoffersenIndependence(exception),
    conditionalCoverage: conditionalCoverage(exception, p),
    recent: { from: testedDates[n - recentWindow]!, observations: recentWindow, exceptions: recentExceptions, trafficLight: trafficLight(recentWindow, recentExceptions, p) },
    worstExceptions: worst,
    series: { dates: testedDates, var: varSeries, exception },
  }
}

/** The report as text for a terminal. */
export function formatVarBacktest(name: string, r: VarBacktestReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)} %`
  const verdict = (lr: LikelihoodRatio) => `LR ${lr.lr.toFixed(4)}, p-value ${lr.pValue.toFixed(5)} → ${lr.pValue < 0.05 ? 'rejected' : 'not rejected'} at 5 %`
  return [
    `${name}: one-day ${pct(r.options.confidence)} EWMA VaR (λ = ${r.options.lambda}, normal), ${r.from} .. ${r.to}`,
    `  observations           ${r.observations}`,
    `  exceptions             ${r.exceptions} (expected ${r.expectedExceptions.toFixed(1)}, rate ${pct(r.exceptions / r.observations)})`,
    `  Kupiec POF             ${verdict(r.kupiec)}`,
    `  Christoffersen indep.  ${verdict(r.independence)} (n00 ${r.independence.n00}, n01 ${r.independence.n01}, n10 ${r.independence.n10}, n11 ${r.independence.n11})`,
    `  conditional coverage   ${verdict(r.conditionalCoverage)} (χ²₂)`,
    `  last ${r.recent.observations} days (from ${r.recent.from}): ${r.recent.exceptions} exceptions → ${r.recent.trafficLight.zone.toUpperCase()} zone (binomial CDF ${pct(r.recent.trafficLight.cumulativeProbability)})`,
    `  worst exceptions       ${r.worstExceptions.map((e) => `${e.date} loss ${pct(e.loss)} vs VaR ${pct(e.var)}`).join('; ')}`,
  ].join('\n')
}
