import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import type { LoggedEvent } from './event-store.js'
import { PgliteEventStore } from './pglite-event-store.js'
import { CREATE_MIGRATIONS_TABLE_SQL, MIGRATIONS, RECORD_MIGRATION_SQL } from './schema.js'

const T0 = 1_700_000_040_000 // a whole minute
const WAD = 10n ** 18n

test('migration 3 moves a version-2 log (a row per event and per trade) into batches, stream positions and one-second candles', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-migrate-'))
  const dataDir = join(root, 'data')
  // A log as the previous schema version wrote it.
  const old = await PGlite.create(dataDir)
  await old.exec(CREATE_MIGRATIONS_TABLE_SQL)
  for (const m of MIGRATIONS.filter((m) => m.version <= 2)) {
    await old.exec(m.sql)
    await old.query(RECORD_MIGRATION_SQL, [m.version, m.name])
  }
  const events: LoggedEvent[] = [
    { seq: 1, stream: 'accounts', streamSeq: 1, type: 'deposit', ts: T0, body: '{"type":"deposit","amount":"5"}' },
    { seq: 2, stream: 'sETH', streamSeq: 1, type: 'fill', ts: T0 + 100, body: '{"type":"fill","note":"tab\\tand \\"quotes\\""}' },
    { seq: 3, stream: 'sETH', streamSeq: 2, type: 'fill', ts: T0 + 900, body: '{"type":"fill"}' },
    { seq: 4, stream: 'sETH', streamSeq: 3, type: 'fill', ts: T0 + 1_500, body: '{"type":"fill"}' },
  ]
  for (const e of events) await old.query('INSERT INTO events VALUES ($1, $2, $3, $4, $5, $6)', [e.seq, e.stream, e.streamSeq, e.type, e.ts, e.body])
  const trades: [seq: number, ordinal: number, ms: number, price: bigint][] = [
    [2, 0, T0 + 100, 2_000n],
    [2, 1, T0 + 100, 1_990n],
    [3, 0, T0 + 900, 2_010n],
    [4, 0, T0 + 1_500, 2_005n],
  ]
  for (const [seq, ordinal, ms, price] of trades) {
    await old.query(`INSERT INTO trades VALUES ('sETH', to_timestamp($1::bigint / 1000.0), $2, $3, $4, $5, $6, 'buy')`, [ms, seq, ordinal, String(price * WAD), String(WAD), String(price * WAD)])
  }
  await old.close()

  const store = new PgliteEventStore({ dataDir })
  await store.open()
  try {
    assert.deepEqual(await store.appliedMigrations(), MIGRATIONS.map((m) => m.version))
    assert.equal(await store.lastSeq(), 4)
    const back: LoggedEvent[] = []
    for await (const e of store.readEvents(0)) back.push(e)
    assert.deepEqual(back, events)
    // The first second's candle folds three fills, in seq then ordinal order.
    const seconds = await store.candles('sETH', 1_000, T0, T0 + 2_000)
    assert.deepEqual(
      seconds.map((c) => [c.bucketStart - T0, c.open, c.high, c.low, c.close, c.trades]),
      [
        [0, String(2_000n * WAD), String(2_010n * WAD), String(1_990n * WAD), String(2_010n * WAD), 3],
        [1_000, String(2_005n * WAD), String(2_005n * WAD), String(2_005n * WAD), String(2_005n * WAD), 1],
      ],
    )
    // Stream positions came along: sETH cannot repeat seq 3, and goes on at 4.
    const fill = (seq: number, streamSeq: number): LoggedEvent => ({ seq, stream: 'sETH', streamSeq, type: 'fill', ts: T0 + 3_000, body: '{}' })
    await assert.rejects(store.append([fill(5, 3)], []), (err: Error & { code?: string }) => err.code === 'SEQUENCE_CONFLICT')
    await store.append([fill(5, 4)], [])
  } finally {
    await store.close()
  }
  // The events view shows the log an event a row, for SQL readers.
  const db = await PGlite.create(dataDir)
  try {
    const rows = (await db.query<{ seq: number; stream: string; stream_seq: number; body: string }>('SELECT seq, stream, stream_seq, body FROM events ORDER BY seq')).rows
    assert.deepEqual(
      rows.map((r) => [Number(r.seq), r.stream, Number(r.stream_seq), r.body]),
      [...events.map((e) => [e.seq, e.stream, e.streamSeq, e.body]), [5, 'sETH', 4, '{}']],
    )
  } finally {
    await db.close()
    rmSync(root, { recursive: true, force: true })
  }
})
