// The engine's state and the one function that changes it: `apply(event)`. Commands are decided
// elsewhere (engine.ts) from read-only views of this state; replaying the log through `apply`
// rebuilds it exactly, and `hash()` proves it.
import { createHash } from 'node:crypto'
import {
  ISSUER, REWARD_ASSET, WORLD, debtAccount, escrowAccount, feeAccount, isExternalAccount, lpAsset, poolAccount,
} from './accounts/accounts.js'
import type { AccountPosition, CollateralParams } from './accounts/margin.js'
import { EngineError } from './errors.js'
import { toJson, type EngineEvent, type RestingOrder, type SequencedEvent } from './events.js'
import { Ledger, type Posting } from './ledger/ledger.js'
import { Market, type PoolRewards } from './market/market.js'
import type { OracleMarketPool, PoolState } from './market/pools.js'
import { restorePool } from './market/pools.js'
import type { GuardState } from './oracle/oracle-guard.js'
import { PRICE_ONE } from './oracle/price.js'

/** The log and the state disagree: an event cannot be applied as recorded. Fatal. */
export class ReplayDivergenceError extends EngineError {
  constructor(seq: number, reason: string) {
    super('REPLAY_DIVERGENCE', `event ${seq}: ${reason}`)
  }
}

const REWARD_SCALE = 10n ** 18n

/** Everything the engine knows, rebuilt by applying events in order. */
export class EngineState {
  readonly ledger = new Ledger({ isExternal: isExternalAccount })
  readonly markets = new Map<string, Market>()
  /** Collateral parameters of every asset that counts as collateral (the quote unit, each synth). */
  readonly collateral = new Map<string, CollateralParams>()
  /** The market of each synth. */
  readonly marketOfAsset = new Map<string, Market>()
  /** "account\u0000clientOrderId" → orderId. */
  readonly clientOrders = new Map<string, string>()
  /** Where each resting order lives, by id. */
  readonly orderMarket = new Map<string, Market>()
  /** Each account's resting order ids (an index over the markets' orders). */
  private readonly accountOrders = new Map<string, Set<string>>()
  /** Accounts whose balances changed since the risk table last looked (for incremental scans). */
  readonly touched = new Set<string>()
  seq = 0
  readonly streamSeqs = new Map<string, number>()
  lastTs = 0

  /** The next sequence numbers an event of `stream` would get. */
  nextSeqs(stream: string, offset = 0): { seq: number; streamSeq: number } {
    return { seq: this.seq + 1 + offset, streamSeq: (this.streamSeqs.get(stream) ?? 0) + 1 }
  }

  /** WAD price of an asset: 1 for the quote unit, the last accepted oracle price for a synth. */
  price(asset: string): bigint {
    const market = this.marketOfAsset.get(asset)
    return market ? market.guard.lastPrice() : this.collateral.has(asset) ? PRICE_ONE : 0n
  }

  /** What a user holds (own balances plus escrow) and owes. */
  position(account: string): AccountPosition {
    const holdings = new Map(this.ledger.holdings(account))
    for (const [asset, amount] of this.ledger.holdings(escrowAccount(account))) holdings.set(asset, (holdings.get(asset) ?? 0n) + amount)
    const debts = new Map<string, bigint>()
    for (const [asset, amount] of this.ledger.holdings(debtAccount(account))) debts.set(asset, -amount)
    return { holdings, debts }
  }

  /** An account's resting orders, market by market in listing order, oldest first in each. */
  openOrders(account: string): RestingOrder[] {
    const ids = this.accountOrders.get(account)
    if (!ids) return []
    const rank = new Map([...this.markets.keys()].map((symbol, i) => [symbol, i]))
    const orders = [...ids].map((id) => this.orderMarket.get(id)!.orders.get(id)!)
    return orders.sort((a, b) => rank.get(a.market)! - rank.get(b.market)!) // stable: oldest first within a market
  }

  /** How many resting orders an account has. */
  openOrderCount(account: string): number {
    return this.accountOrders.get(account)?.size ?? 0
  }

