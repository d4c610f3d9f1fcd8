import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { eventStoreContract } from './event-store.contract.js'
import { PgliteEventStore } from './pglite-event-store.js'
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
