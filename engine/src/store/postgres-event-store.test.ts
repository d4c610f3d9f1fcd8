import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eventStoreContract } from './event-store.contract.js'
import { PostgresEventStore } from './postgres-event-store.js'
import { sampleFill } from './sample-events.js'
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

test('PostgreSQL: a read-only store reads beside the writer, refuses to write (the server too), and refuses an unmigrated log', async () => {
  const schema = uniqueName('fluxion_ro')
  const writer = new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema })
  await writer.open()
  const reader = new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema, readOnly: true })
  const empty = new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema: `${schema}_none`, readOnly: true, writerLockTimeoutMs: 300 })
  try {
    const { event, trade } = sampleFill(1)
    await writer.append([event], [trade])
    await reader.open() // while the writer holds the log's lock
    assert.deepEqual(await reader.readPage(0, 10), [event])
    assert.equal(await reader.lastSeq(), 1)
    await assert.rejects(reader.append([sampleFill(2).event], []), { code: 'STORAGE_FAILED' })
    await assert.rejects(reader.saveSnapshot(1, '{}'), /read-only/)
    await assert.rejects(empty.open(), { code: 'STORAGE_FAILED' })
  } finally {
    await reader.close()
    await writer.close()
    await dropTestSchema(schema)
  }
})
