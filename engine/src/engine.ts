// The engine: one writer that turns commands into events. Each command is decided against the
// current state without touching it (so a rejected command changes nothing), then its events are
// applied and handed to the journal; acknowledgements and publication wait until the journal
// says they are durable.
import { ACCOUNT_ID, SYMBOL, debtAccount, escrowAccount, lpAsset } from './accounts/accounts.js'
import { accountHealth, healthAtMost, healthNotWorse, isHealthy, type AccountPosition } from './accounts/margin.js'
import type { Command, OrderCommand } from './commands.js'
import {
  DuplicateClientOrderIdError, EngineHaltedError, InsufficientBalanceError, InsufficientCollateralError,
  InsufficientLiquidityError, InvalidInputError, NotLiquidatableError, PositionLimitError, SlippageExceededError,
  TooManyOrdersError, UnknownMarketError, UnknownOrderError,
} from './errors.js'
import { encodeEvent, streamOf, type EngineEvent, type FillLeg, type RestingOrder, type SequencedEvent, type Side } from './events.js'
import { VolatilityFeeModel, nextVariance, type FeeModel } from './market/fee-model.js'
import type { Market } from './market/market.js'
import type { MarketPool } from './market/pools.js'
import { minInputFor, routeExactIn } from './market/router.js'
import { PRICE_ONE } from './oracle/price.js'
import type { LoggedEvent, TradeRecord } from './store/event-store.js'
import { EngineState, clientKey } from './state.js'

/** Where events become durable: `append` resolves once the entry is (group commit behind it). */
export interface Journal {
  append(entry: LoggedEvent, trade?: TradeRecord): Promise<void>
}

export interface EngineOptions {
  /** Engine clock (ms since the epoch). */
  now?: () => number
  feeModel?: FeeModel
  /** Durable log; without one, events are acknowledged as soon as they are applied. */
  journal?: Journal
  /** Called with each event (and its journal form) once it is durable, in log order: the bus. */
  publish?: (event: SequencedEvent, entry: LoggedEvent) => void
  maxOpenOrdersPerAccount?: number
  maxOpenOrdersPerMarket?: number
}

/** What a command did. */
export interface CommandResult {
  events: SequencedEvent[]
  /** For orders: the id, and whether it filled or rests. */
  orderId?: string
  status?: 'filled' | 'resting'
}

const BPS = 10_000n

/** A market order's quote (see `Engine.quote`). Fees are in the output asset, except a
 *  constant-product leg's LP fee, which is in the input (`legs[i].feeOnInput`). */
export interface OrderQuote {
  market: string
  side: Side
  amountIn: bigint
  amountOut: bigint
  minOut: bigint
  /** Quote per base (WAD) of the whole fill. */
  averagePrice: bigint
  oraclePrice: bigint
  /** Average price against the oracle, in basis points; positive is worse for the trader. */
  impactBps: number
  lpFee: bigint
  protocolFee: bigint
  legs: FillLeg[]
}

export class Engine {
  readonly state: EngineState
  private readonly now: () => number
  private readonly feeModel: FeeModel
  private readonly journal?: Journal
  private readonly publish?: (event: SequencedEvent, entry: LoggedEvent) => void
  private readonly maxOrdersPerAccount: number
  private readonly maxOrdersPerMarket: number
  private halted?: string
  // The command being executed: its time and the events it has emitted so far.
  private ts = 0
  private emitted: SequencedEvent[] = []

  constructor(options: EngineOptions = {}, state = new EngineState()) {
    this.state = state
    this.now = options.now ?? Date.now
    this.feeModel = options.feeModel ?? new VolatilityFeeModel()
    this.journal = options.journal
    this.publish = options.publish
    this.maxOrdersPerAccount = options.maxOpenOrdersPerAccount ?? 200
    this.maxOrdersPerMarket = options.maxOpenOrdersPerMarket ?? 10_000
  }

  /** Why the engine stopped, if it did. */
  get haltReason(): string | undefined {
    return this.halted
  }

  /** Decides and applies a command in memory; durability is `submit`'s business. Throws a typed
   *  error, with the state unchanged, when the command is refused. */
  execute(command: Command): CommandResult {
    if (this.halted) throw new EngineHaltedError(this.halted)
    this.ts = Math.max(this.now(), this.state.lastTs)
    this.emitted = []
    const result = this.decide(command, this.ts)
    return { events: this.emitted, ...result } // spread last: see engine/src/v8-flags.ts
  }

