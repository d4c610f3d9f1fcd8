#!/usr/bin/env node
// Runs every TypeScript test (`*.test.ts` beside its source) with Node's test runner through tsx.
// Node 20's runner takes no globs, so the files are listed here.
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { spawnSync } from 'node:child_process'

const root = new URL('..', import.meta.url).pathname
const skip = new Set(['node_modules', 'target', 'dist', '.git', 'test-output'])

function* testFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* testFiles(path)
    else if (entry.name.endsWith('.test.ts')) yield relative(root, path)
  }
}

const filter = process.argv.slice(2)
const files = [...testFiles(root)].filter((f) => filter.length === 0 || filter.some((s) => f.includes(s))).sort()
if (files.length === 0) {
  console.error('no test files found')
  process.exit(1)
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
  cwd: root,
  stdio: 'inherit',
})
process.exit(result.status ?? 1)
