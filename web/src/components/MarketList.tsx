// Market list with live oracle prices and their change since the page opened.
import { formatPrice } from '../lib/format.js'
import { changePercent, type MarketsState } from '../lib/markets.js'

export function MarketList({ markets, selected, onSelect }: { markets: MarketsState; selected: string; onSelect: (m: string) => void }) {
  return (
    <section className="panel markets" aria-label="Markets">
      <h2>Markets</h2>
      <ul>
        {markets.list.map((m) => {
          const change = changePercent(markets.firstPrice[m.market] ?? m.oraclePrice, m.oraclePrice)
          return (
            <li key={m.market}>
              <button className={m.market === selected ? 'market active' : 'market'} onClick={() => onSelect(m.market)} data-testid={`market-${m.market}`}>
                <span className="symbol">{m.market}</span>
                <span className="price" data-testid={`price-${m.market}`}>
                  {formatPrice(m.oraclePrice)}
                </span>
                <span className={change >= 0 ? 'up' : 'down'}>
                  {change >= 0 ? '+' : ''}
                  {change.toFixed(2)}%
                </span>
                {m.status === 'paused' && <span className="paused">paused ({m.pausedReason})</span>}
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