  // Applies a decided event at once, so later decisions of the same command see it.
  private emit(event: EngineEvent): void {
    const stream = streamOf(event)
    const seqs = this.state.nextSeqs(stream)
    const e: SequencedEvent = { seq: seqs.seq, stream, streamSeq: seqs.streamSeq, ts: this.ts, event }
    try {
      this.state.apply(e)
    } catch (err) {
      // A decided event that does not apply means the engine's own checks are wrong.
      this.halted = `event ${e.seq} (${event.type}) failed to apply: ${(err as Error).message}`
      throw new EngineHaltedError(this.halted)
    }
    this.emitted.push(e)
  }

  /** What a market order would get now, without placing it: the route, the output, fees, the
   *  average price against the oracle and the minimum to ask for at `slippageBps`. */
  quote(market: string, side: Side, amountIn: bigint, slippageBps = 50): OrderQuote {
    const m = this.market(market)
    if (side !== 'buy' && side !== 'sell') throw new InvalidInputError(`side must be buy or sell, got ${String(side)}`)
    positive(amountIn, 'amountIn')
    if (!Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps > 10_000) throw new InvalidInputError('slippageBps must be an integer in [0, 10000]')
    const legs = this.route(m, amountIn, side)
    const amountOut = totalOut(legs)
    const [base, quote] = side === 'sell' ? [amountIn, amountOut] : [amountOut, amountIn]
    const averagePrice = (quote * PRICE_ONE) / base
    const oraclePrice = m.guard.lastPrice()
    // Positive impact is worse for the trader: paying above the oracle, or selling below it.
    const impactBps = oraclePrice > 0n ? Number(((side === 'buy' ? averagePrice - oraclePrice : oraclePrice - averagePrice) * 1_000_000n) / oraclePrice) / 100 : 0
    let lpFee = 0n
    let protocolFee = 0n
    for (const l of legs) {
      lpFee += l.lpFee
      protocolFee += l.protocolFee
    }
    return { market, side, amountIn, amountOut, minOut: (amountOut * BigInt(10_000 - slippageBps)) / 10_000n, averagePrice, oraclePrice, impactBps, lpFee, protocolFee, legs }
  }

  /** Executes a command and resolves once its events are durable (then publishes them). Not an
   *  async function: the order path is hot, and each await would cost a promise and a tick. */
  submit(command: Command): Promise<CommandResult> {
    let result: CommandResult
    try {
      result = this.execute(command)
    } catch (err) {
      return Promise.reject(err)
    }
    if (result.events.length === 0 || (!this.journal && !this.publish)) return Promise.resolve(result)
    return this.record(result)
  }

  // Journals the result's events, then publishes them and hands the result back. No named
  // closures here: tsx (esbuild keepNames) wraps each in a __name call, per order.
  private record(result: CommandResult): Promise<CommandResult> {
    const events = result.events
    const entries = events.map(journalEntry)
    if (!this.journal) return Promise.resolve().then(() => (this.publishAll(events, entries), result))
    let last!: Promise<void>
    for (let i = 0; i < events.length; i++) last = this.journal.append(entries[i]!, tradeEntry(events[i]!))
    // The journal is in order: the last being durable means all are.
    return last.then(
      () => (this.publishAll(events, entries), result),
      (err: unknown) => {
        this.halted ??= `journal failed: ${(err as Error).message}`
        throw err
      },
    )
  }

  private publishAll(events: SequencedEvent[], entries: LoggedEvent[]): void {
    if (this.publish) for (let i = 0; i < events.length; i++) this.publish(events[i]!, entries[i]!)
  }

