import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PRICE_ONE, formatPrice, parsePrice, priceFromNumber } from './price.js'

test('decimal strings parse exactly to 18 decimals', () => {
  assert.equal(parsePrice('2486.69'), 2486n * PRICE_ONE + 690_000_000_000_000_000n)
  assert.equal(parsePrice('1455.219971'), 1455_219971n * 10n ** 12n)
  assert.equal(parsePrice('0.000000000000000001'), 1n)
  assert.equal(parsePrice('1.0000000000000000019'), PRICE_ONE + 1n)
  assert.equal(parsePrice('42'), 42n * PRICE_ONE)
})

test('malformed prices are refused', () => {
  for (const bad of ['', '-1', '1e3', '1.', '.5', 'NaN', '1,5']) assert.throws(() => parsePrice(bad), RangeError, bad)
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => priceFromNumber(bad), RangeError)
})

test('float prices round to 8 decimals and format back', () => {
  assert.equal(priceFromNumber(1234.567891234), 123456789123n * 10n ** 10n)
  assert.equal(formatPrice(parsePrice('2486.69')), '2486.69')
  assert.equal(formatPrice(parsePrice('0.5'), 4), '0.5000')
  assert.equal(formatPrice(-parsePrice('1.25')), '-1.25')
})
