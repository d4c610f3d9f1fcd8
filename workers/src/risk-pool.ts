// The risk worker pool: scans and Monte Carlo split across Piscina workers over shared tables,
// with results merged exactly. Callers see one call per scan and never how work is split.
import { availableParallelism } from 'node:os'
import { randomUUID } from 'node:crypto'
import { Piscina } from 'piscina'
import { MONTE_CARLO_BLOCK_PATHS, varEsFromTails, tailCount } from '@fluxion/native'
import type { LiquidationCandidates, LiquidationRules, ScanMarket, StressOutcomes, VarEs } from '@fluxion/native'
import { AccountTable, splitRange } from './account-table.js'
import type { ClaimTask, MonteCarloSpec, ShardTask } from './tasks.js'

/** Accounts per claim in a health scan: 64 Ki accounts, a few hundred microseconds of work. */
export const HEALTH_SCAN_CHUNK = 65_536

export interface RiskPoolOptions {
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number
}

/** A pool of worker threads that run risk and liquidation scans and Monte Carlo shards. */
export class RiskPool {
  private readonly pool: Piscina
  readonly threads: number

  constructor(options: RiskPoolOptions = {}) {
    this.threads = options.threads ?? availableParallelism()
    this.pool = new Piscina({
      filename: new URL('./tasks.worker.mjs', import.meta.url).href,
      minThreads: this.threads,
      maxThreads: this.threads,
    })
  }

  private shards(table: AccountTable, market: ScanMarket): ShardTask[] {
    const { buffer, layout } = table
    return splitRange(layout.accounts, this.threads).map(([start, end]) => ({ buffer, layout, market, start, end }))
  }

  /**
   * Fills the table's health-factor column (Aave HF per account) and returns it. The workers
   * claim chunks of accounts from a shared cursor until none is left, so a worker whose core is
   * busy with something else holds up no fixed share of the table.
   */
  async healthScan(table: AccountTable, market: ScanMarket, options: { chunk?: number } = {}): Promise<Float64Array> {
    const chunk = options.chunk ?? HEALTH_SCAN_CHUNK
    if (!Number.isSafeInteger(chunk) || chunk < 1) throw new RangeError(`chunk must be a positive integer, got ${chunk}`)
    const { buffer, layout } = table
    const task: ClaimTask = { buffer, layout, market, chunk, nextChunk: new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) }
    const workers = Math.max(1, Math.min(this.threads, Math.ceil(layout.accounts / chunk)))
    await Promise.all(Array.from({ length: workers }, () => this.pool.run(task, { name: 'healthScanClaim' })))
    return table.healthFactors()
  }

  /** Every account with HF < 1 and the largest liquidation the rules allow, in account order. */
  async liquidationScan(table: AccountTable, market: ScanMarket, bonuses: Float64Array, rules: LiquidationRules): Promise<LiquidationCandidates> {
    const parts: LiquidationCandidates[] = await Promise.all(
      this.shards(table, market).map((t) => this.pool.run({ ...t, bonuses, rules }, { name: 'liquidationScan' })),
    )
    const cat = <T extends Float64Array | Uint32Array>(pick: (p: LiquidationCandidates) => T, make: new (n: number) => T): T => {
      const out = new make(parts.reduce((n, p) => n + pick(p).length, 0))
      let offset = 0
      for (const p of parts) {
        out.set(pick(p) as never, offset)
        offset += pick(p).length
      }
      return out
    }
    return {
      account: cat((p) => p.account, Uint32Array),
      healthFactor: cat((p) => p.healthFactor, Float64Array),
      debtAsset: cat((p) => p.debtAsset, Uint32Array),
      collateralAsset: cat((p) => p.collateralAsset, Uint32Array),
      debtToCover: cat((p) => p.debtToCover, Float64Array),
      collateralToSeize: cat((p) => p.collateralToSeize, Float64Array),
      bonusValue: cat((p) => p.bonusValue, Float64Array),
    }
  }

  /** Stress outcomes per scenario (`shocks`: scenarios × assets, collateral first), summed over shards. */
  async stressScan(table: AccountTable, market: ScanMarket, shocks: Float64Array): Promise<StressOutcomes> {
    const parts: StressOutcomes[] = await Promise.all(
      this.shards(table, market).map((t) => this.pool.run({ ...t, shocks }, { name: 'stressShard' })),
    )
    const sum = (pick: (o: StressOutcomes) => Float64Array): Float64Array => {
      const out = new Float64Array(pick(parts[0]!).length)
      for (const p of parts) pick(p).forEach((v, i) => (out[i]! += v))
      return out
    }
    // Counts are integers below 2^53, so their sums are exact whatever the split.
    return { unsafeAccounts: sum((o) => o.unsafeAccounts), insolventAccounts: sum((o) => o.insolventAccounts), shortfall: sum((o) => o.shortfall) }
  }

  /**
   * Monte Carlo VaR and ES over `paths` paths run across the workers. By default each worker
   * takes generator blocks from a shared cursor until the run is done, so a worker on a faster
   * (or less busy) core does more of it and none waits for a fixed share of a slower one; with
   * `shards`, the paths are cut into that many fixed ranges on block boundaries instead. Either
   * way each task returns its k largest losses, and the merged tails give exactly the answer of
   * a single-threaded run with the same seed, whatever the number of workers or shards.
   */
  async monteCarloVar(spec: MonteCarloSpec, run: { paths: number; confidence: number; seed: number; shards?: number }): Promise<VarEs> {
    const k = tailCount(run.paths, run.confidence)
    const key = randomUUID()
    let tails: Float64Array[]
    if (run.shards === undefined) {
      const nextBlock = new Uint32Array(new SharedArrayBuffer(Uint32Array.BYTES_PER_ELEMENT))
      const task = { key, spec, seed: run.seed, paths: run.paths, k, nextBlock }
      const workers = Math.max(1, Math.min(this.threads, Math.ceil(run.paths / MONTE_CARLO_BLOCK_PATHS)))
      tails = await Promise.all(Array.from({ length: workers }, () => this.pool.run(task, { name: 'monteCarloClaim' })))
    } else {
      tails = await Promise.all(
        splitRange(run.paths, run.shards, MONTE_CARLO_BLOCK_PATHS).map(([first, end]) =>
          this.pool.run({ key, spec, seed: run.seed, firstPath: first, paths: end - first, k }, { name: 'monteCarloTail' }),
        ),
      )
    }
    return varEsFromTails(tails, run.paths, run.confidence)
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.pool.destroy()
  }
}