  private decide(c: Command, ts: number): Omit<CommandResult, 'events'> {
    const st = this.state
    switch (c.type) {
      case 'list-collateral': {
        symbol(c.asset)
        if (st.collateral.has(c.asset)) throw new InvalidInputError(`${c.asset} is already listed`)
        checkCollateralParams(c.params)
        this.emit({ type: 'collateral-listed', asset: c.asset, params: c.params })
        return {}
      }
      case 'list-market': {
        const l = c.listing
        for (const s of [l.market, l.base, l.quote]) symbol(s)
        if (st.markets.has(l.market) || st.marketOfAsset.has(l.base) || st.collateral.has(l.base)) throw new InvalidInputError(`${l.market}/${l.base} is already listed`)
        if (!st.collateral.has(l.quote) || st.marketOfAsset.has(l.quote)) throw new InvalidInputError(`quote ${l.quote} must be a listed collateral unit`)
        checkCollateralParams(l.collateral)
        if (l.pools.length === 0 || new Set(l.pools.map((p) => p.id)).size !== l.pools.length) throw new InvalidInputError('a market needs pools with distinct ids')
        for (const p of l.pools) {
          symbol(p.id.replaceAll('/', '-').replaceAll(':', '-'))
          if (p.params.kind === 'pmm' && !(p.params.k >= 0n && p.params.k <= PRICE_ONE && p.params.lpFeeRate >= 0n && p.params.mtFeeRate >= 0n && p.params.lpFeeRate + p.params.mtFeeRate < PRICE_ONE)) {
            throw new InvalidInputError(`pool ${p.id}: k must be in [0, 1e18] and fees below 1e18`)
          }
          if (p.params.kind === 'cp' && !(Number.isInteger(p.params.feeBps) && p.params.feeBps >= 0 && p.params.feeBps < 10_000)) throw new InvalidInputError(`pool ${p.id}: feeBps in [0, 10000)`)
        }
        if (!(l.maxPositionBase > 0n && l.dustDebt >= 0n && l.baseFeeRate >= 0n && l.rewardRate >= 0n && l.liquidationBonusBps >= 0 && l.oracle.maxAgeMs > 0 && l.oracle.maxDeviationBps > 0)) {
          throw new InvalidInputError(`${l.market}: limits, fees, rewards and oracle bounds must be positive`)
        }
        this.emit({ type: 'market-listed', ...l })
        return {}
      }
      case 'configure-pool': {
        const m = this.market(c.market)
        const pool = m.pool(c.pool)
        if (!pool) throw new UnknownMarketError(`${c.market}/${c.pool}`)
        if (pool.kind !== 'pmm') throw new InvalidInputError(`${c.pool} has no k`)
        if (!(typeof c.k === 'bigint' && c.k >= 0n && c.k <= PRICE_ONE)) throw new InvalidInputError('k must be in [0, 1e18]')
        this.emit({ type: 'pool-configured', market: c.market, pool: c.pool, k: c.k })
        return {}
      }
      case 'price':
        return this.decidePrice(c)
      case 'deposit': {
        account(c.account)
        this.quoteUnit(c.asset)
        positive(c.amount, 'amount')
        this.emit({ type: 'deposit', account: c.account, asset: c.asset, amount: c.amount })
        return {}
      }
      case 'withdraw': {
        account(c.account)
        this.quoteUnit(c.asset)
        positive(c.amount, 'amount')
        this.requireBalance(c.account, c.asset, c.amount)
        this.requireCollateral(c.account, 'withdrawal', (p) => adjust(p.holdings, c.asset, -c.amount), false)
        this.emit({ type: 'withdrawal', account: c.account, asset: c.asset, amount: c.amount })
        return {}
      }
      case 'mint': {
        account(c.account)
        const m = this.market(c.market)
        positive(c.amount, 'amount')
        m.guard.livePrice(ts)
        this.requireCollateral(c.account, 'minting', (p) => {
          adjust(p.holdings, m.listing.base, c.amount)
          adjust(p.debts, m.listing.base, c.amount)
        }, false)
        this.emit({ type: 'mint', market: c.market, account: c.account, amount: c.amount })
        return {}
      }
      case 'burn': {
        account(c.account)
        const m = this.market(c.market)
        positive(c.amount, 'amount')
        const debt = st.position(c.account).debts.get(m.listing.base) ?? 0n
        if (c.amount > debt) throw new InvalidInputError(`${c.account} owes ${debt} ${m.listing.base}, cannot burn ${c.amount}`)
        this.requireBalance(c.account, m.listing.base, c.amount)
        this.emit({ type: 'burn', market: c.market, account: c.account, amount: c.amount })
        return {}
      }
      case 'order':
        return this.decideOrder(c, ts)
      case 'cancel': {
        account(c.account)
        const orderId = c.orderId ?? (c.clientOrderId !== undefined ? st.clientOrders.get(clientKey(c.account, c.clientOrderId)) : undefined)
        if (orderId === undefined) throw new InvalidInputError('cancel needs an orderId or a clientOrderId')
        const m = st.orderMarket.get(orderId)
        const order = m?.orders.get(orderId)
        if (!m || !order || order.account !== c.account) throw new UnknownOrderError(orderId)
        this.emit({ type: 'order-cancelled', market: m.symbol, orderId, account: c.account, reason: 'cancelled' })
        return { orderId }
      }
      case 'cancel-all': {
        account(c.account)
        if (c.market !== undefined) this.market(c.market) // an unknown market is refused
        // openOrders is already in market listing order, oldest first in each.
        for (const o of st.openOrders(c.account)) {
          if (c.market === undefined || o.market === c.market) this.emit({ type: 'order-cancelled', market: o.market, orderId: o.orderId, account: c.account, reason: 'cancelled' })
        }
        return {}
      }
      case 'add-liquidity':
        return this.decideAddLiquidity(c, ts)
      case 'remove-liquidity': {
        account(c.account)
        const m = this.market(c.market)
        const pool = this.pool(m, c.pool)
        positive(c.shares, 'shares')
        const held = st.ledger.balance(c.account, lpAsset(c.pool))
        if (c.shares > held) throw new InsufficientBalanceError(c.account, lpAsset(c.pool), held, -c.shares)
        const total = st.totalShares(c.pool)
        const r = pool.reserves()
        const base = (r.base * c.shares) / total
        const quote = (r.quote * c.shares) / total
        if (base < (c.minBase ?? 0n) || quote < (c.minQuote ?? 0n)) throw new SlippageExceededError(`removing ${c.shares} shares returns ${base} base and ${quote} quote, below the minimums`)
        this.emit({ type: 'liquidity-removed', market: c.market, pool: c.pool, account: c.account, base, quote, shares: c.shares })
        return {}
      }
      case 'claim-rewards': {
        account(c.account)
        const m = this.market(c.market)
        this.pool(m, c.pool)
        const amount = st.rewardsOwed(c.market, c.pool, c.account, ts)
        if (amount <= 0n) throw new InvalidInputError(`${c.account} has no rewards to claim in ${c.pool}`)
        this.emit({ type: 'rewards-claimed', market: c.market, pool: c.pool, account: c.account, amount })
        return {}
      }
      case 'liquidate':
        return this.decideLiquidation(c, ts)
      default:
        throw new InvalidInputError(`unknown command type ${String((c as { type?: unknown }).type)}`)
    }
  }

