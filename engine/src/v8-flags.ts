// V8 settings for a process on the order path (the engine and its gateway), applied by each entry
// point before it takes orders: `npm start`, the replica gateway and the latency benchmarks.
//
// Allocation-site pretenuring is off. When a young-generation collection finds most objects of an
// allocation site alive, V8 allocates that site's objects in the old generation from then on.
// A burst of requests in flight taught it that about the request validator's per-field results,
// which live for microseconds. Dead in the old generation until the next full collection, they
// still point at the young values they held, and a scavenge takes those pointers as roots: every
// request's values survived and were promoted. Measured on `bench/gateway-orders.bench.ts` at
// 5,000 quotes/s with --trace-gc-nvp: 140 KB promoted per scavenge and a 1.7 ms pause, against
// 1–7 KB and 0.7 ms with it off.
//
// One code shape is kept off the order path for the same reason: an object literal that starts
// with a spread and goes on with more properties, `{ ...x, y }`. On this V8 (Node 20) the objects
// it makes survive young-generation collections whether anything holds them or not (a loop making
// them and dropping them: 3.5 MB promoted per scavenge, against none for `{ y, ...x }`,
// `{ ...x }` or `Object.assign`). Engine.execute returned its result that way: at 20,000 orders/s
// in memory, 300 KB promoted per scavenge and a 2.3 ms pause, against 30 KB and 0.8 ms once the
// spread came last (`--trace-gc-nvp`). Hence `{ events, ...result }` there, and the same in the
// journal's frames, the replica's requests and the gateway's views.
import { setFlagsFromString } from 'node:v8'

/** The flags, as they would be written on the command line. */
export const LATENCY_V8_FLAGS: readonly string[] = ['--no-allocation-site-pretenuring']

/** Sets LATENCY_V8_FLAGS in this process (V8 reads them at each collection: effective at once). */
export function applyLatencyV8Flags(): void {
  for (const flag of LATENCY_V8_FLAGS) setFlagsFromString(flag)
}
