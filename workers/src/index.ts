// Fluxion's worker pool: parallel risk and liquidation scans and Monte Carlo shards.
export { AccountTable, splitRange, type AccountTableLayout } from './account-table.js'
export { RiskPool, type RiskPoolOptions } from './risk-pool.js'
export type { MonteCarloSpec } from './tasks.js'
