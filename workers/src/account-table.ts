// A columnar account table in one SharedArrayBuffer: one Float64Array column per collateral asset,
// per debt asset, and the health-factor output, at fixed offsets. The engine writes balances,
// workers read them in place: nothing is cloned when a scan starts.

/** The shape of an account table: how many accounts, and the asset of each column. */
export interface AccountTableLayout {
  readonly accounts: number
  readonly collateralAssets: readonly string[]
  readonly debtAssets: readonly string[]
}

const BYTES = Float64Array.BYTES_PER_ELEMENT

/** Columnar balances of many accounts, shared between the engine and the worker pool. */
export class AccountTable {
  private constructor(
    readonly buffer: SharedArrayBuffer,
    readonly layout: AccountTableLayout,
  ) {}

  /** A zeroed table for `layout`. */
  static create(layout: AccountTableLayout): AccountTable {
    if (!Number.isSafeInteger(layout.accounts) || layout.accounts < 0) {
      throw new RangeError(`accounts must be a non-negative integer, got ${layout.accounts}`)
    }
    const columns = layout.collateralAssets.length + layout.debtAssets.length + 1
    return new AccountTable(new SharedArrayBuffer(columns * layout.accounts * BYTES), layout)
  }

  /** The same table over a buffer received from another thread. */
  static attach(buffer: SharedArrayBuffer, layout: AccountTableLayout): AccountTable {
    const columns = layout.collateralAssets.length + layout.debtAssets.length + 1
    if (buffer.byteLength !== columns * layout.accounts * BYTES) {
      throw new RangeError(`buffer holds ${buffer.byteLength} bytes, layout needs ${columns * layout.accounts * BYTES}`)
    }
    return new AccountTable(buffer, layout)
  }

  private column(index: number, start = 0, end = this.layout.accounts): Float64Array {
    return new Float64Array(this.buffer, (index * this.layout.accounts + start) * BYTES, end - start)
  }

  /** Collateral amounts of asset `i` (by position in the layout) for accounts [start, end). */
  collateral(i: number, start?: number, end?: number): Float64Array {
    return this.column(i, start, end)
  }

  /** Debt amounts of asset `j` for accounts [start, end). */
  debt(j: number, start?: number, end?: number): Float64Array {
    return this.column(this.layout.collateralAssets.length + j, start, end)
  }

  /** The health-factor output column for accounts [start, end). */
  healthFactors(start?: number, end?: number): Float64Array {
    return this.column(this.layout.collateralAssets.length + this.layout.debtAssets.length, start, end)
  }

  /** Every collateral column, then every debt column, for accounts [start, end). */
  shard(start: number, end: number): { collateral: Float64Array[]; debt: Float64Array[] } {
    return {
      collateral: this.layout.collateralAssets.map((_, i) => this.collateral(i, start, end)),
      debt: this.layout.debtAssets.map((_, j) => this.debt(j, start, end)),
    }
  }
}

/** Splits [0, total) into at most `parts` contiguous ranges whose starts are multiples of `align`. */
export function splitRange(total: number, parts: number, align = 1): Array<[number, number]> {
  const units = Math.ceil(total / align)
  const per = Math.max(1, Math.ceil(units / Math.max(1, parts)))
  const ranges: Array<[number, number]> = []
  for (let u = 0; u < units; u += per) ranges.push([u * align, Math.min(total, (u + per) * align)])
  return ranges
}
