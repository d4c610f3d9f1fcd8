import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { eventStoreContract } from './event-store.contract.js'
import { PgliteEventStore } from './pglite-event-store.js'

eventStoreContract('PGlite', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'fluxion-pglite-')), 'data')
  return {
    store: () => new PgliteEventStore({ dataDir }),
    remove: async () => rmSync(join(dataDir, '..'), { recursive: true, force: true }),
  }
})

test('PGlite: a second store on an open data directory is refused, naming the holder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-pglite-lock-'))
  const dataDir = join(root, 'data')
  const first = new PgliteEventStore({ dataDir })
  await first.open()
  try {
    const second = new PgliteEventStore({ dataDir })
    await assert.rejects(second.open(), (err: Error & { code?: string }) => err.code === 'STORAGE_FAILED' && err.message.includes(`process ${process.pid}`))
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
