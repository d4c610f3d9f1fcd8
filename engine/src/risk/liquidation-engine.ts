// Finds unsafe accounts after price moves and liquidates them. The worker pool scans a columnar
// copy of every indebted account in f64 (fast, approximate); each candidate then goes through the
// engine's exact `liquidate` command, which decides with integers and may refuse.
import type { LiquidationRules, ScanMarket } from '@fluxion/native'
import { AccountTable, type RiskPool } from '@fluxion/workers'
import { debtAccount } from '../accounts/accounts.js'
import type { Engine } from '../engine.js'

const WAD = 1e18

/** What one pass did. */
export interface LiquidationReport {
  /** Indebted accounts scanned. */
  scanned: number
  candidates: number
  liquidated: Array<{ account: string; market: string; repaid: bigint; collateralAsset: string; seized: bigint }>
  /** Candidates the exact check refused (e.g. healthy again, or nothing left to seize), by code. */
  refused: Record<string, number>
  scanMs: number
}

export interface LiquidationEngineOptions {
  /** The account that repays debt and receives collateral; it mints the synth it needs. */
  keeper: string
  rules?: LiquidationRules
}

const DEFAULT_RULES: LiquidationRules = { closeFactor: 0.5, fullCloseHealthFactor: 0.95, smallPositionValue: 0, minLeftoverValue: 0 }

export class LiquidationEngine {
  private table?: AccountTable
  private readonly rows = new Map<string, number>()
  private readonly accounts: string[] = []

  constructor(
    private readonly engine: Engine,
    private readonly pool: RiskPool,
    private readonly options: LiquidationEngineOptions,
  ) {}

  /** Scans every indebted account and liquidates those the exact check confirms. */
  async run(): Promise<LiquidationReport> {
    const report: LiquidationReport = { scanned: 0, candidates: 0, liquidated: [], refused: {}, scanMs: 0 }
    const layout = this.layout()
    if (layout.debtAssets.length === 0) return report
    this.refresh(layout)
    if (this.accounts.length === 0) return report
    const st = this.engine.state
    const market: ScanMarket = {
      collateralPrices: Float64Array.from(layout.collateralAssets, (a) => Number(st.price(a)) / WAD),
      liquidationThresholds: Float64Array.from(layout.collateralAssets, (a) => (st.collateral.get(a)?.liquidationThresholdBps ?? 0) / 10_000),
      debtPrices: Float64Array.from(layout.debtAssets, (a) => Number(st.price(a)) / WAD),
    }
    const bonuses = Float64Array.from(layout.collateralAssets, (a) => 1 + (st.marketOfAsset.get(a)?.listing.liquidationBonusBps ?? 500) / 10_000)
    const started = performance.now()
    const found = await this.pool.liquidationScan(this.table!, market, bonuses, this.options.rules ?? DEFAULT_RULES)
    report.scanMs = performance.now() - started
    report.scanned = this.accounts.length
    report.candidates = found.account.length
    for (let i = 0; i < found.account.length; i++) {
      const account = this.accounts[found.account[i]!]
      if (account === undefined) continue // a row past the accounts (table padding)
      const synth = layout.debtAssets[found.debtAsset[i]!]!
      const collateralAsset = layout.collateralAssets[found.collateralAsset[i]!]!
      const m = st.marketOfAsset.get(synth)!
      // Ask for the whole debt: the exact check caps it at what the close factor allows.
      const debt = -st.ledger.balance(debtAccount(account), synth)
      try {
        await this.stock(m.symbol, synth, debt)
        const { events } = await this.engine.submit({ type: 'liquidate', liquidator: this.options.keeper, account, market: m.symbol, collateralAsset, amount: debt })
        for (const e of events) {
          const ev = e.event
          if (ev.type === 'liquidation') report.liquidated.push({ account, market: m.symbol, repaid: ev.repaid, collateralAsset, seized: ev.seized })
        }
      } catch (err) {
        const code = String((err as { code?: unknown }).code ?? 'INTERNAL')
        if (code === 'ENGINE_HALTED') throw err
        report.refused[code] = (report.refused[code] ?? 0) + 1
      }
    }
    return report
  }

  // The keeper mints what it lacks of the synth it repays with (it is an account like any other).
  private async stock(market: string, synth: string, needed: bigint): Promise<void> {
    const keeper = this.options.keeper
    const held = this.engine.state.ledger.balance(keeper, synth)
    if (held < needed) await this.engine.submit({ type: 'mint', account: keeper, market, amount: needed - held })
  }

  // Every collateral asset (the quote unit and each synth) and every synth as a debt asset.
  private layout(): { collateralAssets: string[]; debtAssets: string[] } {
    const st = this.engine.state
    return { collateralAssets: [...st.collateral.keys()], debtAssets: [...st.marketOfAsset.keys()] }
  }

  // Brings the table up to date with the accounts the engine touched since the last pass.
  private refresh(layout: { collateralAssets: string[]; debtAssets: string[] }): void {
    const st = this.engine.state
    const stale = this.table && (this.table.layout.collateralAssets.length !== layout.collateralAssets.length || this.table.layout.debtAssets.length !== layout.debtAssets.length)
    const touched = stale ? [...this.rows.keys(), ...st.touched] : [...st.touched]
    st.touched.clear()
    for (const account of touched) {
      if (!this.rows.has(account) && st.ledger.holdings(debtAccount(account)).size > 0) {
        this.rows.set(account, this.accounts.length)
        this.accounts.push(account)
      }
    }
    if (!this.table || stale || this.table.layout.accounts < this.accounts.length) {
      const capacity = Math.max(1024, 2 ** Math.ceil(Math.log2(this.accounts.length + 1)))
      this.table = AccountTable.create({ ...layout, accounts: capacity })
      touched.splice(0, touched.length, ...this.accounts) // a new table: write every row
    }
    const table = this.table
    for (const account of touched) {
      const row = this.rows.get(account)
      if (row === undefined) continue
      const p = st.position(account)
      layout.collateralAssets.forEach((a, i) => (table.collateral(i)[row] = Number(p.holdings.get(a) ?? 0n) / WAD))
      layout.debtAssets.forEach((a, j) => (table.debt(j)[row] = Number(p.debts.get(a) ?? 0n) / WAD))
    }
  }
}
