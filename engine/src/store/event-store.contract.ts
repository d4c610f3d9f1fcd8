// The one behaviour every EventStore must have, run against each implementation
// (pglite-event-store.test.ts, postgres-event-store.test.ts).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { MIGRATIONS } from './schema.js'
import type { LoggedEvent, PagedEventStore, TradeRecord } from './event-store.js'
import { GroupCommitLog } from './group-commit.js'
import { sampleFill } from './sample-events.js'

/** One place to keep a log (a data directory, a schema); `open` may be called again after close. */
export interface StoreLocation {
  /** A new, not yet opened store over this location. */
  store(): PagedEventStore
  /** Removes the location. */
  remove(): Promise<void>
}

async function readAll(store: PagedEventStore, after = 0): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = []
  for await (const e of store.readEvents(after)) out.push(e)
  return out
}

const fills = (from: number, count: number) => Array.from({ length: count }, (_, i) => sampleFill(from + i))
const events = (f: ReturnType<typeof fills>) => f.map((x) => x.event)
const trades = (f: ReturnType<typeof fills>) => f.map((x) => x.trade)
const code = (c: string) => (err: unknown) => (err as { code?: string }).code === c

const MINUTE = 60_000
const T0 = 1_700_000_040_000 // a whole minute since the epoch

/**
 * Registers the shared suite. `newLocation` makes an empty location; it is called once for the
 * main log and once for the GroupCommitLog tests.
 */
