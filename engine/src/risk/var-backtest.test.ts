import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MonteCarloModel, kupiecPof } from '@fluxion/native'
import { logReturns, sp500Daily } from '../oracle/history.js'
import { backtestEwmaVar, formatVarBacktest, RISKMETRICS_99 } from './var-backtest.js'

test('EWMA 99 % VaR on the S&P 500 2000–2020: fat tails show as excess exceptions', () => {
  const { dates, returns } = logReturns(sp500Daily())
  const r = backtestEwmaVar(dates, returns, RISKMETRICS_99)
  assert.equal(r.observations, 5104 - RISKMETRICS_99.warmup)
  assert.equal(r.from, '2000-02-16')
  assert.equal(r.to, '2020-04-17')
  // Every flag is exactly "the loss exceeded that day's VaR".
  const tested = returns.subarray(RISKMETRICS_99.warmup)
  r.series.exception.forEach((e, t) => assert.equal(e, -tested[t]! > r.series.var[t]! ? 1 : 0))
  assert.equal(r.exceptions, r.series.exception.reduce((s, e) => s + e, 0))
  assert.deepEqual(r.kupiec, kupiecPof(r.observations, r.exceptions, 0.01))
  // A normal EWMA VaR is known to be breached about twice as often as promised on equity data.
  assert.ok(r.exceptions / r.observations > 0.015 && r.exceptions / r.observations < 0.03)
  assert.ok(r.kupiec.pValue < 0.05)
  // The last 250 days hold March 2020: far past the Basel red threshold of 10 exceptions.
  assert.equal(r.recent.from, '2019-04-23')
  assert.ok(r.recent.exceptions >= 10)
  assert.equal(r.recent.trafficLight.zone, 'red')
  assert.equal(r.worstExceptions[0]!.date, '2020-03-16')
  // The forecast reacts to volatility: VaR after Lehman is several times VaR in calm 2006.
  const varOn = (d: string) => r.series.var[r.series.dates.indexOf(d)]!
  assert.ok(varOn('2008-10-10') > 3 * varOn('2006-06-01'))
  assert.match(formatVarBacktest('S&P 500', r), /RED zone/)
})

test('on normal returns with constant volatility the same backtest is not rejected', () => {
  // i.i.d. N(0, 1 %²) returns from the native generator: loss = −w·r with w = −1 yields r itself.
  const returns = new Float64Array(5000)
  new MonteCarloModel(new Float64Array([-1]), new Float64Array([0]), new Float64Array([0.0001])).simulate(2024, 0, returns)
  const dates = Array.from({ length: returns.length }, (_, i) => `day ${i}`)
  const r = backtestEwmaVar(dates, returns, RISKMETRICS_99)
  assert.ok(!(r.kupiec.pValue < 0.05), `Kupiec p-value ${r.kupiec.pValue} with ${r.exceptions} exceptions`)
  assert.ok(!(r.independence.pValue < 0.05), `independence p-value ${r.independence.pValue}`)
  assert.notEqual(r.recent.trafficLight.zone, 'red')
})

test('too short a series or mismatched dates is refused', () => {
  assert.throws(() => backtestEwmaVar(['a'], new Float64Array(1)), RangeError)
  assert.throws(() => backtestEwmaVar(['a', 'b'], new Float64Array(1)), RangeError)
})
