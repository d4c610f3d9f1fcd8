import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DataDirLock } from './data-dir-lock.js'

const withDir = (run: (dataDir: string) => void) => {
  const root = mkdtempSync(join(tmpdir(), 'fluxion-lock-'))
  try {
    run(join(root, 'data'))
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

test('the lock is a file beside the directory holding our pid, removed on release', () =>
  withDir((dataDir) => {
    const lock = DataDirLock.acquire(dataDir)
    assert.equal(readFileSync(`${dataDir}.lock`, 'utf8'), String(process.pid))
    lock.release()
    assert.equal(existsSync(`${dataDir}.lock`), false)
    DataDirLock.acquire(dataDir).release() // free again
  }))

test('a lock held by a running process (this one, or another) is refused with STORAGE_FAILED', () =>
  withDir((dataDir) => {
    const lock = DataDirLock.acquire(dataDir)
    assert.throws(() => DataDirLock.acquire(dataDir), (err: Error & { code?: string }) => err.code === 'STORAGE_FAILED' && err.message.includes(String(process.pid)))
    lock.release()
    writeFileSync(`${dataDir}.lock`, String(process.ppid))
    assert.throws(() => DataDirLock.acquire(dataDir), /in use by process/)
  }))

test('a lock left by a dead process (SIGKILL) or an empty lock file is taken over', () =>
  withDir((dataDir) => {
    writeFileSync(`${dataDir}.lock`, '2147483646') // no such pid
    DataDirLock.acquire(dataDir).release()
    writeFileSync(`${dataDir}.lock`, '')
    const lock = DataDirLock.acquire(dataDir)
    assert.equal(readFileSync(`${dataDir}.lock`, 'utf8'), String(process.pid))
    lock.release()
  }))

test('release leaves a lock that another process has taken since', () =>
  withDir((dataDir) => {
    const lock = DataDirLock.acquire(dataDir)
    writeFileSync(`${dataDir}.lock`, String(process.ppid))
    lock.release()
    assert.equal(readFileSync(`${dataDir}.lock`, 'utf8'), String(process.ppid))
  }))
