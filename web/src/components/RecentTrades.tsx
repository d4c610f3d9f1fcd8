// Recent public trades of the selected market (`trades:<m>`), newest first.
import { Table } from './Table.js'
import { formatPrice, formatWad } from '../lib/format.js'
import { useChannel } from '../lib/hooks.js'
import type { Push } from '../lib/protocol.js'
import type { Trade } from '../lib/wire.js'

const reduceTrades = (list: Trade[], push: Push): Trade[] =>
  push.type === 'snapshot' ? [...(push.data as { trades: Trade[] }).trades].reverse().slice(0, 50) : [push.data as Trade, ...list].slice(0, 50)

export function RecentTrades({ market }: { market: string }) {
  const trades = useChannel<Trade[]>(`trades:${market}`, reduceTrades, [])
  return (
    <section className="panel trades" aria-label="Recent trades">
      <h2>Trades</h2>
      <Table head={['time', 'price', 'size']} testId="trades">
          {trades.map((t) => (
            <tr key={t.eventSeq} className={t.side}>
              <td>{new Date(t.ts).toLocaleTimeString()}</td>
              <td>{formatPrice(t.price)}</td>
              <td>{formatWad(t.baseAmount, 4)}</td>
            </tr>
          ))}
      </Table>
    </section>
  )
}
