// Real daily price history shipped in npm packages, for backtests and replay feeds.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** A daily close. */
export interface DailyClose {
  date: string
  close: number
}

const require = createRequire(import.meta.url)

/** S&P 500 daily closes, 2000-01-03 .. 2020-04-17 (5,105 days), from the `vega-datasets` package. */
export function sp500Daily(): DailyClose[] {
  // The package exports only its JS entry (build/index.js); the CSV files ship beside it in data/.
  const csv = readFileSync(join(dirname(require.resolve('vega-datasets')), '..', 'data', 'sp500-2000.csv'), 'utf8')
  const [header, ...rows] = csv.trim().split('\n')
  const columns = header!.split(',')
  const dateAt = columns.indexOf('date')
  const closeAt = columns.indexOf('adjclose')
  return rows.map((row) => {
    const cells = row.split(',')
    const close = Number(cells[closeAt])
    if (!(close > 0)) throw new Error(`bad close in sp500-2000.csv: ${row}`)
    return { date: cells[dateAt]!, close }
  })
}

/** Daily log returns ln(Pₜ/Pₜ₋₁), dated by the later day. */
export function logReturns(closes: readonly DailyClose[]): { dates: string[]; returns: Float64Array } {
  const returns = new Float64Array(Math.max(0, closes.length - 1))
  for (let t = 1; t < closes.length; t++) returns[t - 1] = Math.log(closes[t]!.close / closes[t - 1]!.close)
  return { dates: closes.slice(1).map((c) => c.date), returns }
}
