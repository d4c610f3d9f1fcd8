// Entry point of the thread a WorkerEventStore runs PGlite in. Node 20 does not apply `--import`
// loaders inside worker threads, so the TypeScript module is loaded through tsx's API here.
import { tsImport } from 'tsx/esm/api'

await tsImport('./pglite-thread.ts', import.meta.url)
