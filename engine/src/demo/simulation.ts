// The demo's market participants, trading through the real order path: makers quote limit
// orders around the oracle, takers send market orders with slippage bounds, a few take leveraged
// shorts (so prices that rise make work for the keeper), and the keeper liquidates.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64'
import type { RiskPool } from '@fluxion/workers'
import type { Command } from '../commands.js'
import type { Side } from '../events.js'
import type { OracleFeed } from '../oracle/feed.js'
import { LiquidationEngine, type LiquidationReport } from '../risk/liquidation-engine.js'
import type { Venue } from '../venue.js'
import { QUOTE_UNIT } from './markets.js'
import { LatencyStats } from './latency-stats.js'

const WAD = 10n ** 18n

export interface SimulationOptions {
  /** Orders per second the takers and makers send together. */
  ordersPerSecond: number
  takers: number
  seed: number
  /** Called with each acknowledged fill's seq (the crash test listens to this). */
  onAck?: (seq: number) => void
}

const MAKERS = ['mm1', 'mm2', 'mm3']
const KEEPER = 'keeper'

export class DemoSimulation {
  readonly submitLatency = new LatencyStats() // submit → durable acknowledgement
  readonly pathLatency = new LatencyStats() // the in-memory order path alone
  readonly refused = new Map<string, number>()
  acknowledged = 0
  lastLiquidation?: LiquidationReport
  liquidations = 0
  private rng
  private timers: NodeJS.Timeout[] = []
  private scan?: Promise<void>
  private inFlight = new Set<Promise<unknown>>()
  private readonly keeper: LiquidationEngine
  private readonly takers: string[]

  constructor(
    private readonly venue: Venue,
    private readonly feeds: readonly OracleFeed[],
    risk: RiskPool,
    private readonly options: SimulationOptions,
  ) {
    this.rng = xoroshiro128plus(options.seed)
    this.keeper = new LiquidationEngine(venue.engine, risk, { keeper: KEEPER })
    this.takers = Array.from({ length: options.takers }, (_, i) => `taker${i + 1}`)
  }

  private random(): number {
    return uniformFloat64(this.rng)
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!
  }

  /** Prices every market, then (on a fresh log) funds the participants and seeds the pools. */
  async prepare(): Promise<void> {
    await this.publishPrices()
    const st = this.venue.engine.state
    if (st.ledger.balance(KEEPER, QUOTE_UNIT) > 0n) return // funded on an earlier run
    const fund = async (account: string, amount: bigint) => this.send({ type: 'deposit', account, asset: QUOTE_UNIT, amount })
    await fund(KEEPER, 50_000_000n * WAD)
    for (const mm of MAKERS) await fund(mm, 20_000_000n * WAD)
    for (const t of this.takers) await fund(t, 200_000n * WAD)
    // Makers mint each synth and put it, with fUSD, into every pool of its market.
    for (const m of st.markets.values()) {
      const price = m.guard.lastPrice()
      for (const mm of MAKERS) {
        const quote = 1_000_000n * WAD
        const base = (quote * WAD) / price
        await this.send({ type: 'mint', account: mm, market: m.symbol, amount: base * BigInt(m.poolList().length) + base / 2n })
        for (const pool of m.poolList()) await this.send({ type: 'add-liquidity', account: mm, market: m.symbol, pool: pool.id, base, quote })
      }
    }
  }

  /** Starts the feeds, the order flow and the keeper. */
  start(): void {
    this.timers.push(setInterval(() => void this.publishPrices(), 100))
    const perTick = Math.max(1, Math.round(this.options.ordersPerSecond / 100))
    this.timers.push(setInterval(() => this.trade(perTick), 10))
    this.timers.push(setInterval(() => this.requote(), 2000))
  }