  private addOrder(m: Market, o: RestingOrder): void {
    m.orders.set(o.orderId, o)
    this.orderMarket.set(o.orderId, m)
    let ids = this.accountOrders.get(o.account)
    if (!ids) this.accountOrders.set(o.account, (ids = new Set()))
    ids.add(o.orderId)
  }

  private removeOrder(m: Market, o: RestingOrder): void {
    m.orders.delete(o.orderId)
    this.orderMarket.delete(o.orderId)
    const ids = this.accountOrders.get(o.account)!
    ids.delete(o.orderId)
    if (ids.size === 0) this.accountOrders.delete(o.account)
  }

  /** Applies one event. Throws REPLAY_DIVERGENCE (and changes nothing) when it does not fit. */
  apply(e: SequencedEvent): void {
    const expected = this.nextSeqs(e.stream)
    if (e.seq !== expected.seq || e.streamSeq !== expected.streamSeq) {
      throw new ReplayDivergenceError(e.seq, `expected seq ${expected.seq}/${e.stream}#${expected.streamSeq}, got ${e.seq}/${e.stream}#${e.streamSeq}`)
    }
    try {
      this.applyBody(e.event, e.ts, e.seq)
    } catch (err) {
      if (err instanceof ReplayDivergenceError) throw err
      throw new ReplayDivergenceError(e.seq, `${e.event.type}: ${(err as Error).message}`)
    }
    this.seq = e.seq
    this.streamSeqs.set(e.stream, e.streamSeq)
    this.lastTs = e.ts
  }

  private market(symbol: string): Market {
    const m = this.markets.get(symbol)
    if (!m) throw new Error(`unknown market ${symbol}`)
    return m
  }

  private post(postings: Posting[]): void {
    this.ledger.apply(postings)
    for (const { account } of postings) {
      const owner = userOf(account)
      if (owner !== undefined) this.touched.add(owner)
    }
  }

