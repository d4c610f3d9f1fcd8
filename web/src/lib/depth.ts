// The `depth:<market>` channel (docs/protocol.md) turned into the depth chart's rows.
import { wadToNumber } from './format.js'
import type { Depth, DepthLevel } from './wire.js'

export type { Depth, DepthLevel }

/** Chart rows: per impact level, the fUSD a buy spends and a sell receives within it. */
export function depthRows(depth: Depth | null): Array<{ impact: number; buy: number; sell: number }> {
  if (!depth) return []
  const rows = new Map<number, { impact: number; buy: number; sell: number }>()
  for (const l of depth.levels) {
    const row = rows.get(l.impactBps) ?? { impact: l.impactBps, buy: 0, sell: 0 }
    if (l.side === 'buy') row.buy = wadToNumber(l.amountIn)
    else row.sell = wadToNumber(l.amountOut)
    rows.set(l.impactBps, row)
  }
  return [...rows.values()].sort((a, b) => a.impact - b.impact)
}
