// Worker-side tasks run by Piscina. Each reads its shard of a shared table (or the chunks it
// claims) in place and calls the native core; results travel back as typed arrays (transferred,
// not cloned).
import { healthFactors, liquidationCandidates, stressScan, MonteCarloModel } from '@fluxion/native'
import type { LiquidationCandidates, LiquidationRules, ScanMarket, StressOutcomes } from '@fluxion/native'
import { move } from 'piscina'
import { AccountTable, type AccountTableLayout } from './account-table.js'

/** What every account task receives: the shared table and the shard to scan. */
export interface ShardTask {
  buffer: SharedArrayBuffer
  layout: AccountTableLayout
  market: ScanMarket
  start: number
  end: number
}

/** What a claiming account task receives: the shared table, the chunk size and the run's cursor. */
export interface ClaimTask {
  buffer: SharedArrayBuffer
  layout: AccountTableLayout
  market: ScanMarket
  /** Accounts per claim. */
  chunk: number
  /** The index of the next unclaimed chunk: one Int32 in a SharedArrayBuffer, 0 at the start. */
  nextChunk: Int32Array
}

/** Fills the health-factor column of every chunk this worker claims; returns the accounts done. */
export function healthScanClaim(task: ClaimTask): number {
  const table = AccountTable.attach(task.buffer, task.layout)
  const { accounts } = task.layout
  let done = 0
  for (let start = Atomics.add(task.nextChunk, 0, 1) * task.chunk; start < accounts; start = Atomics.add(task.nextChunk, 0, 1) * task.chunk) {
    const end = Math.min(accounts, start + task.chunk)
    const { collateral, debt } = table.shard(start, end)
    healthFactors(collateral, debt, task.market, table.healthFactors(start, end))
    done += end - start
  }
  return done
}

/** Liquidation candidates among accounts [start, end), with table-wide account indices. */
export function liquidationScan(task: ShardTask & { bonuses: Float64Array; rules: LiquidationRules }): LiquidationCandidates {
  const { collateral, debt } = AccountTable.attach(task.buffer, task.layout).shard(task.start, task.end)
  return liquidationCandidates(collateral, debt, task.market, task.bonuses, task.rules, task.start)
}

/** Stress outcomes of accounts [start, end) under every scenario. */
export function stressShard(task: ShardTask & { shocks: Float64Array }): StressOutcomes {
  const { collateral, debt } = AccountTable.attach(task.buffer, task.layout).shard(task.start, task.end)
  return stressScan(collateral, debt, task.market, task.shocks)
}

/** A portfolio model for Monte Carlo, as plain data that crosses threads. */
export interface MonteCarloSpec {
  exposures: Float64Array
  mean: Float64Array
  covariance: Float64Array
  revaluation?: 'linear' | 'exponential'
}

// Models are cached per worker under the run's key, so the tasks of one run factor the
// covariance once per worker rather than once per task.
const models = new Map<string, MonteCarloModel>()

function model(task: { key: string; spec: MonteCarloSpec }): MonteCarloModel {
  let found = models.get(task.key)
  if (!found) {
    const { exposures, mean, covariance, revaluation } = task.spec
    found = new MonteCarloModel(exposures, mean, covariance, revaluation)
    if (models.size > 16) models.clear()
    models.set(task.key, found)
  }
  return found
}

/** The k largest losses of paths [firstPath, firstPath + paths). */
export function monteCarloTail(task: { key: string; spec: MonteCarloSpec; seed: number; firstPath: number; paths: number; k: number }): Float64Array {
  return move(model(task).shardTail(task.seed, task.firstPath, task.paths, task.k)) as Float64Array
}

/**
 * The k largest losses of the generator blocks this worker claims from a run of `paths` paths,
 * through the run's shared cursor `nextBlock` (one Uint32 in a SharedArrayBuffer).
 */
export function monteCarloClaim(task: { key: string; spec: MonteCarloSpec; seed: number; paths: number; k: number; nextBlock: Uint32Array }): Float64Array {
  return move(model(task).claimTail(task.seed, task.paths, task.k, task.nextBlock)) as Float64Array
}