  private decidePrice(c: Extract<Command, { type: 'price' }>): Omit<CommandResult, 'events'> {
    const m = this.market(c.market)
    positive(c.price, 'price')
    if (!Number.isSafeInteger(c.publishedAt) || c.publishedAt <= 0) throw new InvalidInputError('publishedAt must be a positive integer (ms)')
    const verdict = m.guard.judge(c)
    if (verdict === 'ignore') return {}
    let variance = m.variance
    let lpFeeRate = m.lpFeeRate
    if (verdict === 'accept') {
      variance = nextVariance(m.variance, m.guard.lastPrice(), c.price)
      lpFeeRate = this.feeModel.lpFeeRate({ market: m.symbol, volatility: Math.sqrt(variance), baseFeeRate: m.listing.baseFeeRate })
    }
    this.emit({ type: 'price', market: m.symbol, price: c.price, publishedAt: c.publishedAt, accepted: verdict === 'accept', variance, lpFeeRate })
    if (verdict === 'accept') this.triggerOrders(m, c.price)
    return {}
  }

  // Resting orders the new price makes executable fill now, in time priority; those that can
  // no longer fill safely are cancelled with the reason. Nothing here throws.
  private triggerOrders(m: Market, price: bigint): void {
    for (const o of [...m.orders.values()]) {
      if (o.kind === 'stop' && !(o.side === 'sell' ? price <= o.stopPrice! : price >= o.stopPrice!)) continue
      const minOut = o.limitPrice !== undefined ? limitMinOut(o.side, o.amountIn, o.limitPrice) : 0n
      try {
        const legs = this.route(m, o.amountIn, o.side)
        const out = totalOut(legs)
        if (out < minOut) {
          if (o.kind === 'limit') continue // not yet at its price
          throw new SlippageExceededError(`stop ${o.orderId} would receive ${out}, limit needs ${minOut}`)
        }
        this.checkTrade(o.account, m, o.side, o.amountIn, out)
        this.emit(this.fillEvent(m, o.orderId, o.account, o.side, legs, true, o.clientOrderId))
      } catch (err) {
        // A typed refusal (ours or the native core's) cancels the order; anything else is a bug.
        const code = (err as { code?: unknown }).code
        if (err instanceof EngineHaltedError || typeof code !== 'string') throw err
        this.emit({ type: 'order-cancelled', market: m.symbol, orderId: o.orderId, account: o.account, reason: code })
      }
    }
  }

