// Recent public trades of the selected market (`trades:<m>`), newest first.
import { formatPrice, formatWad } from '../lib/format.js'
import { useChannel } from '../lib/hooks.js'
import type { Push } from '../lib/protocol.js'

interface Trade {
  eventSeq: number
  orderId: string
  side: 'buy' | 'sell'
  price: string
  baseAmount: string
  quoteAmount: string
  ts: number
}

const reduceTrades = (list: Trade[], push: Push): Trade[] =>
  push.type === 'snapshot' ? [...(push.data as { trades: Trade[] }).trades].reverse().slice(0, 50) : [push.data as Trade, ...list].slice(0, 50)

export function RecentTrades({ market }: { market: string }) {
  const trades = useChannel<Trade[]>(`trades:${market}`, reduceTrades, [])
  return (
    <section className="panel trades" aria-label="Recent trades">
      <h2>Trades</h2>
      <table>
        <thead>
          <tr>
            <th>time</th>
            <th>price</th>
            <th>size</th>
          </tr>
        </thead>
        <tbody data-testid="trades">
          {trades.map((t) => (
            <tr key={t.eventSeq} className={t.side}>
              <td>{new Date(t.ts).toLocaleTimeString()}</td>
              <td>{formatPrice(t.price)}</td>
              <td>{formatWad(t.baseAmount, 4)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
