// Entry point of each pool thread. Node 20 does not apply `--import` loaders inside worker
// threads, so the TypeScript tasks are loaded through tsx's API here.
import { tsImport } from 'tsx/esm/api'

export const { healthScanClaim, liquidationScan, stressShard, monteCarloTail, monteCarloClaim } = await tsImport('./tasks.ts', import.meta.url)
