import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WorkerEventStore } from '../engine/src/store/worker-event-store.js'
import { sampleFill } from '../engine/src/store/sample-events.js'
const store = new WorkerEventStore({ dataDir: mkdtempSync(join(tmpdir(), 'scr-')) })
await store.open()
const B = Number(process.env.B ?? 100)
let seq = 1
const d: number[] = []
const slow: string[] = []
const t0 = performance.now()
for (let i = 0; i < 1500; i++) {
  const f = Array.from({ length: B }, () => sampleFill(seq++))
  const s = performance.now()
  await store.append(f.map((x) => x.event), f.map((x) => x.trade))
  const dt = performance.now() - s
  d.push(dt)
  if (dt > 8) slow.push(`#${i} seq ${seq} ${dt.toFixed(1)}ms at ${((s - t0) / 1000).toFixed(2)}s`)
}
d.sort((a, b) => a - b)
console.log(`batch ${B}: p50 ${d[d.length >> 1]!.toFixed(2)} p90 ${d[Math.floor(d.length * 0.9)]!.toFixed(2)} p99 ${d[Math.floor(d.length * 0.99)]!.toFixed(2)} max ${d[d.length - 1]!.toFixed(1)} ms; ${(B * 1500 / ((performance.now() - t0) / 1000)).toFixed(0)} ev/s`)
console.log(slow.slice(0, 20).join('\n'))
await store.close()