  private decideOrder(c: OrderCommand, ts: number): Omit<CommandResult, 'events'> {
    const st = this.state
    account(c.account)
    const m = this.market(c.market)
    if (c.side !== 'buy' && c.side !== 'sell') throw new InvalidInputError(`side must be buy or sell, got ${String(c.side)}`)
    if (c.clientOrderId !== undefined) {
      if (typeof c.clientOrderId !== 'string' || !/^[\x21-\x7e]{1,64}$/.test(c.clientOrderId)) throw new InvalidInputError('clientOrderId: 1–64 printable ASCII characters')
      const existing = st.clientOrders.get(clientKey(c.account, c.clientOrderId))
      if (existing !== undefined) throw new DuplicateClientOrderIdError(c.clientOrderId, existing)
    }
    m.guard.livePrice(ts)
    const inputAsset = c.side === 'sell' ? m.listing.base : m.listing.quote
    const orderId = `o${st.seq + 1}`

    if (c.kind === 'market') {
      let legs: FillLeg[]
      if (c.amountIn !== undefined) {
        positive(c.amountIn, 'amountIn')
        if (c.amountOut !== undefined || c.maxIn !== undefined) throw new InvalidInputError('give amountIn (with minOut) or amountOut (with maxIn), not both')
        const minOut = c.minOut ?? 0n
        if (typeof minOut !== 'bigint' || minOut < 0n) throw new InvalidInputError('minOut must be a non-negative bigint')
        this.requireBalance(c.account, inputAsset, c.amountIn)
        legs = this.route(m, c.amountIn, c.side)
        const out = totalOut(legs)
        if (out < minOut) throw new SlippageExceededError(`fill pays ${out}, below minOut ${minOut}`)
      } else {
        positive(c.amountOut, 'amountOut')
        positive(c.maxIn, 'maxIn')
        legs = this.routeExactOut(m, c.amountOut!, c.maxIn!, c.side)
        this.requireBalance(c.account, inputAsset, legs[0]!.amountIn)
      }
      const amountIn = totalIn(legs)
      this.checkTrade(c.account, m, c.side, amountIn, totalOut(legs))
      this.emit(this.fillEvent(m, orderId, c.account, c.side, legs, false, c.clientOrderId))
      return { orderId, status: 'filled' }
    }

    positive(c.amountIn, 'amountIn')
    const amountIn = c.amountIn!
    if (c.limitPrice !== undefined) positive(c.limitPrice, 'limitPrice')
    if (c.kind === 'limit') {
      if (c.limitPrice === undefined) throw new InvalidInputError('a limit order needs limitPrice')
      if (c.stopPrice !== undefined) throw new InvalidInputError('a limit order takes no stopPrice')
    } else if (c.kind === 'stop') {
      positive(c.stopPrice, 'stopPrice')
      const price = m.guard.lastPrice()
      if (c.side === 'sell' ? price <= c.stopPrice! : price >= c.stopPrice!) throw new InvalidInputError(`stop price ${c.stopPrice} would trigger at once (oracle ${price})`)
    } else {
      throw new InvalidInputError(`kind must be market, limit or stop, got ${String(c.kind)}`)
    }
    this.requireBalance(c.account, inputAsset, amountIn)

    if (c.kind === 'limit') {
      // A marketable limit order fills now; the rest wait for the price.
      const legs = this.routeOrUndefined(m, amountIn, c.side)
      const out = (legs ? totalOut(legs) : 0n)
      if (legs && out >= limitMinOut(c.side, amountIn, c.limitPrice!)) {
        this.checkTrade(c.account, m, c.side, amountIn, out)
        this.emit(this.fillEvent(m, orderId, c.account, c.side, legs, false, c.clientOrderId))
        return { orderId, status: 'filled' }
      }
    }
    if (m.orders.size >= this.maxOrdersPerMarket) throw new TooManyOrdersError(`${m.symbol} holds ${m.orders.size} resting orders`)
    const mine = st.openOrderCount(c.account)
    if (mine >= this.maxOrdersPerAccount) throw new TooManyOrdersError(`${c.account} has ${mine} resting orders`)
    const order: RestingOrder = { orderId, account: c.account, market: m.symbol, side: c.side, kind: c.kind, amountIn, placedAt: ts }
    if (c.limitPrice !== undefined) order.limitPrice = c.limitPrice
    if (c.stopPrice !== undefined) order.stopPrice = c.stopPrice
    if (c.clientOrderId !== undefined) order.clientOrderId = c.clientOrderId
    this.emit({ type: 'order-opened', market: m.symbol, order })
    return { orderId, status: 'resting' }
  }

