// Oracle feeds behind one interface: the engine polls each feed with its clock and gets the
// prices published since the previous poll. Replays of history and simulations are deterministic
// functions of time, so a run can be reproduced exactly.

/** One published price. */
export interface PriceUpdate {
  symbol: string
  /** WAD (18 decimals). */
  price: bigint
  /** When the source published it (ms since the epoch, on the engine's clock). */
  publishedAt: number
  /** Where it came from, e.g. "replay:sp500-2000.csv 2008-10-09". */
  source: string
}

/** A source of prices for one symbol. */
export interface OracleFeed {
  readonly symbol: string
  /** The updates published after the previous poll, up to and including `now`, oldest first. */
  poll(now: number): PriceUpdate[]
}
