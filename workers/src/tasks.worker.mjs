// Entry point of each pool thread. Node 20 does not apply `--import` loaders inside worker
// threads, so the TypeScript tasks are loaded through tsx's API here.
import { getPriority, setPriority } from 'node:os'
import { tsImport } from 'tsx/esm/api'

// Scans never run ahead of the default priority. A real-time engine thread starts its threads as
// ordinary ones; one that only got a raised nice value passes it on (engine/src/thread-priority.ts).
if (getPriority(0) < 0) setPriority(0, 0)

export const { healthScanClaim, liquidationScan, stressShard, monteCarloTail, monteCarloClaim } = await tsImport('./tasks.ts', import.meta.url)
