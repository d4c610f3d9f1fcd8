// The order ticket's arithmetic: what a quote means to the person about to trade, and whether
// the terminal lets them submit it at their slippage setting.
import type { Quote, QuoteLeg } from './wire.js'

export type { Quote, QuoteLeg }

/** What the ticket shows and whether it may submit. */
export interface TicketCheck {
  /** Fees taken from the output (WAD of the output asset). */
  feeOut: bigint
  /** Fees taken from the input (WAD of the input asset). */
  feeIn: bigint
  /** The least the order may receive: the engine refuses the fill below it. */
  minReceived: bigint
  /** Null when the order may be submitted, else why not. */
  refusal: string | null
}

/** Slippage choices offered (bps). */
export const SLIPPAGE_PRESETS = [10, 50, 100, 300]

/** The largest slippage the ticket accepts (bps): 10%. */
export const MAX_SLIPPAGE_BPS = 1000

/** The least an order receives at `slippageBps` below the quoted output (rounded down). */
export const minReceived = (amountOut: bigint, slippageBps: number): bigint => (amountOut * BigInt(10_000 - Math.round(slippageBps))) / 10_000n

/**
 * Checks a quote against the user's slippage: the price impact (average price against the
 * oracle, fees included) must not exceed it, and the quote must give something.
 */
export function checkTicket(quote: Quote, slippageBps: number): TicketCheck {
  let feeOut = 0n
  let feeIn = 0n
  for (const leg of quote.legs) {
    const fee = BigInt(leg.lpFee) + BigInt(leg.protocolFee)
    if (leg.feeOnInput) feeIn += fee
    else feeOut += fee
  }
  const out = BigInt(quote.amountOut)
  let refusal: string | null = null
  if (!Number.isFinite(slippageBps) || slippageBps <= 0 || slippageBps > MAX_SLIPPAGE_BPS) refusal = `slippage must be between 0.01% and ${MAX_SLIPPAGE_BPS / 100}%`
  else if (out === 0n) refusal = 'this amount receives nothing'
  else if (quote.impactBps > slippageBps) refusal = `price impact ${(quote.impactBps / 100).toFixed(2)}% exceeds your slippage of ${(slippageBps / 100).toFixed(2)}%`
  return { feeOut, feeIn, minReceived: minReceived(out, slippageBps), refusal }
}
