// The demo's oracle feeds: real history replayed fast (S&P 500 and BTC daily closes shipped in
// npm packages, one day per second) and a seeded simulation for sETH.
import type { OracleFeed } from '../oracle/feed.js'
import { bitcoinDaily, sp500Daily } from '../oracle/history.js'
import { ReplayFeed } from '../oracle/replay-feed.js'
import { DEFAULT_STOCHASTIC, StochasticFeed } from '../oracle/stochastic-feed.js'

/** One feed per demo market, starting at engine time `start`. */
export function demoFeeds(start: number, seed: number, msPerDay = 1000): OracleFeed[] {
  return [
    new ReplayFeed({ symbol: 'sSPX', history: sp500Daily(), sourceName: 'vega-datasets sp500-2000.csv', start, msPerDay, loop: true }),
    new ReplayFeed({ symbol: 'sBTC', history: bitcoinDaily(), sourceName: '@visx/mock-data bitcoinPrice', start, msPerDay, loop: true }),
    new StochasticFeed({ ...DEFAULT_STOCHASTIC, symbol: 'sETH', seed, initialPrice: 2000, start }),
  ]
}
