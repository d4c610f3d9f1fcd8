// Real daily price history shipped in npm packages, for backtests and replay feeds.
// (Loaded with require: both packages are CommonJS and ship their data beside their code.)
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** A daily close. */
export interface DailyClose {
  date: string
  close: number
  /** The close exactly as the source wrote it, for exact parsing. */
  closeText: string
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
    const closeText = cells[closeAt]!
    const close = Number(closeText)
    if (!(close > 0)) throw new Error(`bad close in sp500-2000.csv: ${row}`)
    return { date: cells[dateAt]!, close, closeText }
  })
}

/** Bitcoin daily closes in USD, 2016-07-04 .. 2017-07-03 (365 days), from `@visx/mock-data`. */
export function bitcoinDaily(): DailyClose[] {
  const { prices } = require('@visx/mock-data').bitcoinPrice as { prices: Array<{ price: string; time: string }> }
  // The package lists the newest day first.
  return prices
    .map((p) => ({ date: p.time.slice(0, 10), close: Number(p.price), closeText: p.price }))
    .sort((a, b) => (a.date < b.date ? -1 : 1))
}

/** Daily log returns ln(Pₜ/Pₜ₋₁), dated by the later day. */
export function logReturns(closes: ReadonlyArray<Pick<DailyClose, 'date' | 'close'>>): { dates: string[]; returns: Float64Array } {
  const returns = new Float64Array(Math.max(0, closes.length - 1))
  for (let t = 1; t < closes.length; t++) returns[t - 1] = Math.log(closes[t]!.close / closes[t - 1]!.close)
  return { dates: closes.slice(1).map((c) => c.date), returns }
}
