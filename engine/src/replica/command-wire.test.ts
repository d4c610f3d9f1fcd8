import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InsufficientBalanceError } from '../errors.js'
import { seededVenue, WAD } from '../test-support/venue.js'
import { decodeReply, decodeRequest, encodeReply, encodeRequest, errorReply } from './command-wire.js'

test('a forwarded command comes back exactly, every bigint field included (minOut, maxIn are not event fields)', () => {
  const orders = [
    { type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 10n ** 30n + 7n, minOut: 1n, clientOrderId: 'amount"x' },
    { type: 'order', account: 'amy', market: 'sETH', side: 'sell', kind: 'market', amountOut: 5n * WAD, maxIn: 3n * WAD },
    { type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'stop', amountIn: WAD, stopPrice: 2100n * WAD, limitPrice: 2110n * WAD },
    { type: 'cancel-all', account: 'amy' },
  ] as const
  for (const command of orders) {
    const request = { id: 'g:1', replyTo: 'fluxion.replies.g', deadline: 123, command }
    assert.deepEqual(decodeRequest(encodeRequest(request)), request)
  }
  assert.throws(() => decodeRequest('{"id":1}'), { code: 'INVALID_INPUT' })
  assert.throws(() => decodeRequest('{"id":"a","replyTo":"r","deadline":1,"command":{"type":"order","amountIn":"1e3"},"bigints":["amountIn"]}'), { code: 'INVALID_INPUT' })
})

test('a reply carries the result with its events exactly, or the error with its code and message', () => {
  const { engine } = seededVenue()
  engine.execute({ type: 'deposit', account: 'amy', asset: 'fUSD', amount: 10_000n * WAD })
  const result = engine.execute({ type: 'order', account: 'amy', market: 'sETH', side: 'buy', kind: 'market', amountIn: 1000n * WAD })
  assert.deepEqual(decodeReply(encodeReply({ id: 'x', ok: true, result })), { id: 'x', ok: true, result })
  const err = new InsufficientBalanceError('amy', 'fUSD', 1n, -2n)
  assert.deepEqual(decodeReply(encodeReply(errorReply('y', err))), { id: 'y', ok: false, error: { code: 'INSUFFICIENT_BALANCE', message: err.message, name: 'InsufficientBalanceError' } })
  assert.deepEqual(errorReply('z', new TypeError('secret detail')), { id: 'z', ok: false, error: { code: 'INTERNAL', message: 'internal error in the engine process', name: 'Error' } })
})