  private applyBody(ev: EngineEvent, ts: number, seq: number): void {
    switch (ev.type) {
      case 'collateral-listed':
        this.collateral.set(ev.asset, ev.params)
        return
      case 'market-listed': {
        const { type: _, ...listing } = ev
        const market = new Market(listing)
        this.markets.set(ev.market, market)
        this.marketOfAsset.set(ev.base, market)
        this.collateral.set(ev.base, ev.collateral)
        return
      }
      case 'price': {
        const m = this.market(ev.market)
        const accepted = m.guard.accept({ symbol: ev.market, price: ev.price, publishedAt: ev.publishedAt, source: 'log' })
        if (accepted !== ev.accepted) throw new ReplayDivergenceError(seq, `price ${ev.price} acceptance differs`)
        if (accepted) {
          m.variance = ev.variance
          m.lpFeeRate = ev.lpFeeRate
          for (const pool of m.pools.values()) pool.reprice(ev.price, ev.lpFeeRate)
        }
        return
      }
      case 'deposit':
        return this.post([{ account: WORLD, asset: ev.asset, amount: -ev.amount }, { account: ev.account, asset: ev.asset, amount: ev.amount }])
      case 'withdrawal':
        return this.post([{ account: ev.account, asset: ev.asset, amount: -ev.amount }, { account: WORLD, asset: ev.asset, amount: ev.amount }])
      case 'mint': {
        const base = this.market(ev.market).listing.base
        return this.post([{ account: debtAccount(ev.account), asset: base, amount: -ev.amount }, { account: ev.account, asset: base, amount: ev.amount }])
      }
      case 'burn': {
        const base = this.market(ev.market).listing.base
        if (ev.amount > -this.ledger.balance(debtAccount(ev.account), base)) throw new Error('burn exceeds debt')
        return this.post([{ account: ev.account, asset: base, amount: -ev.amount }, { account: debtAccount(ev.account), asset: base, amount: ev.amount }])
      }
      case 'fill':
        return this.applyFill(ev, seq)
      case 'order-opened': {
        const m = this.market(ev.market)
        const o = ev.order
        this.post([{ account: o.account, asset: inputAsset(m, o.side), amount: -o.amountIn }, { account: escrowAccount(o.account), asset: inputAsset(m, o.side), amount: o.amountIn }])
        this.addOrder(m, o)
        if (o.clientOrderId !== undefined) this.clientOrders.set(clientKey(o.account, o.clientOrderId), o.orderId)
        return
      }
      case 'order-cancelled':
        return this.releaseOrder(ev.orderId)
      case 'liquidity-added':
      case 'liquidity-removed': {
        const m = this.market(ev.market)
        const pool = m.pool(ev.pool)
        if (!pool) throw new Error(`unknown pool ${ev.pool}`)
        this.settleRewards(m, ev.pool, ev.account, ts)
        const sign = ev.type === 'liquidity-added' ? 1n : -1n
        const { base, quote } = m.listing
        const acct = poolAccount(ev.pool)
        this.post([
          { account: ev.account, asset: base, amount: -sign * ev.base },
          { account: acct, asset: base, amount: sign * ev.base },
          { account: ev.account, asset: quote, amount: -sign * ev.quote },
          { account: acct, asset: quote, amount: sign * ev.quote },
          { account: ISSUER, asset: lpAsset(ev.pool), amount: -sign * ev.shares },
          { account: ev.account, asset: lpAsset(ev.pool), amount: sign * ev.shares },
        ])
        pool.setReserves(this.ledger.balance(acct, base), this.ledger.balance(acct, quote))
        this.checkpointRewards(m, ev.pool, ev.account)
        return
      }
      case 'rewards-claimed': {
        const m = this.market(ev.market)
        this.settleRewards(m, ev.pool, ev.account, ts)
        const provider = m.rewards.get(ev.pool)!.providers.get(ev.account)
        if (!provider || provider.owed < ev.amount) throw new Error('claim exceeds rewards owed')
        this.post([{ account: ISSUER, asset: REWARD_ASSET, amount: -ev.amount }, { account: ev.account, asset: REWARD_ASSET, amount: ev.amount }])
        provider.owed -= ev.amount
        return
      }
      case 'pool-configured': {
        const pool = this.market(ev.market).pool(ev.pool)
        if (pool?.kind !== 'pmm') throw new Error(`${ev.pool} is not an oracle pool`)
        ;(pool as OracleMarketPool).setK(ev.k)
        return
      }
      case 'liquidation': {
        const m = this.market(ev.market)
        for (const id of ev.cancelledOrders) this.releaseOrder(id)
        this.post([
          { account: ev.liquidator, asset: m.listing.base, amount: -ev.repaid },
          { account: debtAccount(ev.account), asset: m.listing.base, amount: ev.repaid },
          { account: ev.account, asset: ev.collateralAsset, amount: -ev.seized },
          { account: ev.liquidator, asset: ev.collateralAsset, amount: ev.seized },
        ])
        if (this.ledger.balance(debtAccount(ev.account), m.listing.base) > 0n) throw new Error('liquidation repays more than the debt')
        m.stats.liquidations++
        return
      }
    }
  }

