import assert from 'node:assert/strict'
import { test } from 'node:test'
import { envelopeId, parseRequest } from './schema.js'

test('requests: decimals become bigints, bad envelopes, methods and params get their codes', () => {
  const r = parseRequest({ method: 'quote', id: 7, params: { market: 'sETH', side: 'buy', amountIn: '1000000000000000000' } })
  assert.deepEqual(r, { method: 'quote', id: 7, params: { market: 'sETH', side: 'buy', amountIn: 10n ** 18n } })
  assert.throws(() => parseRequest([1]), { code: 'INVALID_REQUEST' })
  assert.throws(() => parseRequest({ method: 'ping' }), { code: 'INVALID_REQUEST' })
  assert.throws(() => parseRequest({ method: 'toString', id: 1 }), { code: 'UNKNOWN_METHOD' })
  assert.throws(() => parseRequest({ method: 'quote', id: 1, params: { market: 'sETH', side: 'buy', amountIn: 1 } }), { code: 'INVALID_PARAMS' })
  assert.throws(() => parseRequest({ method: 'quote', id: 1, params: { market: 'sETH', side: 'buy', amountIn: '0' } }), { code: 'INVALID_PARAMS' })
  assert.throws(() => parseRequest({ method: 'placeOrder', id: 1, params: { market: 'sETH', side: 'buy', kind: 'market' } }), { code: 'INVALID_PARAMS' })
  assert.throws(() => parseRequest({ method: 'cancelOrder', id: 1, params: {} }), { code: 'INVALID_PARAMS' })
  assert.equal(parseRequest({ method: 'ping', id: 'a' }).method, 'ping')
})

test('request ids: strings up to 64 characters and safe integers are echoed; anything else is refused', () => {
  for (const id of ['a', 'x'.repeat(64), 0, 7, Number.MAX_SAFE_INTEGER]) {
    assert.equal(envelopeId({ id }), id)
    assert.equal(parseRequest({ method: 'ping', id }).id, id)
  }
  for (const id of ['x'.repeat(65), 1.5, 2 ** 53, true, null, { n: 1 }]) {
    assert.equal(envelopeId({ id }), null)
    assert.throws(() => parseRequest({ method: 'ping', id }), { code: 'INVALID_REQUEST' })
  }
})
