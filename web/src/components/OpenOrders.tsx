// Open (resting) orders of the signed-in account, with cancel.
import { Table } from './Table.js'
import { useState } from 'react'
import { formatPrice, formatWad } from '../lib/format.js'
import { useClient } from '../lib/hooks.js'
import type { RestingOrder } from '../lib/orders.js'
import { ProtocolError } from '../lib/protocol.js'

export function OpenOrders({ orders, signedIn }: { orders: RestingOrder[]; signedIn: boolean }) {
  const client = useClient()
  const [error, setError] = useState<string | null>(null)
  const cancel = (orderId: string) => {
    setError(null)
    client.request('cancelOrder', { orderId }).catch((err: unknown) => setError(err instanceof ProtocolError ? `${err.code}: ${err.message}` : String(err)))
  }
  return (
    <section className="panel orders" aria-label="Open orders">
      <h2>Open orders</h2>
      {!signedIn ? (
        <p className="muted">Sign in to see your orders.</p>
      ) : orders.length === 0 ? (
        <p className="muted">No open orders.</p>
      ) : (
        <Table head={['order', 'market', 'side', 'amount in', 'price', '']} testId="open-orders">
            {orders.map((o) => (
              <tr key={o.orderId}>
                <td>{o.orderId}</td>
                <td>{o.market}</td>
                <td className={o.side}>
                  {o.side} {o.kind}
                </td>
                <td>{formatWad(o.amountIn, 4)}</td>
                <td>{o.limitPrice ? formatPrice(o.limitPrice) : o.stopPrice ? `stop ${formatPrice(o.stopPrice)}` : '—'}</td>
                <td>
                  <button onClick={() => cancel(o.orderId)} data-testid={`cancel-${o.orderId}`}>
                    Cancel
                  </button>
                </td>
              </tr>
            ))}
        </Table>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  )
}