  private decideAddLiquidity(c: Extract<Command, { type: 'add-liquidity' }>, ts: number): Omit<CommandResult, 'events'> {
    const st = this.state
    account(c.account)
    const m = this.market(c.market)
    const pool = this.pool(m, c.pool)
    positive(c.base, 'base')
    positive(c.quote, 'quote')
    const price = m.guard.livePrice(ts)
    const total = st.totalShares(c.pool)
    const r = pool.reserves()
    let shares: bigint
    let base = c.base
    let quote = c.quote
    if (total === 0n) {
      // First provider: shares are the deposit's value in the quote unit.
      shares = c.quote + (c.base * price) / PRICE_ONE
    } else {
      // Later providers deposit in the pool's proportions; the excess stays with them.
      const byBase = (c.base * total) / r.base
      const byQuote = (c.quote * total) / r.quote
      shares = byBase < byQuote ? byBase : byQuote
      base = ceilDiv(shares * r.base, total)
      quote = ceilDiv(shares * r.quote, total)
    }
    if (shares <= 0n || shares < (c.minShares ?? 0n)) throw new SlippageExceededError(`deposit mints ${shares} shares, below ${c.minShares ?? 1n}`)
    this.requireBalance(c.account, m.listing.base, base)
    this.requireBalance(c.account, m.listing.quote, quote)
    this.requireCollateral(c.account, 'adding liquidity', (p) => {
      adjust(p.holdings, m.listing.base, -base)
      adjust(p.holdings, m.listing.quote, -quote)
    }, true)
    this.emit({ type: 'liquidity-added', market: c.market, pool: c.pool, account: c.account, base, quote, shares })
    return {}
  }

  private decideLiquidation(c: Extract<Command, { type: 'liquidate' }>, ts: number): Omit<CommandResult, 'events'> {
    const st = this.state
    account(c.liquidator)
    account(c.account)
    if (c.liquidator === c.account) throw new InvalidInputError('an account cannot liquidate itself')
    const m = this.market(c.market)
    positive(c.amount, 'amount')
    const debtPrice = m.guard.livePrice(ts)
    if (!st.collateral.has(c.collateralAsset)) throw new InvalidInputError(`${c.collateralAsset} is not collateral`)
    const collMarket = st.marketOfAsset.get(c.collateralAsset)
    const collPrice = collMarket ? collMarket.guard.livePrice(ts) : st.price(c.collateralAsset)
    const position = st.position(c.account)
    const health = accountHealth(position, (a) => st.price(a), (a) => st.collateral.get(a), 'liquidation')
    if (isHealthy(health)) throw new NotLiquidatableError(`${c.account} is healthy`)
    const debt = position.debts.get(m.listing.base) ?? 0n
    if (debt === 0n) throw new NotLiquidatableError(`${c.account} owes no ${m.listing.base}`)
    // Close factor: half the debt, all of it at HF ≤ 0.95, and never leave dust behind.
    let maxRepay = healthAtMost(health, 95n, 100n) ? debt : debt / 2n
    if (debt - maxRepay < m.listing.dustDebt) maxRepay = debt
    let repaid = c.amount < maxRepay ? c.amount : maxRepay
    const bonus = BPS + BigInt(m.listing.liquidationBonusBps)
    let seized = (repaid * debtPrice * bonus) / (collPrice * BPS)
    const available = position.holdings.get(c.collateralAsset) ?? 0n // own plus escrow: orders are cancelled first
    if (seized > available) {
      seized = available
      repaid = (seized * collPrice * BPS) / (debtPrice * bonus)
    }
    if (repaid <= 0n || seized <= 0n) throw new NotLiquidatableError(`${c.account} has no ${c.collateralAsset} to seize`)
    this.requireBalance(c.liquidator, m.listing.base, repaid)
    const cancelledOrders = st.openOrders(c.account).map((o) => o.orderId)
    this.emit({ type: 'liquidation', market: m.symbol, liquidator: c.liquidator, account: c.account, repaid, collateralAsset: c.collateralAsset, seized, cancelledOrders })
    return {}
  }

