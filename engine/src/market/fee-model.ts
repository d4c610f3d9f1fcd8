// Dynamic fees: the engine estimates each market's volatility from its oracle prices and asks a
// pluggable fee model for the LP fee rate. Both are decided once, when the price arrives, and
// recorded in the price event, so a replay never recomputes floating-point maths.

/** What a fee model sees when a market's price moves. */
export interface FeeInput {
  market: string
  /** Volatility per oracle update: the EWMA standard deviation of log returns between prices
   *  (a per-update measure, like Trader Joe's volatility accumulator, so replays compressed in
   *  time price the same as real time). */
  volatility: number
  /** The market's configured base LP fee rate (1e18 = 100 %). */
  baseFeeRate: bigint
}

/** Maps market conditions to an LP fee rate (1e18 = 100 %). A learned model can implement it. */
export interface FeeModel {
  lpFeeRate(input: FeeInput): bigint
}

const WAD = 10n ** 18n

/** Fee = base + slope · volatility, clamped to [min, max]: wider when prices move fast. */
export class VolatilityFeeModel implements FeeModel {
  constructor(
    private readonly options: { slope: number; minFeeRate: bigint; maxFeeRate: bigint } = {
      slope: 0.1, // +10 bps for a 1 % standard deviation per update
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

/** RiskMetrics EWMA of squared log returns between consecutive oracle prices. */
export function nextVariance(previous: number, lastPrice: bigint, price: bigint, lambda = 0.94): number {
  if (lastPrice <= 0n || price <= 0n) return previous
  const r = Math.log(Number(price) / Number(lastPrice))
  return previous === 0 ? r * r : lambda * previous + (1 - lambda) * r * r
}
