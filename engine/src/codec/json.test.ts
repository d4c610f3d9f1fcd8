import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { bigintsAsStrings, parseJsonWithBigints, toJson } from './json.js'

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

test('toJson treats toJSON, Dates, Maps, undefined and functions as JSON.stringify does', () => {
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

test('parseJsonWithBigints gives what JSON.parse with the equivalent reviver gives', () => {
  const fields = new Set(['amount', 'price', 'k'])
  const INTEGER = /^-?\d+$/
  const reviver = (key: string, v: unknown) => (fields.has(key) && typeof v === 'string' && INTEGER.test(v) ? BigInt(v) : v)
  // Keys often name a bigint field; values are often integer strings, sometimes not quite.
  const key = fc.oneof(fc.constantFrom('amount', 'price', 'k', 'legs', '__proto__', '0'), fc.string())
  const leaf = fc.oneof(fc.bigInt().map(String), fc.constantFrom('-0', '1.5', '', ' 7', '12a'), fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null))
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('node')),
    object: fc.dictionary(key, tie('node')),
  })).node
  fc.assert(
    fc.property(value, (v) => {
      const text = JSON.stringify(v)
      assert.deepEqual(parseJsonWithBigints(text, fields), JSON.parse(text, reviver))
    }),
    { numRuns: 5000 },
  )
})
