// The journal in front of PGlite. PGlite runs PostgreSQL with fsync off: a commit is durable
// once its WAL write has reached the kernel, so it survives the process being killed, not a
// power cut. A write(2) of the batch to an append-only file on the engine's thread gives exactly
// that guarantee in tens of microseconds, where a commit in PGlite's thread takes a millisecond or
// more and now and then stalls for tens (its JS heap collects, its files reopen). So the
// WorkerEventStore acknowledges a batch once it is here, and PGlite takes it in behind; whoever
// opens the data directory next (PgliteEventStore.open) takes in first whatever the journal holds
// beyond PGlite's last seq.
//
// A batch is encoded to its frame's bytes once (encodeFrame): the bytes are written here, kept
// until PGlite takes them in and then handed to its thread without a copy. Keeping the batch's
// text instead held ~14 MB/s of strings on the engine's heap at 20,000 orders/s for the ingest
// interval, long enough for young-generation collections to copy and promote them: the engine's
// thread promoted 4.4–5.2 MB/s then, 2.4–2.9 MB/s with frames (--trace-gc-nvp, engine-orders).
import { close, closeSync, open, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { StorageError } from '../errors.js'
import { parseJsonWithBigints, toJson } from '../codec/json.js'
import type { EncodedBatch } from './log-batch.js'

/** Where a PGlite data directory's journal lives: beside it, as its lock file does. */
export const journalPath = (dataDir: string) => `${dataDir}.journal`

const BIGINT_FIELDS = new Set(['open', 'high', 'low', 'close', 'baseVolume', 'quoteVolume'])

/**
 * One frame: a line of JSON with everything but the text and the text's length (in UTF-16 units,
 * as JS strings count), then the text as it is (escaping it as JSON would cost a copy and a scan
 * of every byte), then a newline. Undefined when the frame is cut short at the end.
 */
function readFrame(text: string, at: number): { batch: EncodedBatch; next: number } | 'corrupt' | undefined {
  const headerEnd = text.indexOf('\n', at)
  if (headerEnd === -1) return undefined
  let header: Omit<EncodedBatch, 'text'> & { length: number }
  try {
    header = parseJsonWithBigints(text.slice(at, headerEnd), BIGINT_FIELDS)
  } catch {
    return 'corrupt'
  }
  const end = headerEnd + 1 + header.length
  if (end >= text.length) return undefined
  if (text[end] !== '\n') return 'corrupt'
  const { length: _, ...rest } = header
  return { batch: { text: text.slice(headerEnd + 1, end), ...rest }, next: end + 1 } // spread last: see engine/src/v8-flags.ts
}

/** A batch's frame (see readFrame), as UTF-8 bytes in a buffer of their own (transferable). */
export function encodeFrame(batch: EncodedBatch): Uint8Array {
  const { text, ...rest } = batch
  return encoder.encode(`${toJson({ length: text.length, ...rest })}\n${text}\n`) // spread last: see engine/src/v8-flags.ts
}

/** The batches of frames made by encodeFrame, one frame each; anything else is refused. */
export function decodeFrames(frames: readonly Uint8Array[]): EncodedBatch[] {
  return frames.map((bytes) => {
    const text = decoder.decode(bytes)
    const frame = readFrame(text, 0)
    if (frame === undefined || frame === 'corrupt' || frame.next !== text.length) throw new StorageError('a journal frame handed over is not one whole batch')
    return frame.batch
  })
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function writeFrame(fd: number, frame: Uint8Array): number {
  const written = writeSync(fd, frame)
  // A regular file takes the whole write or fails; anything else leaves the frame cut short.
  if (written !== frame.byteLength) throw new StorageError(`journal: wrote ${written} of a frame's ${frame.byteLength} bytes`)
  return written
}

/** An append-only file of encoded batches, a frame each (see readFrame). */
export class BatchJournal {
  readonly #path: string
  #fd: number | undefined
  /** Whether the next restart's file is created ahead of it (see restart). */
  readonly #spareAhead: boolean
  #spare: number | undefined
  #spareOpening: Promise<void> | undefined

  /** `spareAhead`: create each restart's file ahead, off the thread (for a journal that restarts
   *  while it takes appends; WorkerEventStore's does). */
  constructor(path: string, options: { spareAhead?: boolean } = {}) {
    this.#path = path
    this.#spareAhead = options.spareAhead ?? false
  }

  /** The batches the journal holds after seq `after`, in order; a line cut short by a crash is
   *  left out (its batch was never acknowledged). A gap between batches is corruption: refused. */
  read(after: number): EncodedBatch[] {
    let text: string
    try {
      text = readFileSync(this.#path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new StorageError(`journal ${this.#path}: ${(err as Error).message}`, { cause: err })
    }
    const out: EncodedBatch[] = []
    let expected = after + 1
    for (let at = 0; at < text.length; ) {
      const frame = readFrame(text, at)
      if (frame === undefined) break // the last write, cut short by a crash: never acknowledged
      if (frame === 'corrupt') throw new StorageError(`journal ${this.#path}: no batch at character ${at}`)
      at = frame.next
      const batch = frame.batch
      if (batch.lastSeq <= after) continue
      if (batch.firstSeq !== expected) throw new StorageError(`journal ${this.#path}: a batch starts at seq ${batch.firstSeq} where seq ${expected} was due`)
      out.push(batch)
      expected = batch.lastSeq + 1
    }
    return out
  }

  /** Opens the file for appending (creating it). */
  open(): void {
    this.#fd ??= openSync(this.#path, 'a')
    this.#prepareSpare()
  }

  /** Writes one batch's frame (encodeFrame); when this returns, the batch is in the kernel.
   *  Returns the bytes written. */
  append(frame: Uint8Array): number {
    if (this.#fd === undefined) throw new StorageError(`journal ${this.#path} is not open`)
    return writeFrame(this.#fd, frame)
  }

  /** Starts the journal afresh with only `keep` (the batches PGlite lacks; everything else in it
   *  is in PGlite) and returns its size. A new file is written and renamed over the old one
   *  (atomic: a crash leaves one or the other), and the old one is closed off the thread, since
   *  freeing a file's blocks takes the kernel milliseconds. Creating the new file took ext4
   *  0.1–1 ms of the calling thread (at 5,000 orders/s a restart came every ~2 s and held the
   *  engine's thread 0.3–2.9 ms in all), so with `spareAhead` it is created beforehand on libuv's
   *  pool, and a restart only writes and renames it (0.1–0.4 ms). */
  restart(keep: readonly Uint8Array[] = []): number {
    if (this.#fd === undefined) throw new StorageError(`journal ${this.#path} is not open`)
    const spare = this.#spare
    this.#spare = undefined
    const [fresh, freshPath] = spare !== undefined ? [spare, this.#sparePath] : [openSync(`${this.#path}.new`, 'w'), `${this.#path}.new`]
    let bytes = 0
    try {
      for (const frame of keep) bytes += writeFrame(fresh, frame)
      renameSync(freshPath, this.#path)
    } catch (err) {
      closeSync(fresh)
      throw err
    }
    close(this.#fd, () => undefined)
    this.#fd = fresh
    this.#prepareSpare()
    return bytes
  }

  /** Closes the file; resolves once a spare file being created is gone too. */
  close(): Promise<void> {
    if (this.#fd !== undefined) closeSync(this.#fd)
    this.#fd = undefined
    if (this.#spare !== undefined) this.#discardSpare(this.#spare)
    this.#spare = undefined
    return this.settled()
  }

  /** Resolves once no spare file is being created (one is ready, or none is wanted). */
  settled(): Promise<void> {
    return this.#spareOpening ?? Promise.resolve()
  }

  get #sparePath(): string {
    return `${this.#path}.spare`
  }

  /** Creates the next restart's file off the thread (when asked to, and none is ready or on its way). */
  #prepareSpare(): void {
    if (!this.#spareAhead || this.#spare !== undefined || this.#spareOpening !== undefined) return
    this.#spareOpening = new Promise((resolve) =>
      open(this.#sparePath, 'w', (err, fd) => {
        this.#spareOpening = undefined
        // Without one, a restart creates its file itself; a journal closed meanwhile needs none.
        if (!err) {
          if (this.#fd === undefined) this.#discardSpare(fd)
          else this.#spare = fd
        }
        resolve()
      }),
    )
  }

  #discardSpare(fd: number): void {
    closeSync(fd)
    try {
      unlinkSync(this.#sparePath)
    } catch {
      // already gone (its directory removed, say): nothing to tidy
    }
  }
}