  private applyFill(ev: Extract<EngineEvent, { type: 'fill' }>, seq: number): void {
    const m = this.market(ev.market)
    const sellBase = ev.side === 'sell'
    const [assetIn, assetOut] = sellBase ? [m.listing.base, m.listing.quote] : [m.listing.quote, m.listing.base]
    const payer = ev.fromEscrow ? escrowAccount(ev.account) : ev.account
    const postings: Posting[] = []
    let protocolFees = 0n
    for (const leg of ev.legs) {
      const pool = poolAccount(leg.pool)
      postings.push(
        { account: payer, asset: assetIn, amount: -leg.amountIn },
        { account: pool, asset: assetIn, amount: leg.amountIn },
        { account: pool, asset: assetOut, amount: -(leg.amountOut + leg.protocolFee) },
        { account: ev.account, asset: assetOut, amount: leg.amountOut },
      )
      if (leg.protocolFee > 0n) postings.push({ account: feeAccount(ev.market), asset: assetOut, amount: leg.protocolFee })
      protocolFees += leg.protocolFee
    }
    const order = ev.fromEscrow ? m.orders.get(ev.orderId) : undefined
    if (ev.fromEscrow && (!order || order.amountIn !== ev.amountIn)) throw new Error(`fill of unknown resting order ${ev.orderId}`)
    this.post(postings)
    // The ledger accepted the money movements; the pools must now agree to the wei.
    for (const leg of ev.legs) {
      const fill = m.pool(leg.pool)!.swap(leg.amountIn, sellBase, leg.amountOut)
      if (fill.amountOut !== leg.amountOut || fill.protocolFee !== leg.protocolFee) {
        throw new ReplayDivergenceError(seq, `pool ${leg.pool} paid ${fill.amountOut}, log says ${leg.amountOut}`)
      }
      m.stats.lpFees += leg.lpFee
    }
    if (order) this.removeOrder(m, order)
    if (ev.clientOrderId !== undefined && !ev.fromEscrow) this.clientOrders.set(clientKey(ev.account, ev.clientOrderId), ev.orderId)
    m.stats.fills++
    m.stats.protocolFees += protocolFees
    m.stats.baseVolume += sellBase ? ev.amountIn : ev.amountOut
    m.stats.quoteVolume += sellBase ? ev.amountOut : ev.amountIn
  }

  private releaseOrder(orderId: string): void {
    const m = this.orderMarket.get(orderId)
    const o = m?.orders.get(orderId)
    if (!m || !o) throw new Error(`unknown order ${orderId}`)
    const asset = inputAsset(m, o.side)
    this.post([{ account: escrowAccount(o.account), asset, amount: -o.amountIn }, { account: o.account, asset, amount: o.amountIn }])
    this.removeOrder(m, o)
  }

  /** Total LP shares of a pool. */
  totalShares(pool: string): bigint {
    return -this.ledger.balance(ISSUER, lpAsset(pool))
  }

  /** Rewards a provider could claim at time `ts`. */
  rewardsOwed(market: string, pool: string, account: string, ts: number): bigint {
    const m = this.markets.get(market)
    const r = m?.rewards.get(pool)
    if (!m || !r) return 0n
    const perShare = r.perShare + this.accrual(m, pool, r, ts)
    const p = r.providers.get(account)
    const shares = this.ledger.balance(account, lpAsset(pool))
    return (p?.owed ?? 0n) + (shares * perShare) / REWARD_SCALE - (p?.paid ?? 0n)
  }

  private accrual(m: Market, pool: string, r: PoolRewards, ts: number): bigint {
    const total = this.totalShares(pool)
    if (total === 0n || ts <= r.updatedAt) return 0n
    return (m.listing.rewardRate * BigInt(ts - r.updatedAt) * REWARD_SCALE) / (1000n * total)
  }

  // Brings the pool's accumulator to `ts` and moves what the provider earned into `owed`.
  private settleRewards(m: Market, pool: string, account: string, ts: number): void {
    const r = m.rewards.get(pool)!
    r.perShare += this.accrual(m, pool, r, ts)
    r.updatedAt = Math.max(r.updatedAt, ts)
    const p = r.providers.get(account) ?? { paid: 0n, owed: 0n }
    p.owed += (this.ledger.balance(account, lpAsset(pool)) * r.perShare) / REWARD_SCALE - p.paid
    p.paid = (this.ledger.balance(account, lpAsset(pool)) * r.perShare) / REWARD_SCALE
    r.providers.set(account, p)
  }

  // After the provider's shares changed: what they hold now has been paid up to here.
  private checkpointRewards(m: Market, pool: string, account: string): void {
    const r = m.rewards.get(pool)!
    r.providers.get(account)!.paid = (this.ledger.balance(account, lpAsset(pool)) * r.perShare) / REWARD_SCALE
  }

