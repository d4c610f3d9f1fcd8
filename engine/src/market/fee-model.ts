// Dynamic fees: the engine estimates each market's volatility from its oracle prices and asks a
// pluggable fee model for the LP fee rate. Both are decided once, when the price arrives, and
// recorded in the price event, so a replay never recomputes floating-point maths.

/** What a fee model sees when a market's price moves. */
export interface FeeInput {
  market: string
  /** Annualised volatility estimate (0.8 = 80 %). */
  volatility: number
  /** The market's configured base LP fee rate (1e18 = 100 %). */
  baseFeeRate: bigint
}

/** Maps market conditions to an LP fee rate (1e18 = 100 %). A learned model can implement it. */
export interface FeeModel {
  lpFeeRate(input: FeeInput): bigint
}

const WAD = 10n ** 18n
const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000

/** Fee = base + slope · volatility, clamped to [min, max]: wider when prices move fast. */
export class VolatilityFeeModel implements FeeModel {
  constructor(
    private readonly options: { slope: number; minFeeRate: bigint; maxFeeRate: bigint } = {
      slope: 0.002, // +20 bps per 100 % annualised volatility
      minFeeRate: WAD / 10_000n, // 1 bp
      maxFeeRate: WAD / 100n, // 1 %
    },
  ) {}

  lpFeeRate({ volatility, baseFeeRate }: FeeInput): bigint {
    const extra = Number.isFinite(volatility) && volatility > 0 ? BigInt(Math.round(volatility * this.options.slope * 1e18)) : 0n
    const fee = baseFeeRate + extra
    return fee < this.options.minFeeRate ? this.options.minFeeRate : fee > this.options.maxFeeRate ? this.options.maxFeeRate : fee
  }
}

/** RiskMetrics-style EWMA of squared log returns per unit time, for irregularly spaced prices. */
export function nextVariancePerMs(previous: number, lastPrice: bigint, price: bigint, elapsedMs: number, lambda = 0.94): number {
  if (lastPrice <= 0n || price <= 0n || !(elapsedMs > 0)) return previous
  const r = Math.log(Number(price) / Number(lastPrice))
  const sample = (r * r) / elapsedMs
  return previous === 0 ? sample : lambda * previous + (1 - lambda) * sample
}

/** Annualised volatility from a variance per millisecond. */
export function annualisedVolatility(variancePerMs: number): number {
  return Math.sqrt(variancePerMs * MS_PER_YEAR)
}
