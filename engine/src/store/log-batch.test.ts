import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { LoggedEvent, TradeRecord } from './event-store.js'
import { decodeBatch, encodeBatch, mergeBatches } from './log-batch.js'

const field = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\t\n]/.test(s))
const body = fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }).filter((s) => !s.includes('\n'))

// Events of a few streams, each stream's seqs counting up, at whole ms.
const batch = fc
  .record({
    first: fc.integer({ min: 1, max: 1e12 }),
    items: fc.array(fc.record({ stream: fc.constantFrom('sETH', 'sBTC', 'accounts'), type: field, ts: fc.integer({ min: 0, max: 4e12 }), body }), { minLength: 1, maxLength: 30 }),
  })
  .map(({ first, items }) => {
    const next = new Map<string, number>()
    return items.map((it, i): LoggedEvent => {
      const streamSeq = (next.get(it.stream) ?? 0) + 1
      next.set(it.stream, streamSeq)
      return { seq: first + i, stream: it.stream, streamSeq, type: it.type, ts: it.ts, body: it.body }
    })
  })

test('a batch decodes to exactly the events encoded (tabs inside bodies included), with each stream range', () => {
  fc.assert(
    fc.property(batch, (events) => {
      const encoded = encodeBatch(events, [])
      assert.deepEqual(decodeBatch(encoded.firstSeq, encoded.text), events)
      assert.equal(encoded.lastSeq, events[events.length - 1]!.seq)
      for (const s of encoded.streams) {
        const mine = events.filter((e) => e.stream === s.stream).map((e) => e.streamSeq)
        assert.deepEqual([s.first, s.last], [mine[0], mine[mine.length - 1]])
      }
    }),
    { numRuns: 300 },
  )
})

test('fills fold into one-second candles: open and close by seq (a fill listed out of order too), high and low as numbers, volumes summed', () => {
  const events: LoggedEvent[] = [1, 2, 3].map((seq) => ({ seq, stream: 'sETH', streamSeq: seq, type: 'fill', ts: 0, body: '{}' }))
  const t = (seq: number, ts: number, price: bigint, market = 'sETH'): TradeRecord => ({ seq, market, ts, price, baseAmount: 2n, quoteAmount: 2n * price })
  const { candles } = encodeBatch(events, [t(1, 5_100, 9n), t(3, 5_999, 100n), t(2, 5_500, 10n), t(2, 6_000, 7n), t(3, 5_200, 1n, 'sBTC')])
  assert.deepEqual(candles, [
    { market: 'sETH', bucketStart: 5_000, open: 9n, high: 100n, low: 9n, close: 100n, baseVolume: 6n, quoteVolume: 238n, trades: 3 },
    { market: 'sETH', bucketStart: 6_000, open: 7n, high: 7n, low: 7n, close: 7n, baseVolume: 2n, quoteVolume: 14n, trades: 1 },
    { market: 'sBTC', bucketStart: 5_000, open: 1n, high: 1n, low: 1n, close: 1n, baseVolume: 2n, quoteVolume: 2n, trades: 1 },
  ])
})

test('an empty batch encodes to nothing; a stored line that is not an event line is an error, not a guess', () => {
  assert.deepEqual(encodeBatch([], []), { firstSeq: 0, lastSeq: 0, text: '', streams: [], candles: [] })
  assert.throws(() => decodeBatch(1, 'sETH\t1\tfill\t5\t{}\nsETH\t2\tfill'), /line 2 is not an event line/)
})

test('merged batches store what one batch of all their events and fills stores', () => {
  fc.assert(
    fc.property(batch, fc.integer({ min: 1, max: 5 }), fc.array(fc.record({ at: fc.nat(), ts: fc.integer({ min: 0, max: 5_000 }), price: fc.bigInt({ min: 1n, max: 10n ** 30n }) }), { maxLength: 40 }), (events, parts, fills) => {
      const trades: TradeRecord[] = fills
        .map((f) => ({ seq: events[f.at % events.length]!.seq, market: f.at % 2 ? 'sETH' : 'sBTC', ts: f.ts, price: f.price, baseAmount: f.price / 3n, quoteAmount: f.price * 7n }))
        .sort((a, b) => a.seq - b.seq)
      const cuts = [0, ...Array.from({ length: parts - 1 }, (_, i) => Math.floor(((i + 1) * events.length) / parts)), events.length]
      const pieces = cuts.slice(1).map((end, i) => {
        const mine = events.slice(cuts[i], end)
        return mine.length === 0 ? undefined : encodeBatch(mine, trades.filter((t) => t.seq >= mine[0]!.seq && t.seq <= mine[mine.length - 1]!.seq))
      })
      const whole = encodeBatch(events, trades)
      const merged = mergeBatches(pieces.filter((p) => p !== undefined))
      const byKey = (c: { market: string; bucketStart: number }) => `${c.market}@${c.bucketStart}`
      assert.deepEqual({ ...merged, candles: [...merged.candles].sort((a, b) => byKey(a).localeCompare(byKey(b))) }, { ...whole, candles: [...whole.candles].sort((a, b) => byKey(a).localeCompare(byKey(b))) })
    }),
    { numRuns: 200 },
  )
})