  /** Everything, canonically ordered: the snapshot format and the input of `hash()`. */
  snapshot(): StateSnapshot {
    const markets = [...this.markets.values()].map((m) => ({
      listing: m.listing,
      guard: m.guard.save(),
      lpFeeRate: m.lpFeeRate,
      variance: m.variance,
      pools: m.poolList().map((p) => ({ id: p.id, state: p.state() })),
      rewards: [...m.rewards].map(([pool, r]) => ({
        pool,
        perShare: r.perShare,
        updatedAt: r.updatedAt,
        providers: [...r.providers].sort(byKey).map(([account, p]) => ({ account, paid: p.paid, owed: p.owed })),
      })),
      orders: [...m.orders.values()],
      stats: m.stats,
    }))
    return {
      seq: this.seq,
      lastTs: this.lastTs,
      streams: [...this.streamSeqs].sort(byKey),
      collateral: [...this.collateral].sort(byKey),
      markets,
      balances: this.ledger.entries().map(([account, asset, amount]) => [account, asset, String(amount)]),
      clientOrders: [...this.clientOrders].sort(byKey),
    }
  }

  /** SHA-256 of the canonical snapshot: equal states have equal hashes. */
  hash(): string {
    return createHash('sha256').update(toJson(this.snapshot())).digest('hex')
  }

  /** A state rebuilt from a snapshot. */
  static restore(s: StateSnapshot): EngineState {
    const st = new EngineState()
    st.seq = s.seq
    st.lastTs = s.lastTs
    for (const [k, v] of s.streams) st.streamSeqs.set(k, v)
    for (const [k, v] of s.collateral) st.collateral.set(k, v)
    for (const snap of s.markets) {
      const m = new Market(snap.listing)
      st.markets.set(m.symbol, m)
      st.marketOfAsset.set(snap.listing.base, m)
      m.guard.restore(snap.guard)
      m.lpFeeRate = snap.lpFeeRate
      m.variance = snap.variance
      for (const p of snap.pools) m.replacePool(restorePool(p.id, p.state))
      for (const r of snap.rewards) {
        m.rewards.set(r.pool, {
          perShare: r.perShare,
          updatedAt: r.updatedAt,
          providers: new Map(r.providers.map((p) => [p.account, { paid: p.paid, owed: p.owed }])),
        })
      }
      for (const o of snap.orders) st.addOrder(m, o)
      m.stats = { ...snap.stats }
    }
    st.ledger.restore(s.balances.map(([account, asset, amount]) => [account, asset, BigInt(amount)]))
    for (const [account] of s.balances) {
      const owner = userOf(account)
      if (owner !== undefined) st.touched.add(owner) // risk tables start from every account
    }
    for (const [k, v] of s.clientOrders) st.clientOrders.set(k, v)
    return st
  }
}

/** The whole state as plain data (`toJson`/`fromJson` carry it; balances as decimal strings). */
export interface StateSnapshot {
  seq: number
  lastTs: number
  streams: Array<[string, number]>
  collateral: Array<[string, CollateralParams]>
  markets: Array<{
    listing: Market['listing']
    guard: GuardState
    lpFeeRate: bigint
    variance: number
    pools: Array<{ id: string; state: PoolState }>
    rewards: Array<{ pool: string; perShare: bigint; updatedAt: number; providers: Array<{ account: string; paid: bigint; owed: bigint }> }>
    orders: RestingOrder[]
    stats: Market['stats']
  }>
  balances: Array<[string, string, string]>
  clientOrders: Array<[string, string]>
}

function byKey<T>(a: [string, T], b: [string, T]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0
}

/** The user an account belongs to (its own, escrow or debt account), if any. */
function userOf(account: string): string | undefined {
  const colon = account.indexOf(':')
  if (colon < 0) return account === WORLD || account === ISSUER ? undefined : account
  const prefix = account.slice(0, colon)
  return prefix === 'escrow' || prefix === 'debt' ? account.slice(colon + 1) : undefined
}

function inputAsset(m: Market, side: 'buy' | 'sell'): string {
  return side === 'sell' ? m.listing.base : m.listing.quote
}

/** Key of a client order id in the registry. */
export function clientKey(account: string, clientOrderId: string): string {
  return `${account}\u0000${clientOrderId}`
}
