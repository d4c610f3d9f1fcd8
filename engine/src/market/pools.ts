// A market's pools behind one shape, so the router and the state machine treat Fluxion's oracle
// pool and a constant-product pool alike. Every quote and swap is the native core's exact integer
// maths; the pool objects hold reserves in native memory and the ledger mirrors them.
import { ConstantProductPool, OraclePool } from '@fluxion/native'

/** What a swap paid out and charged. */
export interface PoolFill {
  /** Paid to the trader, after fees. */
  amountOut: bigint
  /** Fee kept by the pool for its liquidity providers: in the output asset, or in the input
   *  asset when `feeOnInput` (constant product charges the input). */
  lpFee: bigint
  feeOnInput: boolean
  /** Fee paid out of the pool to the market's fee account (in the output asset). */
  protocolFee: bigint
}

/** Serialisable state of a pool: enough to rebuild it exactly. */
export type PoolState =
  | { kind: 'pmm'; i: bigint; k: bigint; base: bigint; quote: bigint; baseTarget: bigint; quoteTarget: bigint; r: number; lpFeeRate: bigint; mtFeeRate: bigint }
  | { kind: 'cp'; base: bigint; quote: bigint; feeBps: number }

/** Parameters a pool is listed with. */
export type PoolParams =
  | { kind: 'pmm'; k: bigint; lpFeeRate: bigint; mtFeeRate: bigint }
  | { kind: 'cp'; feeBps: number }

/** One pool of a market: base is the synth, quote the collateral unit. */
export interface MarketPool {
  readonly id: string
  readonly kind: PoolParams['kind']
  /** Reserves as the pool holds them. */
  reserves(): { base: bigint; quote: bigint }
  /** Whether the pool can quote at all (it has liquidity, and a price when it needs one). */
  ready(): boolean
  /** Output for selling `amountIn` (base when `sellBase`); the pool is unchanged. */
  quote(amountIn: bigint, sellBase: boolean): bigint
  /** The fill `swap` would make, fees included; the pool is unchanged. */
  quoteFill(amountIn: bigint, sellBase: boolean): PoolFill
  /** Sells `amountIn`; throws SLIPPAGE_EXCEEDED below `minOut` and then nothing changes. */
  swap(amountIn: bigint, sellBase: boolean, minOut: bigint): PoolFill
  /** A new oracle price and LP fee rate (pools that ignore the oracle keep their own). */
  reprice(price: bigint, lpFeeRate: bigint): void
  /** New reserves after liquidity was added or removed (targets reset to them). */
  setReserves(base: bigint, quote: bigint): void
  /** Marginal price, quote per base (1e18), or 0 when the pool cannot quote. */
  midPrice(): bigint
  state(): PoolState
}

const WAD = 10n ** 18n

/** Fluxion's hybrid pool: DODO's PMM anchored at the market's oracle price. */
export class OracleMarketPool implements MarketPool {
  readonly kind = 'pmm'
  private pool?: OraclePool
  private price = 0n
  private base = 0n
  private quoteReserve = 0n
  /** The last `quoteFill`, which the native pool remembers too: a `swap` of exactly that sale
   *  settles it natively without recomputing and without sending the amounts back. Cleared on
   *  every change to the pool, so it always describes the pool as it is. */
  private lastFill?: { amountIn: bigint; sellBase: boolean; fill: PoolFill }

  constructor(
    readonly id: string,
    private k: bigint,
    private lpFeeRate: bigint,
    private readonly mtFeeRate: bigint,
  ) {}

  static fromState(id: string, s: Extract<PoolState, { kind: 'pmm' }>): OracleMarketPool {
    const p = new OracleMarketPool(id, s.k, s.lpFeeRate, s.mtFeeRate)
    p.price = s.i
    p.base = s.base
    p.quoteReserve = s.quote
    if (p.price > 0n && p.base > 0n && p.quoteReserve > 0n) {
      p.pool = OraclePool.fromState(p.price, p.k, p.base, p.quoteReserve, s.baseTarget, s.quoteTarget, s.r, p.lpFeeRate, p.mtFeeRate)
    }
    return p
  }

  reserves() {
    return { base: this.base, quote: this.quoteReserve }
  }

  ready(): boolean {
    return this.pool !== undefined
  }

  private live(): OraclePool {
    if (!this.pool) throw new Error(`${this.id} has no price or no liquidity`)
    return this.pool
  }

  quote(amountIn: bigint, sellBase: boolean): bigint {
    const pool = this.live()
    return sellBase ? pool.quoteSellBase(amountIn) : pool.quoteSellQuote(amountIn)
  }

  quoteFill(amountIn: bigint, sellBase: boolean): PoolFill {
    const pool = this.live()
    this.lastFill = undefined
    const [amountOut, lpFee, protocolFee] = pool.quoteFill(amountIn, sellBase)
    const fill: PoolFill = { amountOut, lpFee, feeOnInput: false, protocolFee }
    this.lastFill = { amountIn, sellBase, fill }
    return { ...fill }
  }

