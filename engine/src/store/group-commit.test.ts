// GroupCommitLog over a store whose appends finish when the test says so: batching decisions are
// checked exactly here; the contract suite checks them again over the real stores.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { EventStore, LoggedEvent, TradeRecord } from './event-store.js'
import { GroupCommitLog } from './group-commit.js'
import { sampleFill } from './sample-events.js'

/** A store that records each append and leaves it pending until settled by the test. */
class ManualStore implements Pick<EventStore, 'append'> {
  calls: { events: readonly LoggedEvent[]; trades: readonly TradeRecord[]; settle: (err?: Error) => void }[] = []
  append(events: readonly LoggedEvent[], trades: readonly TradeRecord[]): Promise<void> {
    return new Promise((resolve, reject) => this.calls.push({ events, trades, settle: (err) => (err ? reject(err) : resolve()) }))
  }
}

const logOver = (store: ManualStore, options?: { maxBatch?: number }) => new GroupCommitLog(store as unknown as EventStore, options)
const tick = () => new Promise((resolve) => setImmediate(resolve))
const seqs = (events: readonly LoggedEvent[]) => events.map((e) => e.seq)

test('an idle log flushes in the same event loop turn (no timer), appends of that turn together, and resolves only when the store has', async () => {
  const store = new ManualStore()
  const log = logOver(store)
  let durable = false
  const done = log.append(sampleFill(1).event).then(() => (durable = true))
  // Later in the same turn (a microtask, as the next message's handler would be): the same batch.
  await Promise.resolve()
  void log.append(sampleFill(2).event)
  assert.equal(store.calls.length, 0)
  await tick()
  assert.equal(store.calls.length, 1)
  assert.deepEqual(seqs(store.calls[0]!.events), [1, 2])
  await tick()
  assert.equal(durable, false)
  store.calls[0]!.settle()
  await done
  assert.equal(durable, true)
})

test('appends made while a batch is in flight go together in the next one, in order, with their fills', async () => {
  const store = new ManualStore()
  const log = logOver(store)
  const order: number[] = []
  const append = (seq: number, withTrade: boolean) => {
    const f = sampleFill(seq)
    return log.append(f.event, withTrade ? f.trade : undefined).then(() => void order.push(seq))
  }
  const waits = [append(1, true)]
  await tick()
  for (let seq = 2; seq <= 50; seq++) waits.push(append(seq, seq % 5 === 0))
  await tick()
  assert.equal(store.calls.length, 1, 'the second batch waits for the first')
  assert.equal(log.stats.pending, 50)
  store.calls[0]!.settle()
  await tick()
  assert.equal(store.calls.length, 2)
  assert.deepEqual(seqs(store.calls[1]!.events), Array.from({ length: 49 }, (_, i) => i + 2))
  assert.deepEqual(store.calls[1]!.trades.map((t) => t.seq), [5, 10, 15, 20, 25, 30, 35, 40, 45, 50])
  store.calls[1]!.settle()
  await Promise.all(waits)
  assert.deepEqual(order, Array.from({ length: 50 }, (_, i) => i + 1))
  assert.deepEqual({ ...log.stats }, { batches: 2, events: 50, lastBatchSize: 49, maxBatchSize: 49, pending: 0, failed: false })
})

test('several fills of one event travel with it', async () => {
  const store = new ManualStore()
  const log = logOver(store)
  const f = sampleFill(1)
  const second = { ...f.trade, price: 1n }
  const done = log.append(f.event, [f.trade, second])
  await tick()
  assert.deepEqual(store.calls[0]!.trades, [f.trade, second])
  store.calls[0]!.settle()
  await done
})

test('maxBatch splits a burst into bounded batches', async () => {
  const store = new ManualStore()
  const log = logOver(store, { maxBatch: 4 })
  const waits = Array.from({ length: 10 }, (_, i) => log.append(sampleFill(i + 1).event))
  for (const expected of [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]) {
    await tick()
    assert.deepEqual(seqs(store.calls.at(-1)!.events), expected)
    store.calls.at(-1)!.settle()
  }
  await Promise.all(waits)
  assert.equal(log.stats.batches, 3)
})

test('flushed() waits for everything appended so far: still gathering, or in flight with nothing queued', async () => {
  const store = new ManualStore()
  const log = logOver(store)
  await log.flushed() // nothing appended: resolves
  const flushedOnlyWhenSettled = async (call: number) => {
    let flushed = false
    const waiting = log.flushed().then(() => (flushed = true))
    await tick()
    assert.equal(flushed, false)
    store.calls[call]!.settle()
    await waiting
    assert.equal(flushed, true)
  }
  void log.append(sampleFill(1).event)
  void log.append(sampleFill(2).event)
  await flushedOnlyWhenSettled(0) // asked while the batch was still gathering
  void log.append(sampleFill(3).event)
  await tick()
  assert.equal(store.calls.length, 2)
  await flushedOnlyWhenSettled(1) // asked while it was in flight
})

test('fail-stop: the failed batch, the queued appends and every later one reject with LOG_FAILED; the store is not called again', async () => {
  const store = new ManualStore()
  const log = logOver(store)
  const inFlight = log.append(sampleFill(1).event)
  await tick()
  const queued = [log.append(sampleFill(2).event), log.append(sampleFill(3).event)]
  const cause = new Error('disk full')
  store.calls[0]!.settle(cause)
  for (const p of [inFlight, ...queued]) {
    await assert.rejects(p, (err: Error & { code?: string }) => err.code === 'LOG_FAILED' && err.cause === cause && /disk full/.test(err.message))
  }
  await assert.rejects(log.append(sampleFill(4).event), (err: Error & { code?: string }) => err.code === 'LOG_FAILED')
  await assert.rejects(log.flushed(), (err: Error & { code?: string }) => err.code === 'LOG_FAILED')
  await tick()
  assert.equal(store.calls.length, 1)
  assert.equal(log.stats.failed, true)
  assert.equal(log.stats.pending, 0)
})

test('observers hear of each durable batch after its appends resolve: its size and how long the store took; a failed batch is not reported; stopping one stops only it', async () => {
  const store = new ManualStore()
  const log = logOver(store)
  const heard: { events: number; seconds: number }[] = []
  const other: number[] = []
  const stop = log.observe((b) => heard.push(b))
  log.observe((b) => other.push(b.events))
  let resolved = false
  const first = log.append(sampleFill(1).event).then(() => (resolved = true))
  void log.append(sampleFill(2).event)
  await tick()
  await new Promise((resolve) => setTimeout(resolve, 20)) // the store takes ~20 ms
  store.calls[0]!.settle()
  await first
  assert.equal(resolved, true)
  assert.equal(heard.length, 1)
  assert.equal(heard[0]!.events, 2)
  assert.ok(heard[0]!.seconds >= 0.015 && heard[0]!.seconds < 5, `${heard[0]!.seconds} s`)
  stop()
  const second = log.append(sampleFill(3).event)
  await tick()
  store.calls[1]!.settle()
  await second
  assert.equal(heard.length, 1, 'stopped')
  assert.deepEqual(other, [2, 1])
  const failing = log.append(sampleFill(4).event)
  await tick()
  store.calls[2]!.settle(new Error('disk full'))
  await assert.rejects(failing)
  assert.deepEqual(other, [2, 1], 'a failed batch is not a committed one')
})
