// One process at a time per PGlite data directory. PGlite runs PostgreSQL in single-user mode and
// takes no lock of its own (its postmaster.pid always says -42), so two processes on one
// directory would both write it and corrupt it.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import { StorageError } from '../errors.js'

/** An exclusive lock on a data directory: the file `<dir>.lock` holding the owner's pid. */
export class DataDirLock {
  private constructor(readonly path: string) {}

  /**
   * Takes the lock, or throws StorageError naming the process that holds it. A lock left by a
   * process that no longer runs (killed with SIGKILL) is taken over.
   */
  static acquire(dataDir: string): DataDirLock {
    const path = `${resolve(dataDir)}.lock`
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx')
        try {
          writeSync(fd, String(process.pid))
        } finally {
          closeSync(fd)
        }
        return new DataDirLock(path)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StorageError(`cannot lock data directory ${dataDir}: ${(err as Error).message}`, { cause: err })
        }
      }
      const owner = readOwner(path)
      if (owner !== undefined && isRunning(owner)) {
        throw new StorageError(
          `data directory ${dataDir} is in use by process ${owner} (lock ${path}); stop it, or delete the lock file if no Fluxion process runs`,
        )
      }
      unlinkSync(path) // stale: its owner died without releasing it
    }
    throw new StorageError(`cannot lock data directory ${dataDir}: another process took ${path} at the same moment`)
  }

  /** Releases the lock (only if this process still holds it). */
  release(): void {
    if (readOwner(this.path) === process.pid) unlinkSync(this.path)
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by another user
  }
}
