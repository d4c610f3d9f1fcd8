// Open (resting) orders of the signed-in account, with cancel, and the connection's
// cancel-on-disconnect setting.
import { Table } from './Table.js'
import { useEffect, useState } from 'react'
import { formatPrice, formatWad } from '../lib/format.js'
import { useClient, useConnectionStatus } from '../lib/hooks.js'
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
      {signedIn && <CancelOnDisconnect />}
      {error && <p className="error">{error}</p>}
    </section>
  )
}

// Kept per browser: a trader who turned it on expects it on after a reload too.
const PREFERENCE_KEY = 'fluxion.cancelOnDisconnect'

/**
 * The protocol's `setCancelOnDisconnect` for this tab's connection (off by default): when on, the
 * gateway cancels the account's resting orders once the socket closes. The setting belongs to a
 * connection, so it is sent again on every (re)connect; what is shown is what the gateway confirmed.
 */
function CancelOnDisconnect() {
  const client = useClient()
  const status = useConnectionStatus()
  const [wanted, setWanted] = useState(() => window.localStorage.getItem(PREFERENCE_KEY) === 'on')
  // The gateway's answer for the current connection; null until it has answered.
  const [applied, setApplied] = useState<boolean | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    setApplied(null)
    if (status !== 'open') return
    let current = true
    setError(null)
    client.request<{ cancelOnDisconnect: boolean }>('setCancelOnDisconnect', { enabled: wanted }).then(
      (r) => current && setApplied(r.cancelOnDisconnect),
      (err: unknown) => current && setError(err instanceof ProtocolError ? `${err.code}: ${err.message}` : String(err)),
    )
    return () => {
      current = false
    }
  }, [client, status, wanted])
  const change = (on: boolean) => {
    window.localStorage.setItem(PREFERENCE_KEY, on ? 'on' : 'off')
    setWanted(on)
  }
  return (
    <div className="setting">
      <label title="Closing or reloading this tab, signing out or losing the connection then cancels all of this account's resting orders, in every tab.">
        <input type="checkbox" checked={wanted} onChange={(e) => change(e.target.checked)} data-testid="cancel-on-disconnect" />
        <span>
          Cancel my orders when this tab disconnects{' '}
          <span className="muted">
            (<span data-testid="cancel-on-disconnect-state">{applied === null ? '…' : applied ? 'on' : 'off'}</span>)
          </span>
        </span>
      </label>
      {error && <p className="error">{error}</p>}
    </div>
  )
}