  private market(symbolName: string): Market {
    const m = typeof symbolName === 'string' ? this.state.markets.get(symbolName) : undefined
    if (!m) throw new UnknownMarketError(String(symbolName))
    return m
  }

  private pool(m: Market, id: string): MarketPool {
    const p = m.pool(id)
    if (!p) throw new UnknownMarketError(`${m.symbol}/${id}`)
    return p
  }

  private quoteUnit(asset: string): void {
    if (!this.state.collateral.has(asset) || this.state.marketOfAsset.has(asset)) throw new InvalidInputError(`${String(asset)} is not a depositable collateral unit`)
  }

  private requireBalance(account: string, asset: string, amount: bigint): void {
    const held = this.state.ledger.balance(account, asset)
    if (held < amount) throw new InsufficientBalanceError(account, asset, held, -amount)
  }

  /** Refuses a change that leaves the account's debt under-collateralised (initial margin), unless
   *  `allowIfNotWorse` and the change does not add risk. */
  private requireCollateral(accountId: string, what: string, change: (p: { holdings: Map<string, bigint>; debts: Map<string, bigint> }) => void, allowIfNotWorse: boolean): void {
    const st = this.state
    const before = st.position(accountId)
    const after = { holdings: new Map(before.holdings), debts: new Map(before.debts) }
    change(after)
    if (after.debts.size === 0 || [...after.debts.values()].every((d) => d === 0n)) return
    const health = (p: AccountPosition) => accountHealth(p, (a) => st.price(a), (a) => st.collateral.get(a), 'ltv')
    const h = health(after)
    if (isHealthy(h)) return
    if (allowIfNotWorse && healthNotWorse(health(before), h)) return
    throw new InsufficientCollateralError(accountId, what)
  }

  // Pre-trade checks: the net position limit, then collateral health after the trade.
  private checkTrade(accountId: string, m: Market, side: Side, amountIn: bigint, amountOut: bigint): void {
    const { base, quote } = m.listing
    const ledger = this.state.ledger
    const net = ledger.balance(accountId, base) + ledger.balance(escrowAccount(accountId), base) + ledger.balance(debtAccount(accountId), base)
    const after = net + (side === 'buy' ? amountOut : -amountIn)
    if (abs(after) > m.listing.maxPositionBase && abs(after) > abs(net)) throw new PositionLimitError(accountId, m.symbol, m.listing.maxPositionBase)
    if (this.state.ledger.holdings(debtAccount(accountId)).size === 0) return // no debt: any trade of its own funds is safe
    this.requireCollateral(accountId, 'this trade', (q) => {
      adjust(q.holdings, side === 'sell' ? base : quote, -amountIn)
      adjust(q.holdings, side === 'sell' ? quote : base, amountOut)
    }, true)
  }

  private route(m: Market, amountIn: bigint, side: Side): FillLeg[] {
    const legs = this.routeOrUndefined(m, amountIn, side)
    if (!legs) throw new InsufficientLiquidityError(m.symbol)
    return legs
  }

  // The best split, each leg quoted in full (fees included); undefined when nothing can fill.
  private routeOrUndefined(m: Market, amountIn: bigint, side: Side): FillLeg[] | undefined {
    const route = routeExactIn(m.poolList(), amountIn, side === 'sell')
    if (!route) return undefined
    try {
      const legs = route.map((l) => this.detail(m, l.pool, l.amountIn, side))
      return legs.some((l) => l.amountOut > 0n) ? legs : undefined
    } catch (err) {
      if (typeof (err as { code?: unknown }).code === 'string') return undefined // the pool cannot take it
      throw err
    }
  }

