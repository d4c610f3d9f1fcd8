// A seeded simulated price for load and demos: geometric Brownian motion whose volatility
// switches between a calm and a stressed regime (a two-state Markov chain), plus Poisson jumps.
// The path is a pure function of the seed and the step index, so runs are reproducible.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import { priceFromNumber } from './price.js'
import type { OracleFeed, PriceUpdate } from './feed.js'

const MS_PER_YEAR = 365 * 24 * 3600 * 1000

export interface StochasticFeedOptions {
  symbol: string
  seed: number
  initialPrice: number
  /** Engine time of step 0, and milliseconds between published prices. */
  start: number
  intervalMs: number
  /** Simulated time per engine time: 86,400 makes one engine second a simulated day. */
  timeScale: number
  /** Annualised volatility in each regime. */
  calmVolatility: number
  stressedVolatility: number
  /** Per-step probabilities of entering and of leaving the stressed regime. */
  stressEntry: number
  stressExit: number
  /** Expected jumps per simulated year, and the mean and spread of a jump's log size. */
  jumpsPerYear: number
  jumpMean: number
  jumpStdDev: number
}

/** Sensible defaults: 60 % / 150 % volatility, rare stress, a few jumps a year, a day per second. */
export const DEFAULT_STOCHASTIC: Omit<StochasticFeedOptions, 'symbol' | 'seed' | 'initialPrice' | 'start'> = {
  intervalMs: 250,
  timeScale: 86_400,
  calmVolatility: 0.6,
  stressedVolatility: 1.5,
  stressEntry: 0.002,
  stressExit: 0.02,
  jumpsPerYear: 6,
  jumpMean: -0.02,
  jumpStdDev: 0.05,
}

/** A feed publishing a simulated price every `intervalMs`. */
export class StochasticFeed implements OracleFeed {
  readonly symbol: string
  private readonly rng
  private step = -1
  private logPrice: number
  private stressed = false

  constructor(private readonly options: StochasticFeedOptions) {
    if (!(options.initialPrice > 0 && options.intervalMs > 0 && options.timeScale > 0)) {
      throw new RangeError('initialPrice, intervalMs and timeScale must be positive')
    }
    this.symbol = options.symbol
    this.rng = xoroshiro128plus(options.seed)
    this.logPrice = Math.log(options.initialPrice)
  }

  /** Whether the simulation is in its stressed regime (for status lines and tests). */
  get inStress(): boolean {
    return this.stressed
  }

  private uniform(): number {
    return uniformFloat64(this.rng)
  }

  private normal(): number {
    // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
    return Math.sqrt(-2 * Math.log(1 - this.uniform())) * Math.cos(2 * Math.PI * this.uniform())
  }

  private advance(): void {
    const o = this.options
    const dt = (o.intervalMs * o.timeScale) / MS_PER_YEAR
    this.stressed = this.stressed ? this.uniform() >= o.stressExit : this.uniform() < o.stressEntry
    const sigma = this.stressed ? o.stressedVolatility : o.calmVolatility
    let r = -0.5 * sigma * sigma * dt + sigma * Math.sqrt(dt) * this.normal()
    if (this.uniform() < o.jumpsPerYear * dt) r += o.jumpMean + o.jumpStdDev * this.normal()
    this.logPrice += r
  }

  poll(now: number): PriceUpdate[] {
    const { start, intervalMs } = this.options
    if (now < start) return []
    const last = Math.floor((now - start) / intervalMs)
    const updates: PriceUpdate[] = []
    for (let i = this.step + 1; i <= last; i++) {
      if (i > 0) this.advance()
      // Only the newest few of a long backlog are published; the path still advances through all.
      if (last - i < 64) {
        updates.push({ symbol: this.symbol, price: priceFromNumber(Math.exp(this.logPrice)), publishedAt: start + i * intervalMs, source: `sim:${this.options.seed}` })
      }
    }
    this.step = Math.max(this.step, last)
    return updates
  }
}
