import assert from 'node:assert/strict'
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { BatchJournal, decodeFrames, encodeFrame, journalPath } from './batch-journal.js'
import type { LoggedEvent } from './event-store.js'
import { encodeBatch, type EncodedBatch } from './log-batch.js'
import { PgliteEventStore } from './pglite-event-store.js'
import { sampleFill } from './sample-events.js'

const batchOf = (from: number, count: number) => {
  const fills = Array.from({ length: count }, (_, i) => sampleFill(from + i))
  return encodeBatch(
    fills.map((f) => f.event),
    fills.map((f) => f.trade),
  )
}

function withDir(run: (dir: string) => Promise<void> | void) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fluxion-journal-'))
    try {
      await run(dir)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

test(
  'a journal gives back the batches after a seq, bigints and all; a frame cut short by a crash is left out; a restart keeps only what it is given',
  withDir((dir) => {
    const path = join(dir, 'j')
    const journal = new BatchJournal(path)
    assert.deepEqual(journal.read(0), []) // no file yet
    journal.open()
    const batches = [batchOf(1, 3), batchOf(4, 2), batchOf(6, 4)]
    for (const b of batches) journal.append(encodeFrame(b))
    assert.deepEqual(journal.read(0), batches)
    assert.deepEqual(journal.read(5), batches.slice(2))
    appendFileSync(path, '{"firstSeq":10,"lastSeq":12,"streams":[],"candles":[],"length":500}\nsETH\t1\tfill') // the write a SIGKILL interrupted
    assert.deepEqual(journal.read(0), batches)
    journal.restart([encodeFrame(batches[2]!)]) // keeps what PGlite (at seq 5) lacks, drops the rest
    assert.deepEqual(journal.read(5), [batches[2]])
    const next = batchOf(10, 2)
    journal.append(encodeFrame(next)) // appends go on after it
    assert.deepEqual(journal.read(5), [batches[2], next])
    journal.close()
  }),
)

test(
  'with spareAhead a restart takes the file created ahead of it (or makes one when none is ready), reads the same, and close leaves no spare behind',
  withDir(async (dir) => {
    const path = join(dir, 'j')
    const spare = `${path}.spare`
    const journal = new BatchJournal(path, { spareAhead: true })
    journal.open()
    await journal.settled()
    assert.ok(existsSync(spare), 'a spare file is made after open')
    const batches = [batchOf(1, 3), batchOf(4, 2), batchOf(6, 4)]
    for (const b of batches) journal.append(encodeFrame(b))
    const spareInode = statSync(spare).ino
    journal.restart([encodeFrame(batches[2]!)])
    assert.equal(statSync(path).ino, spareInode, 'the spare became the journal')
    assert.deepEqual(journal.read(5), [batches[2]])
    // At once again, before the next spare is ready: the restart makes its own file.
    const next = batchOf(10, 2)
    journal.append(encodeFrame(next))
    journal.restart([encodeFrame(next)])
    assert.deepEqual(journal.read(9), [next])
    const last = batchOf(12, 1)
    journal.append(encodeFrame(last))
    assert.deepEqual(journal.read(9), [next, last])
    await journal.settled()
    assert.ok(existsSync(spare), 'a spare is made again after a restart')
    await journal.close()
    assert.ok(!existsSync(spare) && !existsSync(`${path}.new`), 'no spare or new file left')
    // Closed while its spare is still being made: that one is removed when it arrives.
    const brief = new BatchJournal(path, { spareAhead: true })
    brief.open()
    await brief.close()
    assert.ok(!existsSync(spare))
    assert.deepEqual(brief.read(9), [next, last])
  }),
)

test(
  'a gap between journaled batches, or a frame that is not a batch, is refused as corruption',
  withDir((dir) => {
    const path = join(dir, 'j')
    const journal = new BatchJournal(path)
    journal.open()
    journal.append(encodeFrame(batchOf(1, 2)))
    journal.append(encodeFrame(batchOf(5, 2)))
    assert.throws(() => journal.read(0), { code: 'STORAGE_FAILED', message: /starts at seq 5 where seq 3 was due/ })
    writeFileSync(path, 'not json\n')
    assert.throws(() => journal.read(0), { code: 'STORAGE_FAILED', message: /no batch at character 0/ })
    journal.close()
  }),
)

test('frames decode back to their batches, any text included; bytes that are not exactly one frame are refused', () => {
  // A body with 2-, 3- and 4-byte UTF-8 characters: the frame counts its text in UTF-16 units.
  const unicode: EncodedBatch = { firstSeq: 7, lastSeq: 7, text: 'sETH\t1\tnote\t0\t{"memo":"é€𝄞"}', streams: [{ stream: 'sETH', first: 1, last: 1 }], candles: [] }
  const batches = [batchOf(1, 3), batchOf(4, 2), unicode]
  assert.deepEqual(decodeFrames(batches.map(encodeFrame)), batches)
  const whole = encodeFrame(batchOf(1, 2))
  const refused = { code: 'STORAGE_FAILED', message: /not one whole batch/ }
  assert.throws(() => decodeFrames([whole.subarray(0, whole.length - 5)]), refused) // cut short
  assert.throws(() => decodeFrames([new Uint8Array([...whole, ...whole])]), refused) // two in one
  assert.throws(() => decodeFrames([new TextEncoder().encode('not json\n')]), refused)
})

test(
  'opening a PGlite data directory takes in the journaled batches beyond its log, then empties the journal',
  withDir(async (dir) => {
    const dataDir = join(dir, 'data')
    const first = new PgliteEventStore({ dataDir })
    await first.open()
    const f = [sampleFill(1), sampleFill(2)]
    await first.append(
      f.map((x) => x.event),
      f.map((x) => x.trade),
    )
    await first.close()
    // As a WorkerEventStore leaves it when killed: a batch PGlite has, then two it had not taken in yet.
    const journal = new BatchJournal(journalPath(dataDir))
    journal.open()
    for (const b of [batchOf(1, 2), batchOf(3, 3), batchOf(6, 1)]) journal.append(encodeFrame(b))
    journal.close()

    const reopened = new PgliteEventStore({ dataDir })
    await reopened.open()
    try {
      const events: LoggedEvent[] = []
      for await (const e of reopened.readEvents(0)) events.push(e)
      assert.deepEqual(events, Array.from({ length: 6 }, (_, i) => sampleFill(i + 1).event))
      const [candle] = await reopened.candles('sSPX', 60_000, 0, 2_000_000_000_000)
      assert.equal(candle?.trades, 2) // seqs 3 and 6: from the journal too
      assert.equal(readFileSync(journalPath(dataDir), 'utf8'), '')
    } finally {
      await reopened.close()
    }
  }),
)
