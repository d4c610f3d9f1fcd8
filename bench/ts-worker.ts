// Worker threads running TypeScript: tsx's loader hooks are per thread, so each worker registers
// them before importing its module.
import { Worker, type WorkerOptions } from 'node:worker_threads'

const tsxApi = import.meta.resolve('tsx/esm/api')

/** A worker thread running the TypeScript module at `url`. */
export function tsWorker(url: URL, options: WorkerOptions = {}): Worker {
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}) })`
  return new Worker(boot, { ...options, eval: true })
}
