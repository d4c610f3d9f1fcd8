import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatBps, formatPrice, formatWad, parseAmount, WAD, wadToNumber } from './format.js'

test('formatWad: separators, truncated decimals, negatives', () => {
  assert.equal(formatWad(1234567n * WAD + WAD / 2n), '1,234,567.50')
  assert.equal(formatWad('499425017507565358', 4), '0.4994')
  assert.equal(formatWad(-3n * WAD, 0), '-3')
  assert.equal(formatWad(0n), '0.00')
})

test('formatPrice picks decimals by magnitude', () => {
  assert.equal(formatPrice('2002302577853645195445'), '2,002.30')
  assert.equal(formatPrice(15n * WAD / 10n), '1.5000')
  assert.equal(formatPrice(WAD / 1000n), '0.001000')
})

test('parseAmount: exact WAD for plain decimals, undefined for anything else', () => {
  assert.equal(parseAmount('1000'), 1000n * WAD)
  assert.equal(parseAmount(' 0.5 '), WAD / 2n)
  assert.equal(parseAmount('.25'), WAD / 4n)
  assert.equal(parseAmount('1.000000000000000001'), WAD + 1n)
  for (const bad of ['', '0', '0.0', '-1', '1e3', '1,000', '1.0000000000000000001', 'abc', '1.2.3']) assert.equal(parseAmount(bad), undefined, bad)
})

test('wadToNumber and formatBps', () => {
  assert.equal(wadToNumber('2000000000000000000000'), 2000)
  assert.equal(formatBps(11.51), '0.12%')
})
