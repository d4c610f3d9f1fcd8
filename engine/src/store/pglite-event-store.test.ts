import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { journalPath } from './batch-journal.js'
import { eventStoreContract } from './event-store.contract.js'
import { GroupCommitLog } from './group-commit.js'
import { PgliteEventStore } from './pglite-event-store.js'
import { sampleFill } from './sample-events.js'
import { WorkerEventStore } from './worker-event-store.js'

for (const [name, make] of [
  ['PGlite (caller thread)', (dataDir: string) => new PgliteEventStore({ dataDir })],
  ['PGlite (worker thread)', (dataDir: string) => new WorkerEventStore({ dataDir })],
] as const) {
  eventStoreContract(name, async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'fluxion-pglite-')), 'data')
    return {
      store: () => make(dataDir),
      remove: async () => rmSync(join(dataDir, '..'), { recursive: true, force: true }),
    }
  })
}

test('PGlite: a second store on an open data directory is refused, naming the holder (also across threads)', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-pglite-lock-'))
  const dataDir = join(root, 'data')
  const first = new WorkerEventStore({ dataDir })
  await first.open()
  try {
    const refused = (err: Error & { code?: string }) => err.code === 'STORAGE_FAILED' && err.message.includes(`process ${process.pid}`)
    await assert.rejects(new PgliteEventStore({ dataDir }).open(), refused)
    const secondThread = new WorkerEventStore({ dataDir })
    await assert.rejects(secondThread.open(), refused) // and its thread is gone: nothing keeps the test alive
    await assert.rejects(secondThread.lastSeq(), (err: Error & { code?: string }) => err.code === 'STORAGE_FAILED')
  } finally {
    await first.close()
  }
  // Released on close: the directory opens again.
  const third = new PgliteEventStore({ dataDir })
  await third.open()
  assert.equal(await third.lastSeq(), 0)
  await third.close()
  rmSync(root, { recursive: true, force: true })
})

test('PGlite (worker thread): the journal starts afresh under load with only what PGlite lacks, and the log stays whole', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-pglite-journal-'))
  const dataDir = join(root, 'data')
  const store = new WorkerEventStore({ dataDir, journalRestartBytes: 1 }) // restart after every commit
  await store.open()
  const log = new GroupCommitLog(store)
  const appended: Promise<void>[] = []
  for (let seq = 1; seq <= 3_000; seq++) {
    const f = sampleFill(seq)
    appended.push(log.append(f.event, f.trade))
    if (seq % 100 === 0) await new Promise((resolve) => setImmediate(resolve)) // batches of ~100
  }
  await Promise.all(appended)
  assert.ok(log.stats.batches > 10)
  assert.equal(await store.lastSeq(), 3_000) // a read waits for PGlite to catch up
  assert.ok(statSync(journalPath(dataDir)).size === 0, 'PGlite has it all: the journal has started afresh')
  await store.close()
  const reopened = new PgliteEventStore({ dataDir })
  await reopened.open()
  let expected = 1
  for await (const e of reopened.readEvents(0)) assert.deepEqual(e, sampleFill(expected++).event)
  assert.equal(expected, 3_001)
  await reopened.close()
  rmSync(root, { recursive: true, force: true })
})

test('PGlite (worker thread): journaled batches gather for the ingest interval, and a read hands them over at once', { timeout: 30_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-pglite-ingest-'))
  const dataDir = join(root, 'data')
  // An interval longer than the test's timeout, and a journal that restarts after every PGlite commit.
  const store = new WorkerEventStore({ dataDir, journalRestartBytes: 1, ingestIntervalMs: 60_000 })
  await store.open()
  for (let seq = 1; seq <= 5; seq++) {
    const f = sampleFill(seq)
    await store.append([f.event], [f.trade]) // acknowledged once journaled
  }
  assert.ok(statSync(journalPath(dataDir)).size > 0, 'still gathering: PGlite has taken nothing in, so the journal has not restarted')
  assert.equal(await store.lastSeq(), 5) // the read does not wait out the interval
  assert.equal(statSync(journalPath(dataDir)).size, 0, 'PGlite took the five in as one commit and the journal restarted')
  await store.close()
  rmSync(root, { recursive: true, force: true })
})
