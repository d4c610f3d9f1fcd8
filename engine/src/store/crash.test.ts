// No acknowledged event is lost when the process dies: a child appends through a GroupCommitLog
// and acknowledges on stdout, is killed with SIGKILL mid-load, twice; the log is then reopened
// and must hold every acknowledged seq, gapless, byte for byte, with its trade.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, test } from 'node:test'
import type { EventStore } from './event-store.js'
import { PgliteEventStore } from './pglite-event-store.js'
import { PostgresEventStore } from './postgres-event-store.js'
import { sampleFill } from './sample-events.js'
import { dropTestSchema, serverFailure, TEST_DATABASE_URL, uniqueName } from './test-servers.js'

const root = join(import.meta.dirname, '..', '..', '..')
const writer = join(import.meta.dirname, 'crash-writer.ts')

/** Runs the writer until it has acknowledged `moreThan` events, SIGKILLs it, returns the highest acknowledged seq. */
async function runAndKill(env: Record<string, string>, moreThan: number): Promise<{ ready: number; acked: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)))
  let ready = -1
  let acked = -1
  let killScheduled = false
  for await (const line of createInterface({ input: child.stdout })) {
    const [word, value] = line.split(' ')
    if (word === 'failed') assert.fail(`writer failed: ${line}`)
    if (word === 'ready') ready = acked = Number(value)
    if (word === 'acked') acked = Number(value)
    if (ready >= 0 && acked >= ready + moreThan && !killScheduled) {
      killScheduled = true
      // A random moment within the next few batches, so the kill lands anywhere in a commit.
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 100)
    }
  }
  assert.equal(await exited, 'SIGKILL', 'the writer was killed, not stopped')
  return { ready, acked }
}

async function verify(store: EventStore, acked: number): Promise<number> {
  const last = await store.lastSeq()
  assert.ok(last >= acked, `acknowledged up to seq ${acked}, but the log ends at ${last}`)
  let expected = 1
  for await (const e of store.readEvents(0)) {
    assert.deepEqual(e, sampleFill(expected).event)
    expected++
  }
  assert.equal(expected - 1, last, 'the log is gapless')
  let trades = 0
  for (const market of ['sETH', 'sBTC', 'sSPX']) {
    for (const c of await store.candles(market, 3_600_000, 0, 2_000_000_000_000)) trades += c.trades
  }
  assert.equal(trades, last, 'every event kept its trade')
  return last
}

function crashSuite(name: string, env: () => Promise<{ vars: Record<string, string>; store: () => EventStore; cleanup: () => Promise<void> }>): void {
  test(`${name}: acknowledged appends survive SIGKILL (twice, under load)`, { timeout: 180_000 }, async () => {
    const { vars, store, cleanup } = await env()
    try {
      const first = await runAndKill(vars, 3_000)
      assert.equal(first.ready, 0)
      const second = await runAndKill(vars, 3_000)
      assert.ok(second.ready >= first.acked, `restart resumed at ${second.ready}, before the acknowledged ${first.acked}`)
      const s = store()
      await s.open()
      try {
        const last = await verify(s, second.acked)
        console.log(`${name}: acknowledged ${first.acked} then ${second.acked}; log holds ${last} (unacknowledged but committed: ${last - second.acked})`)
      } finally {
        await s.close()
      }
    } finally {
      await cleanup()
    }
  })
}

describe('crash durability', () => {
  // The journal restarts at 8 MB; the second suite restarts it after every commit, so kills land
  // around restarts too (the batches PGlite lacked must carry over into the fresh file).
  for (const [name, restartBytes] of [['PGlite', undefined], ['PGlite, journal restarting after each commit', '1']] as const) {
    crashSuite(name, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'fluxion-crash-'))
      const dataDir = join(dir, 'data')
      return {
        vars: { FLUXION_CRASH_STORE: 'pglite', FLUXION_CRASH_DATA_DIR: dataDir, ...(restartBytes ? { FLUXION_CRASH_JOURNAL_RESTART_BYTES: restartBytes } : {}) },
        store: () => new PgliteEventStore({ dataDir }),
        cleanup: async () => rmSync(dir, { recursive: true, force: true }),
      }
    })
  }

  crashSuite('PostgreSQL', async () => {
    const schema = uniqueName('fluxion_crash')
    const probe = new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema })
    await probe.open().catch((err: unknown) => {
      throw serverFailure('PostgreSQL', TEST_DATABASE_URL, err)
    })
    await probe.close()
    return {
      vars: { FLUXION_CRASH_STORE: 'postgres', FLUXION_CRASH_DATABASE_URL: TEST_DATABASE_URL, FLUXION_CRASH_SCHEMA: schema },
      store: () => new PostgresEventStore({ databaseUrl: TEST_DATABASE_URL, schema }),
      cleanup: () => dropTestSchema(schema),
    }
  })
})