  swap(amountIn: bigint, sellBase: boolean, minOut: bigint): PoolFill {
    const pool = this.live()
    const last = this.lastFill
    this.lastFill = undefined
    let fill: PoolFill
    // The order path quotes a fill and then applies it: the native pool settles the quote it
    // remembers when it is of this very sale on its unchanged state (sellQuoted says so), and the
    // fill is the one already held. Otherwise (replay, a stale quote) the swap computes it.
    if (last && last.amountIn === amountIn && last.sellBase === sellBase && pool.sellQuoted(amountIn, sellBase, minOut)) {
      fill = last.fill
    } else {
      const q = sellBase ? pool.sellBase(amountIn, minOut) : pool.sellQuote(amountIn, minOut)
      fill = { amountOut: q.receive, lpFee: q.lpFee, feeOnInput: false, protocolFee: q.mtFee }
    }
    // The DPP takes the input in and pays the trader and the maintainer out of the other side
    // (tests check these against the native reserves; reading them back costs two calls).
    const paidOut = fill.amountOut + fill.protocolFee
    if (sellBase) {
      this.base += amountIn
      this.quoteReserve -= paidOut
    } else {
      this.quoteReserve += amountIn
      this.base -= paidOut
    }
    return fill
  }

  reprice(price: bigint, lpFeeRate: bigint): void {
    this.price = price
    this.lpFeeRate = lpFeeRate
    this.rebuild()
  }

  /** New slippage parameter k (1e18 = constant product). */
  setK(k: bigint): void {
    this.k = k
    this.rebuild()
  }

  setReserves(base: bigint, quote: bigint): void {
    this.base = base
    this.quoteReserve = quote
    this.rebuild()
  }

  // A DPP reset: targets equal to the reserves, R = ONE.
  private rebuild(): void {
    this.lastFill = undefined
    this.pool =
      this.price > 0n && this.base > 0n && this.quoteReserve > 0n
        ? new OraclePool(this.price, this.k, this.base, this.quoteReserve, this.lpFeeRate, this.mtFeeRate)
        : undefined
  }

  midPrice(): bigint {
    return this.pool ? this.pool.midPrice() : 0n
  }

  state(): PoolState {
    const p = this.pool
    return {
      kind: 'pmm',
      i: this.price,
      k: this.k,
      base: this.base,
      quote: this.quoteReserve,
      baseTarget: p ? p.baseTarget : this.base,
      quoteTarget: p ? p.quoteTarget : this.quoteReserve,
      r: p ? p.rState : 0,
      lpFeeRate: this.lpFeeRate,
      mtFeeRate: this.mtFeeRate,
    }
  }
}

/** A Uniswap v2 constant-product pool: token0 is the base, token1 the quote. */
export class ConstantProductMarketPool implements MarketPool {
  readonly kind = 'cp'
  private pool?: ConstantProductPool

  constructor(
    readonly id: string,
    private readonly feeBps: number,
  ) {}

  static fromState(id: string, s: Extract<PoolState, { kind: 'cp' }>): ConstantProductMarketPool {
    const p = new ConstantProductMarketPool(id, s.feeBps)
    p.setReserves(s.base, s.quote)
    return p
  }

  reserves() {
    return this.pool ? { base: this.pool.reserve0, quote: this.pool.reserve1 } : { base: 0n, quote: 0n }
  }

  ready(): boolean {
    return this.pool !== undefined
  }

  private live(): ConstantProductPool {
    if (!this.pool) throw new Error(`${this.id} has no liquidity`)
    return this.pool
  }

  quote(amountIn: bigint, sellBase: boolean): bigint {
    return this.live().quoteExactIn(amountIn, sellBase)
  }

  quoteFill(amountIn: bigint, sellBase: boolean): PoolFill {
    return this.fill(amountIn, this.quote(amountIn, sellBase))
  }

  swap(amountIn: bigint, sellBase: boolean, minOut: bigint): PoolFill {
    return this.fill(amountIn, this.live().swapExactIn(amountIn, sellBase, minOut))
  }

  // The v2 fee stays in the reserves: the fee share of the input, rounded down.
  private fill(amountIn: bigint, amountOut: bigint): PoolFill {
    return { amountOut, lpFee: (amountIn * BigInt(this.feeBps)) / 10_000n, feeOnInput: true, protocolFee: 0n }
  }

  reprice(): void {}

  setReserves(base: bigint, quote: bigint): void {
    this.pool = base > 0n && quote > 0n ? new ConstantProductPool(base, quote, this.feeBps) : undefined
  }

  midPrice(): bigint {
    const r = this.reserves()
    return r.base > 0n ? (r.quote * WAD) / r.base : 0n
  }

  state(): PoolState {
    const r = this.reserves()
    return { kind: 'cp', base: r.base, quote: r.quote, feeBps: this.feeBps }
  }
}

/** A pool from its listing parameters (empty until liquidity arrives). */
export function createPool(id: string, params: PoolParams): MarketPool {
  return params.kind === 'pmm' ? new OracleMarketPool(id, params.k, params.lpFeeRate, params.mtFeeRate) : new ConstantProductMarketPool(id, params.feeBps)
}

/** A pool rebuilt from its serialised state. */
export function restorePool(id: string, state: PoolState): MarketPool {
  return state.kind === 'pmm' ? OracleMarketPool.fromState(id, state) : ConstantProductMarketPool.fromState(id, state)
}