  private routeExactOut(m: Market, amountOut: bigint, maxIn: bigint, side: Side): FillLeg[] {
    let best: { pool: string; amountIn: bigint } | undefined
    for (const pool of m.poolList()) {
      const need = minInputFor(pool, amountOut, side === 'sell', maxIn)
      if (need !== undefined && (!best || need < best.amountIn)) best = { pool: pool.id, amountIn: need }
    }
    if (!best) throw new SlippageExceededError(`no pool pays ${amountOut} for at most ${maxIn}`)
    return [this.detail(m, best.pool, best.amountIn, side)]
  }

  private detail(m: Market, pool: string, amountIn: bigint, side: Side): FillLeg {
    const f = m.pool(pool)!.quoteFill(amountIn, side === 'sell')
    return { pool, amountIn, amountOut: f.amountOut, lpFee: f.lpFee, feeOnInput: f.feeOnInput, protocolFee: f.protocolFee }
  }

  private fillEvent(m: Market, orderId: string, accountId: string, side: Side, legs: FillLeg[], fromEscrow: boolean, clientOrderId?: string): EngineEvent {
    const amountIn = totalIn(legs)
    const amountOut = totalOut(legs)
    const e: EngineEvent = { type: 'fill', market: m.symbol, orderId, account: accountId, side, amountIn, amountOut, legs, fromEscrow }
    if (clientOrderId !== undefined) e.clientOrderId = clientOrderId
    return e
  }
}

/** The smallest output that keeps the average price within `limitPrice` (quote per base). */
export function limitMinOut(side: Side, amountIn: bigint, limitPrice: bigint): bigint {
  return side === 'buy' ? ceilDiv(amountIn * PRICE_ONE, limitPrice) : ceilDiv(amountIn * limitPrice, PRICE_ONE)
}

function totalIn(legs: readonly FillLeg[]): bigint {
  let sum = 0n
  for (const l of legs) sum += l.amountIn
  return sum
}

function totalOut(legs: readonly FillLeg[]): bigint {
  let sum = 0n
  for (const l of legs) sum += l.amountOut
  return sum
}

function abs(x: bigint): bigint {
  return x < 0n ? -x : x
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b
}

function adjust(map: Map<string, bigint>, key: string, delta: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + delta)
}

function positive(value: unknown, name: string): asserts value is bigint {
  if (typeof value !== 'bigint' || value <= 0n) throw new InvalidInputError(`${name} must be a positive integer amount, got ${String(value)}`)
}

function account(id: unknown): void {
  if (typeof id !== 'string' || !ACCOUNT_ID.test(id)) throw new InvalidInputError(`account id must match ${ACCOUNT_ID}, got ${String(id)}`)
}

function symbol(s: unknown): void {
  if (typeof s !== 'string' || !SYMBOL.test(s)) throw new InvalidInputError(`symbol must match ${SYMBOL}, got ${String(s)}`)
}

function checkCollateralParams(p: { ltvBps: number; liquidationThresholdBps: number }): void {
  const ok = Number.isInteger(p.ltvBps) && Number.isInteger(p.liquidationThresholdBps) && p.ltvBps >= 0 && p.ltvBps <= p.liquidationThresholdBps && p.liquidationThresholdBps <= 10_000
  if (!ok) throw new InvalidInputError('collateral params: 0 ≤ ltvBps ≤ liquidationThresholdBps ≤ 10000')
}

/** The journal's form of an event. */
export function journalEntry(e: SequencedEvent): LoggedEvent {
  return { seq: e.seq, stream: e.stream, streamSeq: e.streamSeq, type: e.event.type, ts: e.ts, body: encodeEvent(e.event) }
}

/** The trade a fill event records (undefined for other events). */
export function tradeEntry(e: SequencedEvent): TradeRecord | undefined {
  const ev = e.event
  if (ev.type !== 'fill') return undefined
  const [baseAmount, quoteAmount] = ev.side === 'sell' ? [ev.amountIn, ev.amountOut] : [ev.amountOut, ev.amountIn]
  return { seq: e.seq, market: ev.market, ts: e.ts, price: (quoteAmount * PRICE_ONE) / baseAmount, baseAmount, quoteAmount }
}
