// A small seeded venue for engine tests: the demo markets priced, a liquidity provider in every
// pool, and a manual clock.
import { Engine, type EngineOptions } from '../engine.js'
import type { Command } from '../commands.js'
import { demoGenesis } from '../demo/markets.js'
import type { SequencedEvent } from '../events.js'
import type { Venue } from '../venue.js'

export const WAD = 10n ** 18n
export const PRICES: Record<string, bigint> = { sETH: 2000n * WAD, sBTC: 30_000n * WAD, sSPX: 4000n * WAD }

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public t = 1_700_000_000_000) {}
  now = () => this.t
  advance(ms: number): number {
    return (this.t += ms)
  }
}

/** An engine with the demo markets listed, priced, and seeded by provider "lp". */
export function seededVenue(options: EngineOptions = {}): { engine: Engine; clock: ManualClock; log: SequencedEvent[]; run: (c: Command) => SequencedEvent[] } {
  const clock = new ManualClock()
  const engine = new Engine({ now: clock.now, ...options })
  const log: SequencedEvent[] = []
  const run = (c: Command) => {
    const { events } = engine.execute(c)
    log.push(...events)
    return events
  }
  for (const c of demoGenesis()) run(c)
  for (const [market, price] of Object.entries(PRICES)) run({ type: 'price', market, price, publishedAt: clock.t })
  run({ type: 'deposit', account: 'lp', asset: 'fUSD', amount: 100_000_000n * WAD })
  for (const [market, price] of Object.entries(PRICES)) {
    const base = (2_000_000n * WAD * WAD) / price // $2M of synth per pool
    const pools = engine.state.markets.get(market)!.poolList()
    run({ type: 'mint', account: 'lp', market, amount: base * BigInt(pools.length) })
    for (const pool of pools) run({ type: 'add-liquidity', account: 'lp', market, pool: pool.id, base, quote: 2_000_000n * WAD })
  }
  return { engine, clock, log, run }
}

/** Prices the demo markets at PRICES, puts provider "lp"'s 1,000 sETH and 2M fUSD in the sETH
 *  oracle pool, and funds `trader` with 100,000 fUSD — through a running venue. */
export async function seedVenue(venue: Venue, publishedAt: number, trader = 'amy'): Promise<void> {
  for (const [market, price] of Object.entries(PRICES)) await venue.submit({ type: 'price', market, price, publishedAt })
  await venue.submit({ type: 'deposit', account: 'lp', asset: 'fUSD', amount: 10_000_000n * WAD })
  await venue.submit({ type: 'mint', account: 'lp', market: 'sETH', amount: 1000n * WAD })
  await venue.submit({ type: 'add-liquidity', account: 'lp', market: 'sETH', pool: 'sETH-pmm', base: 1000n * WAD, quote: 2_000_000n * WAD })
  await venue.submit({ type: 'deposit', account: trader, asset: 'fUSD', amount: 100_000n * WAD })
}
