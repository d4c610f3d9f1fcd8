import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { bigintsAsStrings, toJson } from './json.js'

const reference = (v: unknown) => JSON.stringify(v, bigintsAsStrings)

test('toJson writes byte for byte what JSON.stringify with the bigint replacer writes', () => {
  // Any nesting of plain data, with bigints, undefined, non-finite numbers, -0, escapes and lone surrogates.
  const leaf = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.double(),
    fc.bigInt(),
    fc.boolean(),
    fc.constantFrom(null, undefined, -0, Number.NaN, Infinity, '"\\\n\u2028', '\ud800'),
  )
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('node')),
    object: fc.dictionary(fc.string({ unit: 'binary' }), tie('node')),
  })).node
  fc.assert(fc.property(value, (v) => assert.equal(toJson(v), reference(v))), { numRuns: 5000 })
})

test('toJson hands objects that are not plain data to the native path (toJSON, Dates, Maps)', () => {
  const v = { at: new Date(0), custom: { toJSON: () => ({ n: 1n }) }, map: new Map([[1, 2]]), nested: [Object.create(null)] }
  assert.equal(toJson(v), reference(v))
  assert.equal(toJson(undefined), undefined)
  assert.equal(toJson(() => 1), undefined)
})

test('toJson matches the reference on a real fill event, whose bigints come back with fromJson', async () => {
  const { fromJson } = await import('../events.js')
  const fill = { type: 'fill', market: 'sETH', orderId: 'o7', account: 'taker', side: 'buy', amountIn: 10n ** 21n, amountOut: 5n, legs: [{ pool: 'sETH-pmm', amountIn: 10n ** 21n, amountOut: 5n, lpFee: 1n, feeOnInput: false, protocolFee: 0n }], fromEscrow: false }
  assert.equal(toJson(fill), reference(fill))
  assert.deepEqual(fromJson(toJson(fill)), fill)
})
