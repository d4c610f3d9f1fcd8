// The demo venue: one collateral unit (fUSD) and three synths, each with Fluxion's oracle pool
// and, for sETH, a constant-product pool beside it so the router has a choice.
import type { Command } from '../commands.js'
import type { MarketListing } from '../events.js'

export const QUOTE_UNIT = 'fUSD'
const WAD = 10n ** 18n

/** A listing with the demo's risk parameters. */
export function demoListing(market: string, base: string, options: { cpPool?: boolean; maxPositionBase: bigint; dustDebt: bigint }): MarketListing {
  const pools: MarketListing['pools'] = [{ id: `${market}-pmm`, params: { kind: 'pmm', k: WAD / 10n, lpFeeRate: WAD / 1000n, mtFeeRate: WAD / 10_000n } }]
  if (options.cpPool) pools.push({ id: `${market}-cp`, params: { kind: 'cp', feeBps: 30 } })
  return {
    market,
    base,
    quote: QUOTE_UNIT,
    collateral: { ltvBps: 5000, liquidationThresholdBps: 7000 },
    liquidationBonusBps: 500,
    maxPositionBase: options.maxPositionBase,
    dustDebt: options.dustDebt,
    baseFeeRate: WAD / 1000n, // 10 bps before volatility
    rewardRate: WAD / 10n, // 0.1 FLX per second per pool
    oracle: { maxAgeMs: 10_000, maxDeviationBps: 2_000 },
    pools,
  }
}

/** The commands that list the demo venue on an empty log. */
export function demoGenesis(): Command[] {
  return [
    { type: 'list-collateral', asset: QUOTE_UNIT, params: { ltvBps: 9000, liquidationThresholdBps: 9500 } },
    { type: 'list-market', listing: demoListing('sETH', 'sETH', { cpPool: true, maxPositionBase: 10_000n * WAD, dustDebt: WAD / 1000n }) },
    { type: 'list-market', listing: demoListing('sBTC', 'sBTC', { maxPositionBase: 500n * WAD, dustDebt: WAD / 100_000n }) },
    { type: 'list-market', listing: demoListing('sSPX', 'sSPX', { maxPositionBase: 5_000n * WAD, dustDebt: WAD / 1000n }) },
  ]
}
