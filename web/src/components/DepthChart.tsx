// Liquidity depth / price impact from `depth:<m>`: how much can be bought or sold before the
// average price moves past each impact level (amounts in fUSD).
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { depthRows, type Depth } from '../lib/depth.js'
import { useChannel } from '../lib/hooks.js'
import type { Push } from '../lib/protocol.js'

const reduceDepth = (_: Depth | null, push: Push): Depth | null => push.data as Depth

const usd = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(0)}k` : v.toFixed(0))

export function DepthChart({ market }: { market: string }) {
  const depth = useChannel<Depth | null>(`depth:${market}`, reduceDepth, null)
  const rows = depthRows(depth)
  return (
    <section className="panel depth" aria-label="Liquidity depth">
      <h2>Depth · fUSD tradable within a price impact</h2>
      <div className="chart-box small" data-testid="depth-chart" data-levels={rows.length}>
        {rows.length === 0 ? (
          <p className="muted">no depth yet</p>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid stroke="var(--grid)" vertical={false} />
              <XAxis dataKey="impact" stroke="var(--muted)" tickFormatter={(b: number) => `${b / 100}%`} />
              <YAxis stroke="var(--muted)" tickFormatter={usd} width={48} />
              <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--grid)' }} labelFormatter={(b) => `impact ≤ ${Number(b) / 100}%`} formatter={(v) => `${usd(Number(v))} fUSD`} />
              <Legend />
              <Area type="stepAfter" dataKey="buy" stroke="var(--up)" fill="var(--up)" fillOpacity={0.25} isAnimationActive={false} />
              <Area type="stepAfter" dataKey="sell" stroke="var(--down)" fill="var(--down)" fillOpacity={0.25} isAnimationActive={false} />
            </AreaChart>
          </ResponsiveContainer>
        )}
      </div>
    </section>
  )
}
