// Entry point of each pool thread. Node 20 does not apply `--import` loaders inside worker
// threads, so the TypeScript tasks are loaded through tsx's API here.
import { getPriority, setPriority } from 'node:os'
import { tsImport } from 'tsx/esm/api'

// A thread starts with its creator's nice value (Linux), and the engine's thread raises its own
// (engine/src/thread-priority.ts): scans never run ahead of the default priority.
if (getPriority(0) < 0) setPriority(0, 0)

export const { healthScanClaim, liquidationScan, stressShard, monteCarloTail, monteCarloClaim } = await tsImport('./tasks.ts', import.meta.url)
