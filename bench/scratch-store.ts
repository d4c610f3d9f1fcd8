import { readFileSync } from 'node:fs'
import { PostgresEventStore } from '../engine/src/store/postgres-event-store.js'
import { WorkerEventStore } from '../engine/src/store/worker-event-store.js'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GroupCommitLog } from '../engine/src/store/group-commit.js'
import { sampleFill } from '../engine/src/store/sample-events.js'
import { TEST_DATABASE_URL, uniqueName, dropTestSchema } from '../engine/src/store/test-servers.js'
const RATE = Number(process.env.RATE ?? 20000), SECONDS = Number(process.env.DUR ?? 10)
const schema = uniqueName('scr')
const store = process.env.STORE === 'pglite' ? new WorkerEventStore({ dataDir: mkdtempSync(join(tmpdir(), 'scr-')) }) : new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema })
await store.open()
if (process.env.LZ4) { const pg = (await import('pg')).default; const c = new pg.Client({ connectionString: TEST_DATABASE_URL }); await c.connect(); await c.query(`ALTER TABLE ${schema}.event_batches ALTER COLUMN events SET STORAGE EXTENDED, ALTER COLUMN events SET COMPRESSION ${process.env.LZ4}`); await c.end() }
const log = new GroupCommitLog(store)
const T = Array.from({ length: 3000 }, (_, i) => sampleFill(i + 1))
let next = 1
const meminfo = () => { const m = readFileSync('/proc/meminfo', 'utf8'); const g = (k: string) => Number(new RegExp(k + ':\\s+(\\d+)').exec(m)![1]) / 1024; return `dirty ${g('Dirty').toFixed(0)}MB wb ${g('Writeback').toFixed(1)}MB` }
const started = performance.now()
let offered = 0
const slow: string[] = []
let worst = 0, lastLog = 0
const lat: number[] = []
await new Promise<void>((resolve) => {
  let outstanding = 0
  const tick = setInterval(() => {
    const now = performance.now()
    const due = Math.min(Math.floor(((now - started) * RATE) / 1000), RATE * SECONDS)
    for (; offered < due; offered++) {
      const seq = next++; const t = T[(seq - 1) % 3000]!
      const dueAt = started + (offered * 1000) / RATE
      outstanding++
      log.append({ ...t.event, seq, streamSeq: Math.floor((seq - 1) / 3) + 1, ts: Date.now() }, { ...t.trade, seq }).then(() => {
        outstanding--
        const l = performance.now() - dueAt; lat.push(l)
        const nowT = performance.now(); if (l > 8 && nowT - lastLog > 30) { lastLog = nowT; slow.push(`t=${((performance.now() - started) / 1000).toFixed(2)}s lat ${l.toFixed(1)}ms ${meminfo()}`); worst = Math.max(worst, l) }
        if (outstanding === 0 && offered >= RATE * SECONDS) resolve()
      })
    }
    if (now >= started + SECONDS * 1000) clearInterval(tick)
  }, 1)
  const mon = setInterval(() => { if (performance.now() > started + SECONDS * 1000 + 2000) clearInterval(mon) }, 1000)
})
console.log(slow.slice(0, 40).join('\n'))
lat.sort((a,b)=>a-b); console.log('p50', lat[lat.length>>1].toFixed(2), 'p99', lat[Math.floor(lat.length*0.99)].toFixed(2), 'max', lat[lat.length-1].toFixed(1)); console.log('batches', log.stats.batches, 'max', log.stats.maxBatchSize)
if (process.env.STORE !== 'pglite') { const pg = (await import('pg')).default; const c = new pg.Client({ connectionString: TEST_DATABASE_URL }); await c.connect(); const r = await c.query(`SELECT pg_size_pretty(pg_total_relation_size('${schema}.event_batches')) s`); console.log('size', r.rows[0].s); await c.end() }
await store.close(); if (process.env.STORE !== 'pglite') await dropTestSchema(schema); process.exit(0)