export function eventStoreContract(name: string, newLocation: () => Promise<StoreLocation>): void {
  describe(`${name} event store contract`, () => {
    let location: StoreLocation
    let store: PagedEventStore

    before(async () => {
      location = await newLocation()
      store = location.store()
      await store.open()
    })
    after(async () => {
      await store?.close()
      await location?.remove()
    })

    test('an empty log: last seq 0, no events, no snapshot, no candles', async () => {
      assert.equal(await store.lastSeq(), 0)
      assert.deepEqual(await readAll(store), [])
      assert.equal(await store.latestSnapshot(), undefined)
      assert.deepEqual(await store.candles('sETH', MINUTE, 0, Date.now()), [])
    })

    test('migrations are recorded once and opening again applies nothing new', async () => {
      const versions = MIGRATIONS.map((m) => m.version)
      assert.deepEqual(await store.appliedMigrations(), versions)
      await store.open() // already open: a no-op
      const again = location.store()
      if (store.kind === 'postgres') {
        // One writer per log: a second store on the same schema waits for the writer lock, then
        // is refused (as PGlite's locked directory refuses a second process).
        await assert.rejects(again.open(), { code: 'STORAGE_FAILED', message: /another writer/ })
      }
      assert.deepEqual(await store.appliedMigrations(), versions)
    })

    test('append then read back: byte-exact bodies, in seq order, across read pages', async () => {
      const batch = fills(1, 4_500) // more than two read pages
      await store.append(events(batch.slice(0, 1)), trades(batch.slice(0, 1)))
      await store.append(events(batch.slice(1, 2_000)), trades(batch.slice(1, 2_000)))
      await store.append(events(batch.slice(2_000)), []) // events without fills
      assert.equal(await store.lastSeq(), 4_500)
      assert.deepEqual(await readAll(store), events(batch))
      assert.deepEqual(await readAll(store, 4_490), events(batch.slice(4_490)))
      assert.deepEqual(await readAll(store, 4_500), [])
      await store.append([], []) // nothing to do
      assert.equal(await store.lastSeq(), 4_500)
    })

    test('text of any shape round-trips: quotes, commas, braces, backslashes, NULL-like words, emoji (one line, not empty)', async () => {
      const last = await store.lastSeq()
      const odd = ['we"ird,{stream}\\', 'NULL', '', ' spaced ', '𝔽luxion 🚀', '\\N', "it's"]
      const batch = odd.map((text, i) => ({ seq: last + 1 + i, stream: `odd-${text}`, streamSeq: 1, type: `odd-${text}`, ts: T0 + i, body: JSON.stringify({ text }) + text }))
      const oddTrades = odd.map((text, i) => ({ ...sampleFill(last + 1 + i).trade, market: `odd-${text}` }))
      batch.push({ seq: last + 1 + odd.length, stream: 'tabs', streamSeq: 1, type: 'tabs', ts: T0, body: 'a body\twith\ttabs\t' })
      await store.append(batch, oddTrades)
      assert.deepEqual(await readAll(store, last), batch)
      const candles = await store.candles('odd-we"ird,{stream}\\', MINUTE, 0, 2 * T0)
      assert.equal(candles.length, 1)
    })

    test('a gap, an overlap, a non-consecutive batch or a stream seq that goes back is rejected and writes nothing', async () => {
      const last = await store.lastSeq()
      const before = await store.candles('sETH', MINUTE, 0, 2 * T0)
      const gap = fills(last + 2, 3)
      await assert.rejects(store.append(events(gap), trades(gap)), code('SEQUENCE_CONFLICT'))
      const overlap = fills(last, 3)
      await assert.rejects(store.append(events(overlap), trades(overlap)), code('SEQUENCE_CONFLICT'))
      const holes = [sampleFill(last + 1), sampleFill(last + 3)]
      await assert.rejects(store.append(events(holes), trades(holes)), code('SEQUENCE_CONFLICT'))
      // Right seqs, but the second event reuses a (stream, stream seq) already in the log...
      const clash = fills(last + 1, 2)
      clash[1]!.event = { ...clash[1]!.event, stream: 'sETH', streamSeq: 1 }
      await assert.rejects(store.append(events(clash), trades(clash)), code('SEQUENCE_CONFLICT'))
      // ...or one stream goes back within the batch.
      const backwards = fills(last + 1, 4)
      backwards[3]!.event = { ...backwards[3]!.event, stream: backwards[0]!.event.stream, streamSeq: backwards[0]!.event.streamSeq }
      await assert.rejects(store.append(events(backwards), trades(backwards)), code('SEQUENCE_CONFLICT'))
      const orphan = sampleFill(last + 5).trade
      await assert.rejects(store.append(events(fills(last + 1, 1)), [orphan]), code('SEQUENCE_CONFLICT'))
      await assert.rejects(store.append([], [orphan]), code('SEQUENCE_CONFLICT'))
      assert.equal(await store.lastSeq(), last)
      assert.deepEqual(await store.candles('sETH', MINUTE, 0, 2 * T0), before)
      // The refused batches moved no stream: the right next one still goes in.
      const next = fills(last + 1, 3)
      await store.append(events(next), trades(next))
      assert.deepEqual(await readAll(store, last), events(next))
    })

    test('a malformed amount, ts, stream seq or text is rejected before anything is written', async () => {
      const last = await store.lastSeq()
      const f = sampleFill(last + 1)
      await assert.rejects(store.append([f.event], [{ ...f.trade, price: 1.5 as unknown as bigint }]), code('INVALID_INPUT'))
      await assert.rejects(store.append([f.event], [{ ...f.trade, baseAmount: -1n }]), code('INVALID_INPUT'))
      await assert.rejects(store.append([f.event], [{ ...f.trade, quoteAmount: 10n ** 78n }]), code('INVALID_INPUT'))
      await assert.rejects(store.append([f.event], [{ ...f.trade, price: '12' as unknown as bigint }]), code('INVALID_INPUT'))
      await assert.rejects(store.append([{ ...f.event, ts: 1.5 }], []), code('INVALID_INPUT'))
      await assert.rejects(store.append([{ ...f.event, streamSeq: 0 }], []), code('INVALID_INPUT'))
      await assert.rejects(store.append([{ ...f.event, body: '{\n"type": "fill"}' }], []), code('INVALID_INPUT'))
      await assert.rejects(store.append([{ ...f.event, stream: 's\tETH' }], []), code('INVALID_INPUT'))
      await assert.rejects(store.append([f.event], [{ ...f.trade, market: 's\nETH' }]), code('INVALID_INPUT'))
      await assert.rejects(store.append([{ ...f.event, type: '' }], []), code('INVALID_INPUT'))
      await assert.rejects(store.append([f.event], [{ ...f.trade, ts: Number.NaN }]), code('INVALID_INPUT'))
      await assert.rejects(store.append([f.event], [{ ...f.trade, seq: last + 0.5 }]), code('SEQUENCE_CONFLICT'))
      assert.equal(await store.lastSeq(), last)
    })

    test('snapshots: only at a seq the log has reached; the latest wins; same seq replaces', async () => {
      const last = await store.lastSeq()
      await assert.rejects(store.saveSnapshot(last + 1, 'ahead'), code('SEQUENCE_CONFLICT'))
      await assert.rejects(store.saveSnapshot(-1, 'negative'), code('INVALID_INPUT'))
      assert.equal(await store.latestSnapshot(), undefined)
      await store.saveSnapshot(10, '{"at":10}')
      await store.saveSnapshot(last, '{"at":"last"}')
      await store.saveSnapshot(20, '{"at":20}')
      assert.deepEqual(await store.latestSnapshot(), { seq: last, state: '{"at":"last"}' })
      const big = JSON.stringify({ balances: Array.from({ length: 20_000 }, (_, i) => [`acct-${i}`, `${i}000000000000000000`]) })
      await store.saveSnapshot(last, big)
      assert.deepEqual(await store.latestSnapshot(), { seq: last, state: big })
    })

    test('candles: OHLCV per bucket, prices compared as numbers, [from, to) respected, across batches', async () => {
      const last = await store.lastSeq()
      const WAD = 10n ** 18n
      const wad = (n: bigint) => (n * WAD).toString()
      // Prices chosen so that comparing them as strings would pick the wrong high and low.
      const plan: [ms: number, market: string, price: bigint, base: bigint][] = [
        [T0 + 1_000, 'sXAU', 100n, 1n],
        [T0 + 10_000, 'sXAU', 9n, 2n], // low (as a string '9...' would be the high)
        [T0 + 10_000, 'sXAU', 1_000n, 3n], // high, same ms: seq breaks the tie
        [T0 + 30_000, 'sOIL', 5n, 100n], // another market: ignored
        [T0 + 59_999, 'sXAU', 110n, 4n], // close of the first bucket
        [T0 + 60_000, 'sXAU', 130n, 5n], // second bucket opens
        [T0 + 179_999, 'sXAU', 120n, 6n], // third bucket (the second minute is empty)
        [T0 + 180_000, 'sXAU', 1n, 7n], // at `to`: excluded
      ]
      const batch: LoggedEvent[] = []
      const fillsOf: TradeRecord[] = []
      plan.forEach(([ts, market, price, base], i) => {
        const seq = last + 1 + i
        batch.push({ seq, stream: `${market}-candles`, streamSeq: i + 1, type: 'fill', ts, body: '{}' })
        fillsOf.push({ seq, market, ts, price: price * WAD, baseAmount: base * WAD, quoteAmount: price * base * WAD })
      })
      // Two fills in one event keep their order: the later one closes the third bucket.
      fillsOf.push({ seq: last + 7, market: 'sXAU', ts: T0 + 179_999, price: 125n * WAD, baseAmount: WAD, quoteAmount: 125n * WAD })
      // Three batches: the first minute's candle is built across two of them.
      const inBatch = (seq: number) => (t: TradeRecord) => t.seq <= last + seq
      await store.append(batch.slice(0, 2), fillsOf.filter(inBatch(2)))
      await store.append(batch.slice(2, 5), fillsOf.filter((t) => t.seq > last + 2 && t.seq <= last + 5))
      await store.append(batch.slice(5), fillsOf.filter((t) => t.seq > last + 5))
      const candles = await store.candles('sXAU', MINUTE, T0, T0 + 180_000)
      assert.deepEqual(candles, [
        { market: 'sXAU', bucketStart: T0, open: wad(100n), high: wad(1_000n), low: wad(9n), close: wad(110n), baseVolume: wad(10n), quoteVolume: wad(100n + 18n + 3_000n + 440n), trades: 4 },
        { market: 'sXAU', bucketStart: T0 + MINUTE, open: wad(130n), high: wad(130n), low: wad(130n), close: wad(130n), baseVolume: wad(5n), quoteVolume: wad(650n), trades: 1 },
        { market: 'sXAU', bucketStart: T0 + 2 * MINUTE, open: wad(120n), high: wad(125n), low: wad(120n), close: wad(125n), baseVolume: wad(7n), quoteVolume: wad(720n + 125n), trades: 2 },
      ])
      // Hour buckets fold them together; a range that starts mid-bucket still reports the bucket's start.
      const hour = await store.candles('sXAU', 3_600_000, T0 + 10_000, T0 + 60_001)
      assert.deepEqual(hour.map((c) => [c.bucketStart % 3_600_000, c.open, c.close, c.trades]), [[0, wad(9n), wad(130n), 4]])
      assert.deepEqual(await store.candles('sXAU', MINUTE, T0, T0), [])
      await assert.rejects(store.candles('sXAU', 0, T0, T0 + 1), code('INVALID_INPUT'))
      await assert.rejects(store.candles('sXAU', 1_500, T0, T0 + 1), code('INVALID_INPUT'))
    })

    test('closing and opening again keeps the log, snapshots and trades', async () => {
      const lastSeq = await store.lastSeq()
      const all = await readAll(store)
      const snapshot = await store.latestSnapshot()
      const candles = await store.candles('sXAU', MINUTE, T0, T0 + 180_000)
      await store.close()
      await assert.rejects(store.lastSeq(), code('STORAGE_FAILED'))
      store = location.store()
      await store.open()
      assert.equal(await store.lastSeq(), lastSeq)
      assert.deepEqual(await readAll(store), all)
      assert.deepEqual(await store.latestSnapshot(), snapshot)
      assert.deepEqual(await store.candles('sXAU', MINUTE, T0, T0 + 180_000), candles)
    })

    test('GroupCommitLog: appends made while a batch is in flight share the next batch; promises resolve in order', async () => {
      const log = new GroupCommitLog(store)
      const start = (await store.lastSeq()) + 1
      const resolved: number[] = []
      const track = (seq: number, p: Promise<void>) => p.then(() => void resolved.push(seq))
      const first = sampleFill(start)
      const waits = [track(start, log.append(first.event, first.trade))]
      await new Promise((resolve) => setImmediate(resolve)) // the first batch (one event) is now in flight, or done
      for (let seq = start + 1; seq < start + 1_001; seq++) {
        const f = sampleFill(seq)
        waits.push(track(seq, log.append(f.event, seq % 2 ? f.trade : [f.trade])))
      }
      await log.flushed()
      await Promise.all(waits)
      assert.deepEqual(resolved, Array.from({ length: 1_001 }, (_, i) => start + i))
      assert.deepEqual({ ...log.stats }, { batches: 2, events: 1_001, lastBatchSize: 1_000, maxBatchSize: 1_000, pending: 0, failed: false })
      assert.equal(await store.lastSeq(), start + 1_000)
      const back = await readAll(store, start - 1)
      assert.deepEqual(back, Array.from({ length: 1_001 }, (_, i) => sampleFill(start + i).event))
    })

    test('GroupCommitLog: maxBatch bounds a batch', async () => {
      const log = new GroupCommitLog(store, { maxBatch: 300 })
      const start = (await store.lastSeq()) + 1
      const waits = Array.from({ length: 1_000 }, (_, i) => {
        const f = sampleFill(start + i)
        return log.append(f.event, f.trade)
      })
      await Promise.all(waits)
      assert.equal(log.stats.batches, 4)
      assert.equal(log.stats.maxBatchSize, 300)
      assert.equal(log.stats.lastBatchSize, 100)
      assert.equal(await store.lastSeq(), start + 999)
    })

    test('GroupCommitLog: a failed batch fails every pending and later append with LOG_FAILED (fail-stop)', async () => {
      const log = new GroupCommitLog(store)
      const start = (await store.lastSeq()) + 1
      const ok = sampleFill(start)
      await log.append(ok.event, ok.trade)
      // The engine's state would now be ahead of the log: a seq that leaves a gap.
      const bad = sampleFill(start + 2)
      const failing = log.append(bad.event, bad.trade)
      const queued = log.append(sampleFill(start + 3).event)
      await assert.rejects(failing, code('LOG_FAILED'))
      await assert.rejects(queued, code('LOG_FAILED'))
      await assert.rejects(log.append(sampleFill(start + 1).event), code('LOG_FAILED'))
      await assert.rejects(log.flushed(), code('LOG_FAILED'))
      assert.equal(log.stats.failed, true)
      assert.equal(await store.lastSeq(), start)
    })
  })
}