  /** Stops sending and waits for what is in flight. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    await this.scan
    await Promise.allSettled([...this.inFlight])
  }

  private async publishPrices(): Promise<void> {
    const now = Date.now()
    let moved = false
    for (const feed of this.feeds) {
      for (const u of feed.poll(now)) {
        await this.send({ type: 'price', market: u.symbol, price: u.price, publishedAt: u.publishedAt })
        moved = true
      }
    }
    if (moved && !this.scan && this.timers.length > 0) this.scan = this.liquidate().finally(() => (this.scan = undefined))
  }

  private async liquidate(): Promise<void> {
    try {
      this.lastLiquidation = await this.keeper.run()
      this.liquidations += this.lastLiquidation.liquidated.length
    } catch (err) {
      this.count(err)
    }
  }

  // One tick of order flow: mostly market orders, some limit and stop orders, a few shorts.
  private trade(orders: number): void {
    const st = this.venue.engine.state
    const markets = [...st.markets.values()]
    for (let i = 0; i < orders; i++) {
      const m = this.pick(markets)
      const price = m.guard.lastPrice()
      if (price === 0n) continue
      const account = this.pick(this.takers)
      const roll = this.random()
      const quoteSize = BigInt(Math.floor(100 + this.random() * 4900)) * WAD
      const held = st.ledger.balance(account, m.listing.base)
      const side: Side = held > 0n && this.random() < 0.5 ? 'sell' : 'buy'
      const amountIn = side === 'buy' ? quoteSize : held < (quoteSize * WAD) / price ? held : (quoteSize * WAD) / price
      if (amountIn <= 0n) continue
      const fair = side === 'buy' ? (amountIn * WAD) / price : (amountIn * price) / WAD
      if (roll < 0.8) {
        this.send({ type: 'order', account, market: m.symbol, side, kind: 'market', amountIn, minOut: (fair * 98n) / 100n }) // 2 % slippage
      } else if (roll < 0.9) {
        const offset = BigInt(Math.floor(50 + this.random() * 200)) // 0.5–2.5 % away
        const limitPrice = side === 'buy' ? (price * (10_000n - offset)) / 10_000n : (price * (10_000n + offset)) / 10_000n
        this.send({ type: 'order', account, market: m.symbol, side, kind: 'limit', amountIn, limitPrice })
      } else if (roll < 0.95 && side === 'sell') {
        this.send({ type: 'order', account, market: m.symbol, side, kind: 'stop', amountIn, stopPrice: (price * 97n) / 100n })
      } else if (roll < 0.98) {
        // A leveraged short: mint up to 1.5× the account's free fUSD and sell the synth, so a
        // rally of a third or so makes it liquidatable.
        const free = st.ledger.balance(account, QUOTE_UNIT)
        const amount = (free * 3n * WAD) / (2n * price) - ((st.position(account).debts.get(m.listing.base) ?? 0n) * 3n) / 2n
        if (amount <= 0n) continue
        this.send({ type: 'mint', account, market: m.symbol, amount })
        this.send({ type: 'order', account, market: m.symbol, side: 'sell', kind: 'market', amountIn: amount, minOut: (((amount * price) / WAD) * 98n) / 100n })
      } else {
        this.send({ type: 'cancel-all', account })
      }
    }
  }

  // Makers refresh a ladder of limit orders on both sides of each market.
  private requote(): void {
    const st = this.venue.engine.state
    for (const mm of MAKERS) {
      this.send({ type: 'cancel-all', account: mm })
      for (const m of st.markets.values()) {
        const price = m.guard.lastPrice()
        if (price === 0n) continue
        for (const bps of [30n, 60n, 120n]) {
          this.send({ type: 'order', account: mm, market: m.symbol, side: 'buy', kind: 'limit', amountIn: 10_000n * WAD, limitPrice: (price * (10_000n - bps)) / 10_000n })
          const base = (10_000n * WAD * WAD) / price
          if (st.ledger.balance(mm, m.listing.base) >= base) this.send({ type: 'order', account: mm, market: m.symbol, side: 'sell', kind: 'limit', amountIn: base, limitPrice: (price * (10_000n + bps)) / 10_000n })
        }
      }
    }
  }

  // Submits through the venue: refusals are counted by code, latencies recorded on durable ack.
  private send(command: Command): Promise<void> {
    const started = performance.now()
    let submitted: Promise<{ events: Array<{ seq: number; event: { type: string } }> }>
    try {
      submitted = this.venue.submit(command)
    } catch (err) {
      this.count(err)
      return Promise.resolve()
    }
    if (command.type === 'order') this.pathLatency.record(performance.now() - started)
    const done = submitted.then(
      (result) => {
        this.acknowledged++
        if (command.type === 'order') this.submitLatency.record(performance.now() - started)
        if (this.options.onAck) for (const e of result.events) if (e.event.type === 'fill') this.options.onAck(e.seq)
      },
      (err) => this.count(err),
    )
    this.inFlight.add(done)
    void done.finally(() => this.inFlight.delete(done))
    return done
  }

  private count(err: unknown): void {
    const code = String((err as { code?: unknown }).code ?? 'INTERNAL')
    this.refused.set(code, (this.refused.get(code) ?? 0) + 1)
    if (code === 'ENGINE_HALTED' || code === 'LOG_FAILED' || code === 'INTERNAL') console.error(err)
  }
}
