import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { openEventStore } from './open-event-store.js'
import { defaultDataDir, PgliteEventStore } from './pglite-event-store.js'
import { WorkerEventStore } from './worker-event-store.js'
import { dropTestSchema, serverFailure, TEST_DATABASE_URL, uniqueName } from './test-servers.js'

/** Runs `body` with the given environment variables set (undefined: unset), then restores them. */
async function withEnv(vars: Record<string, string | undefined>, body: () => Promise<void>): Promise<void> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) value === undefined ? delete process.env[k] : (process.env[k] = value)
  }
  apply(vars)
  try {
    await body()
  } finally {
    apply(saved)
  }
}

test('the PGlite data directory defaults to FLUXION_DATA_DIR, else ./data/fluxion', async () => {
  await withEnv({ FLUXION_DATA_DIR: undefined }, async () => assert.equal(defaultDataDir(), './data/fluxion'))
  await withEnv({ FLUXION_DATA_DIR: '/var/lib/fluxion' }, async () => assert.equal(defaultDataDir(), '/var/lib/fluxion'))
})

test('without DATABASE_URL the store is PGlite in FLUXION_DATA_DIR (in a worker thread); with it, PostgreSQL', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-open-'))
  const schema = uniqueName('fluxion_open')
  try {
    await withEnv({ DATABASE_URL: undefined, FLUXION_DATA_DIR: join(root, 'data') }, async () => {
      const store = await openEventStore()
      assert.equal(store.kind, 'pglite')
      assert.ok(store instanceof WorkerEventStore, 'PGlite runs in a worker thread by default')
      assert.equal(store.dataDir, join(root, 'data'))
      await store.close()
      const onCaller = await openEventStore({ pgliteThread: 'caller' })
      assert.ok(onCaller instanceof PgliteEventStore)
      await onCaller.close()
    })
    await withEnv({ DATABASE_URL: TEST_DATABASE_URL }, async () => {
      const store = await openEventStore({ schema }).catch((err: unknown) => {
        throw serverFailure('PostgreSQL', TEST_DATABASE_URL, err)
      })
      assert.equal(store.kind, 'postgres')
      assert.equal(await store.lastSeq(), 0)
      await store.close()
    })
  } finally {
    rmSync(root, { recursive: true, force: true })
    await dropTestSchema(schema)
  }
})
