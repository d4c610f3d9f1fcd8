// `npm start`'s flags: a bad port or an unknown flag is refused before anything opens; --help names
// the gateway flags.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'

const root = join(import.meta.dirname, '..', '..', '..')
const program = join(import.meta.dirname, 'start.ts')
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', program, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' } })

test('--port outside 0..65535 or not a number exits 2 naming the flag', () => {
  for (const port of ['65536', '-1', 'abc', '80.5', '']) {
    const r = run(`--port=${port}`)
    assert.equal(r.status, 2, `--port ${port}: ${r.stderr}`)
    assert.match(r.stderr, new RegExp(`--port must be an integer in 0\\.\\.65535, got ${port.replace('.', '\\.')}`))
  }
})

test('an unknown flag exits 2 with the usage, not a stack trace', () => {
  const r = run('--prot', '8080')
  assert.equal(r.status, 2)
  assert.match(r.stderr, /Unknown option '--prot'/)
  assert.match(r.stderr, /Usage: npm start/)
  assert.doesNotMatch(r.stderr, /at .*parse_args/)
})

test('--help documents the gateway flags', () => {
  const r = run('--help')
  assert.equal(r.status, 0)
  for (const flag of ['--port', '--host', '--web-root']) assert.match(r.stdout, new RegExp(flag))
})
