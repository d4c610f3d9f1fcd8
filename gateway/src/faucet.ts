// The development faucet of the embedded demo: a real `deposit` command for the caller's account,
// at most once per interval per account, so the terminal's local wallet has something to trade.
import type { Venue } from '../../engine/src/venue.js'
import { RateLimitedError } from './errors.js'

/** What the faucet pays out, per request. */
export interface DevFaucetOptions {
  asset: string
  amount: bigint
  /** Least time between two payouts to one account (default 10 s). */
  intervalMs?: number
}

/** What a payout answers. */
export interface FaucetPayout {
  account: string
  asset: string
  amount: bigint
  eventSeqs: number[]
}

/** Deposits through the engine, rate-limited per account. */
export class DevFaucet {
  private readonly last = new Map<string, number>()
  private readonly intervalMs: number

  constructor(
    private readonly venue: Venue,
    private readonly options: DevFaucetOptions,
  ) {
    this.intervalMs = options.intervalMs ?? 10_000
  }

  /** Submits the deposit; RATE_LIMITED (nothing submitted) when the account was paid within the interval. */
  async pay(account: string, now: number): Promise<FaucetPayout> {
    const last = this.last.get(account)
    if (last !== undefined && now - last < this.intervalMs) throw new RateLimitedError('faucet', last + this.intervalMs - now)
    if (this.last.size > 10_000) for (const [a, t] of this.last) if (now - t >= this.intervalMs) this.last.delete(a)
    this.last.set(account, now) // before the await: two requests at once get one payout
    try {
      const r = await this.venue.submit({ type: 'deposit', account, asset: this.options.asset, amount: this.options.amount })
      return { account, asset: this.options.asset, amount: this.options.amount, eventSeqs: r.events.map((e) => e.seq) }
    } catch (err) {
      if (this.last.get(account) === now) this.last.delete(account) // refused: the account may try again
      throw err
    }
  }
}
