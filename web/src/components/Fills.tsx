// The signed-in account's fills this session (`fills` channel), newest first.
import { Table } from './Table.js'
import { formatPrice, formatWad } from '../lib/format.js'
import type { FillData } from '../lib/wire.js'

export type { FillData }

export function Fills({ fills }: { fills: FillData[] }) {
  return (
    <section className="panel fills" aria-label="My fills">
      <h2>My fills</h2>
      {fills.length === 0 ? (
        <p className="muted">No fills yet.</p>
      ) : (
        <Table head={['time', 'order', 'side', 'paid', 'got', 'price']} testId="fills">
            {fills.map((f) => (
              <tr key={f.eventSeq} className={f.side}>
                <td>{new Date(f.ts).toLocaleTimeString()}</td>
                <td>{f.orderId}</td>
                <td>
                  {f.side} {f.market}
                </td>
                <td>{formatWad(f.amountIn, 4)}</td>
                <td>{formatWad(f.amountOut, 6)}</td>
                <td>{formatPrice(f.price)}</td>
              </tr>
            ))}
        </Table>
      )}
    </section>
  )
}
