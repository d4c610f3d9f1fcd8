// Every export of the native package, called with malformed arguments, either returns or throws
// an Error with a stable code — it never crashes the process, hangs, or throws a bare value.
import { test } from 'node:test'
import { inspect } from 'node:util'
import assert from 'node:assert/strict'
import * as native from '../fluxion.js'
import { seeded } from '../test-support/random.js'

/** The codes this package documents (README): anything else is a bug in a binding. */
const DOCUMENTED = new Set([
  'INVALID_INPUT',
  'OVERFLOW',
  'INSUFFICIENT_LIQUIDITY',
  'SLIPPAGE_EXCEEDED',
  'PRICE_LIMIT',
  'NO_CONVERGENCE',
  'NOT_POSITIVE_DEFINITE',
  'INTERNAL_PANIC',
])

const GARBAGE: unknown[] = [
  undefined, null, true, 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, -(2 ** 31), '1', '', {}, [],
  0n, 1n, -1n, 2n ** 64n, 2n ** 128n - 1n, 2n ** 255n, 2n ** 256n - 1n, 2n ** 256n, 2n ** 300n, -(2n ** 255n),
  [1n, 2n], [0n, 0n, 0n], [1n, -1n], [{}], [1, 2], new Float64Array(4), new Float64Array([Number.NaN, 1]),
  new BigUint64Array(3), new BigUint64Array([1n, 0n]), new Uint8Array(2), new Uint32Array(1), () => 1,
  { tick: 0, liquidityNet: 1n }, [{ tick: 0, liquidityNet: 1n }], [new Float64Array(2), new Float64Array(3)],
]

const show = (args: unknown[]) => args.map((a) => inspect(a, { depth: 1, breakLength: Infinity })).join(', ')
const CASES = Number(process.env.FLUXION_FUZZ_CASES ?? 3000)

function check(call: () => unknown, what: string): void {
  try {
    call()
  } catch (err) {
    assert.ok(err instanceof Error, `${what} threw a non-Error: ${String(err)}`)
    const code = (err as { code?: unknown }).code
    assert.ok(typeof code === 'string' && DOCUMENTED.has(code), `${what} threw code ${String(code)}: ${err.message}`)
  }
}

const exported = Object.entries(native).filter(([, v]) => typeof v === 'function') as Array<[string, (...args: unknown[]) => unknown]>
// napi classes have methods on their prototype; plain napi functions have none.
const isClass = (f: Function) => Object.getOwnPropertyNames(f.prototype ?? {}).length > 1

test('every export survives malformed arguments with a documented error code', { timeout: 120_000 }, () => {
  const rand = seeded(99)
  const pick = () => GARBAGE[rand.int(0, GARBAGE.length - 1)]
  const args = () => Array.from({ length: rand.int(0, 7) }, pick)
  assert.ok(exported.length > 5)
  for (const [name, fn] of exported) {
    for (let i = 0; i < CASES; i++) {
      const a = args()
      if (isClass(fn)) {
        let instance: Record<string, unknown> | undefined
        check(() => {
          instance = Reflect.construct(fn, a) as Record<string, unknown>
        }, `new ${name}(${show(a)})`)
        if (!instance) continue
        for (const method of Object.getOwnPropertyNames(Object.getPrototypeOf(instance))) {
          if (method === 'constructor') continue
          const m = args()
          check(() => {
            const member = instance![method]
            return typeof member === 'function' ? member.apply(instance, m) : member
          }, `${name}.${method}(${show(m)})`)
        }
      } else {
        check(() => fn(...a), `${name}(${show(a)})`)
      }
    }
  }
})
