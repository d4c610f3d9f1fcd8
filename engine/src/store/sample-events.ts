// Deterministic fill events for the store's tests, its crash test and its benchmark: the body
// and the trade follow from the seq, so a reader can check every byte it gets back.
import type { LoggedEvent, TradeRecord } from './event-store.js'

const WAD = 10n ** 18n
const MARKETS = ['sETH', 'sBTC', 'sSPX'] as const

/** The fill event at `seq`: round-robin over three markets, one stream_seq counter per market. */
export function sampleFill(seq: number, ts = 1_700_000_000_000 + seq): { event: LoggedEvent; trade: TradeRecord } {
  const market = MARKETS[(seq - 1) % MARKETS.length]!
  const streamSeq = Math.floor((seq - 1) / MARKETS.length) + 1
  const price = 2_000n * WAD + BigInt(seq % 997) * 10n ** 15n
  const baseAmount = BigInt(1 + (seq % 13)) * 10n ** 17n
  const quoteAmount = (price * baseAmount) / WAD
  const side = seq % 2 === 0 ? 'buy' : 'sell'
  const amounts = { price: String(price), baseAmount: String(baseAmount), quoteAmount: String(quoteAmount) }
  const body = JSON.stringify({ market, side, ...amounts, account: `acct-${seq % 101}`, note: 'ünïcødé "quoted" \\ tab\tline\n' })
  return {
    event: { seq, stream: market, streamSeq, type: 'fill', ts, body },
    trade: { seq, market, ts, price, baseAmount, quoteAmount },
  }
}
