// Runs every suite (`*.bench.ts` in this folder), or those whose names contain the arguments:
//   npm run bench            all suites
//   npm run bench -- v3      only suites with "v3" in their file name
import { readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const filters = process.argv.slice(2)
const suites = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort()
if (suites.length === 0) {
  console.error(`no suite matches ${filters.join(', ')}`)
  process.exit(1)
}
let failed = 0
for (const suite of suites) {
  console.log(`\n=== ${suite} ===`)
  // One process per suite, so one suite's JIT state and garbage do not skew the next.
  const r = spawnSync(process.execPath, ['--import', 'tsx', suite], { cwd: import.meta.dirname, stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
