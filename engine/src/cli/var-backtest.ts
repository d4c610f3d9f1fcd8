// Prints the EWMA VaR backtest on real S&P 500 data (2000–2020, from the vega-datasets package).
//   npm run backtest
import { logReturns, sp500Daily } from '../oracle/history.js'
import { backtestEwmaVar, formatVarBacktest, RISKMETRICS_99 } from '../risk/var-backtest.js'

const { dates, returns } = logReturns(sp500Daily())
console.log(formatVarBacktest('S&P 500', backtestEwmaVar(dates, returns, RISKMETRICS_99)))
