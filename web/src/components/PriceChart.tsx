// Price chart: 1-minute candles and volume (REST history merged with `candles:<m>:1m`), with the
// signed-in account's own fills marked on it.
import { useEffect, useMemo, useState } from 'react'
import { Bar, BarChart, CartesianGrid, ComposedChart, ReferenceDot, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { bucketOf, candleRow, mergeCandles, type Candle, type CandleRow } from '../lib/candles.js'
import { useChannel } from '../lib/hooks.js'
import type { Push } from '../lib/protocol.js'
import { restCall } from '../lib/rest.js'

/** An own fill to mark on the chart (price in quote per base, float). */
export interface FillMark {
  orderId: string
  market: string
  side: 'buy' | 'sell'
  price: number
  ts: number
}

const reduceCandles = (series: Candle[], push: Push): Candle[] =>
  push.type === 'snapshot' ? mergeCandles(series, (push.data as { candles: Candle[] }).candles) : mergeCandles(series, [push.data as Candle])

const time = (t: number) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

/** Draws a candle in the bar slot Recharts gives for the [low, high] range. */
function CandleShape(props: { x?: number; y?: number; width?: number; height?: number; payload?: CandleRow }) {
  const { x = 0, y = 0, width = 0, height = 0, payload } = props
  if (!payload) return null
  const { open, close, high, low } = payload
  const span = high - low
  const toY = (v: number) => (span === 0 ? y : y + ((high - v) / span) * height)
  const up = close >= open
  const bodyTop = toY(Math.max(open, close))
  const bodyHeight = Math.max(1, toY(Math.min(open, close)) - bodyTop)
  const color = up ? 'var(--up)' : 'var(--down)'
  const cx = x + width / 2
  return (
    <g className="candle">
      <line x1={cx} x2={cx} y1={y} y2={y + Math.max(height, 1)} stroke={color} />
      <rect x={x + width * 0.15} width={Math.max(1, width * 0.7)} y={bodyTop} height={bodyHeight} fill={color} />
    </g>
  )
}

export function PriceChart({ market, fills }: { market: string; fills: FillMark[] }) {
  const [history, setHistory] = useState<Candle[]>([])
  useEffect(() => {
    setHistory([])
    let live = true
    const to = Date.now() + 60_000
    restCall<{ candles: Candle[] }>(`/v1/markets/${market}/candles?bucket=1m&from=${to - 4 * 3_600_000}&to=${to}`)
      .then((r) => live && setHistory(r.candles))
      .catch(() => undefined)
    return () => {
      live = false
    }
  }, [market])
  const pushed = useChannel<Candle[]>(`candles:${market}:1m`, reduceCandles, [])
  const rows = useMemo(() => mergeCandles(history, pushed).map(candleRow), [history, pushed])
  const buckets = new Set(rows.map((r) => r.t))
  const marks = fills.filter((f) => f.market === market && buckets.has(bucketOf(f.ts)))
  const last = rows.at(-1)
  return (
    <section className="panel chart" aria-label="Price chart">
      <h2>
        {market} · 1m {last && <span className="muted">close {last.close.toFixed(2)}</span>}
      </h2>
      <div className="chart-box" data-testid="price-chart" data-candles={rows.length} data-fill-marks={marks.length}>
        <ResponsiveContainer width="100%" height="75%">
          <ComposedChart data={rows} syncId={`price-${market}`} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis dataKey="t" tickFormatter={time} stroke="var(--muted)" minTickGap={40} hide />
            <YAxis domain={['auto', 'auto']} orientation="right" stroke="var(--muted)" width={64} tickFormatter={(v: number) => v.toFixed(v >= 1000 ? 0 : 2)} />
            <Tooltip
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--grid)' }}
              labelFormatter={(t) => time(Number(t))}
              formatter={(value) => [(value as number[]).map((v) => v.toFixed(2)).join(' – '), 'low – high']}
            />
            <Bar dataKey="range" shape={<CandleShape />} maxBarSize={18} isAnimationActive={false} />
            {marks.map((f) => (
              <ReferenceDot
                key={f.orderId}
                x={bucketOf(f.ts)}
                y={f.price}
                r={5}
                className="fill-mark"
                fill={f.side === 'buy' ? 'var(--up)' : 'var(--down)'}
                stroke="var(--text)"
                label={{ value: f.side === 'buy' ? 'B' : 'S', position: 'top', fill: 'var(--text)', fontSize: 11 }}
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
        <ResponsiveContainer width="100%" height="25%">
          <BarChart data={rows} syncId={`price-${market}`} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <XAxis dataKey="t" tickFormatter={time} stroke="var(--muted)" minTickGap={40} />
            <YAxis orientation="right" stroke="var(--muted)" width={64} tickFormatter={(v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : `${(v / 1e3).toFixed(0)}k`)} />
            <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--grid)' }} labelFormatter={(t) => time(Number(t))} formatter={(v) => [`${Number(v).toFixed(0)} fUSD`, 'volume']} />
            <Bar dataKey="volume" fill="var(--volume)" maxBarSize={18} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </section>
  )
}
