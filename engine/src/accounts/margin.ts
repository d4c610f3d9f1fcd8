// Exact account health. Values stay as integer numerators (amount · price · weight in bps) so
// comparisons never round: an account is healthy when its weighted collateral is at least its
// debt. The worker pool's f64 scans find candidates fast; these checks decide.

/** Risk parameters of an asset held as collateral. */
export interface CollateralParams {
  /** Share of the value that can back new debt or trades (initial margin), in bps. */
  ltvBps: number
  /** Share of the value counted before liquidation (maintenance margin), in bps; ≥ ltvBps. */
  liquidationThresholdBps: number
}

/** What an account holds and owes, by asset. */
export interface AccountPosition {
  holdings: ReadonlyMap<string, bigint>
  debts: ReadonlyMap<string, bigint>
}

/** Collateral and debt as comparable numerators (1e18 price · 1e4 bps scale). */
export interface Health {
  weightedCollateral: bigint
  debt: bigint
}

const BPS = 10_000n

/** Weighted collateral against debt, with the initial (`ltv`) or maintenance (`liquidation`) weights.
 *  `price(asset)` is a WAD price; assets without parameters carry no weight. */
export function accountHealth(
  position: AccountPosition,
  price: (asset: string) => bigint,
  params: (asset: string) => CollateralParams | undefined,
  weights: 'ltv' | 'liquidation',
): Health {
  let weightedCollateral = 0n
  for (const [asset, amount] of position.holdings) {
    const p = params(asset)
    if (!p || amount <= 0n) continue
    weightedCollateral += amount * price(asset) * BigInt(weights === 'ltv' ? p.ltvBps : p.liquidationThresholdBps)
  }
  let debt = 0n
  for (const [asset, amount] of position.debts) if (amount > 0n) debt += amount * price(asset) * BPS
  return { weightedCollateral, debt }
}

/** Health ≥ 1 (no debt counts as healthy). */
export function isHealthy(h: Health): boolean {
  return h.weightedCollateral >= h.debt
}

/** Whether `after` is at least as healthy as `before`: the trade reduces (or keeps) the risk. */
export function healthNotWorse(before: Health, after: Health): boolean {
  // after.c / after.d ≥ before.c / before.d, cross-multiplied; no debt is infinitely healthy.
  if (after.debt === 0n) return true
  if (before.debt === 0n) return false
  return after.weightedCollateral * before.debt >= before.weightedCollateral * after.debt
}

/** Health factor ≤ numerator/denominator (e.g. 95/100), exactly. */
export function healthAtMost(h: Health, numerator: bigint, denominator: bigint): boolean {
  return h.debt > 0n && h.weightedCollateral * denominator <= h.debt * numerator
}

/** The health factor as a float, for reports (Infinity without debt). */
export function healthFactor(h: Health): number {
  if (h.debt === 0n) return Infinity
  const scale = 1_000_000n
  return Number((h.weightedCollateral * scale) / h.debt) / Number(scale)
}
