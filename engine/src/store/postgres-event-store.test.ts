import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eventStoreContract } from './event-store.contract.js'
import { PostgresEventStore } from './postgres-event-store.js'
import { dropTestSchema, serverFailure, TEST_DATABASE_URL, uniqueName } from './test-servers.js'

eventStoreContract('PostgreSQL', async () => {
  const schema = uniqueName('fluxion_test')
  const probe = new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema })
  try {
    await probe.open()
  } catch (err) {
    throw serverFailure('PostgreSQL', TEST_DATABASE_URL, err)
  }
  await probe.close()
  return {
    store: () => new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema, writerLockTimeoutMs: 300 }),
    remove: () => dropTestSchema(schema),
  }
})

test('PostgreSQL: an unreachable server fails open() with STORAGE_FAILED naming the URL without its password', async () => {
  const store = new PostgresEventStore({ databaseUrl: 'postgres://fluxion:secret@127.0.0.1:1/nowhere' })
  await assert.rejects(store.open(), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'STORAGE_FAILED')
    assert.match(err.message, /127\.0\.0\.1:1\/nowhere/)
    assert.doesNotMatch(err.message, /secret/)
    return true
  })
})

test('PostgreSQL: a schema name that is not a plain identifier is refused', () => {
  assert.throws(() => new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema: 'x; drop table events' }), /schema name/)
})
