// The engine under load is killed with SIGKILL: after a restart no acknowledged fill is missing,
// and the recovered state (snapshot + tail) hashes the same as a full replay of the log. The
// child is `npm start`'s own program with --print-acks, on PGlite and on PostgreSQL.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { test } from 'node:test'
import { decodeEvent } from '../../../engine/src/events.js'
import { openEventStore } from '../../../engine/src/store/open-event-store.js'
import { dropTestSchema, TEST_DATABASE_URL, uniqueName } from '../../../engine/src/store/test-servers.js'
import { recoverState } from '../../../engine/src/venue.js'

const root = join(import.meta.dirname, '..', '..', '..')
const program = join(import.meta.dirname, 'start.ts')

/** Runs the engine until it has acknowledged `fills` fills, SIGKILLs it, returns the acknowledged seqs. */
async function runAndKill(args: string[], env: Record<string, string>, fills: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', program, '--print-acks', '--rate', '4000', '--seed', '7', '--snapshot-every', '500', '--port', '0', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  const acked: number[] = []
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('ack ')) acked.push(Number(line.slice(4)))
    if (acked.length === fills) child.kill('SIGKILL') // mid-load: orders are in flight, batches half written
  }
  assert.equal(await exited, 'SIGKILL', `the engine was killed, not stopped:\n${stderr}`)
  return acked
}

async function checkRecovery(open: () => ReturnType<typeof openEventStore>, acked: number[]): Promise<void> {
  const store = await open()
  try {
    const fills = new Set<number>()
    for await (const e of store.readEvents(0)) if (e.type === 'fill') fills.add(e.seq)
    const missing = acked.filter((seq) => !fills.has(seq))
    assert.deepEqual(missing, [], 'acknowledged fills missing from the log')
    const recovered = await recoverState(store)
    assert.ok(recovered.fromSnapshot > 0, 'the engine snapshotted before it died')
    const replayed = await recoverState(store, { ignoreSnapshot: true })
    assert.equal(recovered.state.hash(), replayed.state.hash())
    assert.equal(recovered.state.seq, await store.lastSeq())
    // The log decodes to events the engine knows.
    for await (const e of store.readEvents(Math.max(0, recovered.state.seq - 50))) assert.ok(decodeEvent(e.body).type)
  } finally {
    await store.close()
  }
}

test('PGlite: a SIGKILLed engine loses no acknowledged fill and recovers to the replayed state', { timeout: 240_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-crash-'))
  const dir = join(root, 'data') // its journal and lock lie beside it, in root
  try {
    const env = { DATABASE_URL: '', REDIS_URL: '' }
    const first = await runAndKill(['--data-dir', dir], env, 1500)
    await checkRecovery(() => openEventStore({ dataDir: dir }), first)
    // Again on the recovered log: the restart itself must work under load too.
    const second = await runAndKill(['--data-dir', dir], env, 1500)
    assert.ok(Math.min(...second) > Math.max(...first))
    await checkRecovery(() => openEventStore({ dataDir: dir }), [...first, ...second])
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})

test('PostgreSQL: a SIGKILLed engine loses no acknowledged fill and recovers to the replayed state', { timeout: 240_000 }, async () => {
  const schema = uniqueName('crash')
  try {
    const env = { DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: '' }
    const acked = await runAndKill(['--db-schema', schema], env, 1500)
    await checkRecovery(() => openEventStore({ databaseUrl: TEST_DATABASE_URL, schema }), acked)
  } finally {
    await dropTestSchema(schema)
  }
})
