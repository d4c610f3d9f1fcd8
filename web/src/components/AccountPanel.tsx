// The signed-in account: collateral and synth positions valued at oracle prices, escrow, debts
// and health factors (`account` channel).
import { Table } from './Table.js'
import { formatWad, wadToNumber } from '../lib/format.js'
import type { MarketsState } from '../lib/markets.js'
import type { AccountData } from '../lib/wire.js'

export type { AccountData }

const health = (f: number | null) => (f === null ? '∞ (no debt)' : f.toFixed(2))

export function AccountPanel({ account, markets }: { account: AccountData | null; markets: MarketsState }) {
  if (!account) {
    return (
      <section className="panel account" aria-label="Account">
        <h2>Account</h2>
        <p className="muted">Sign in to see balances, positions and health.</p>
      </section>
    )
  }
  const priceOf = (asset: string) => {
    const m = markets.list.find((x) => x.base === asset)
    return m ? wadToNumber(m.oraclePrice) : asset === 'fUSD' ? 1 : 0
  }
  const assets = [...new Set([...Object.keys(account.balances), ...Object.keys(account.escrow), ...Object.keys(account.debts)])].sort((a, b) => (a === 'fUSD' ? -1 : b === 'fUSD' ? 1 : a.localeCompare(b)))
  const value = (asset: string, wad: string | undefined) => (wad ? wadToNumber(wad) * priceOf(asset) : 0)
  const equity = assets.reduce((sum, a) => sum + value(a, account.balances[a]) + value(a, account.escrow[a]) - value(a, account.debts[a]), 0)
  const lowHealth = account.healthFactor !== null && account.healthFactor < 1.2
  return (
    <section className="panel account" aria-label="Account">
      <h2>Account</h2>
      <div className="stats">
        <div>
          <span className="muted">Equity</span>
          <strong>${equity.toLocaleString(undefined, { maximumFractionDigits: 2 })}</strong>
        </div>
        <div>
          <span className="muted">Health</span>
          <strong className={lowHealth ? 'down' : ''} data-testid="health">
            {health(account.healthFactor)}
          </strong>
        </div>
        <div>
          <span className="muted">LTV health</span>
          <strong>{health(account.ltvHealthFactor)}</strong>
        </div>
      </div>
      <Table head={['asset', 'balance', 'in orders', 'debt', 'value']} testId="balances">
          {assets.map((a) => (
            <tr key={a} data-asset={a}>
              <td>{a === 'fUSD' ? 'fUSD (collateral)' : a}</td>
              <td data-testid={`balance-${a}`}>{formatWad(account.balances[a] ?? '0', a === 'fUSD' ? 2 : 6)}</td>
              <td>{formatWad(account.escrow[a] ?? '0', a === 'fUSD' ? 2 : 6)}</td>
              <td>{formatWad(account.debts[a] ?? '0', 6)}</td>
              <td>${(value(a, account.balances[a]) + value(a, account.escrow[a])).toLocaleString(undefined, { maximumFractionDigits: 2 })}</td>
            </tr>
          ))}
      </Table>
    </section>
  )
}
