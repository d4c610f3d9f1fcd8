import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkTicket, minReceived, type Quote } from './ticket.js'

// The protocol document's example quote (1,000 fUSD for sETH).
const quote: Quote = {
  market: 'sETH',
  side: 'buy',
  amountIn: '1000000000000000000000',
  amountOut: '499425017507565358',
  minOut: '496927892420027531',
  averagePrice: '2002302577853645195445',
  oraclePrice: '2000000000000000000000',
  impactBps: 11.51,
  lpFee: '499974989996561',
  protocolFee: '49997498999656',
  legs: [{ pool: 'sETH-pmm', amountIn: '1000000000000000000000', amountOut: '499425017507565358', lpFee: '499974989996561', feeOnInput: false, protocolFee: '49997498999656' }],
}

test('minimum received matches the gateway at the same slippage', () => {
  assert.equal(minReceived(BigInt(quote.amountOut), 50), BigInt(quote.minOut))
  assert.equal(checkTicket(quote, 50).minReceived, BigInt(quote.minOut))
})

test('fees are summed per side of the leg', () => {
  const c = checkTicket(quote, 50)
  assert.equal(c.feeOut, 499974989996561n + 49997498999656n)
  assert.equal(c.feeIn, 0n)
  const onInput = checkTicket({ ...quote, legs: [{ ...quote.legs[0]!, feeOnInput: true }] }, 50)
  assert.equal(onInput.feeIn, 499974989996561n + 49997498999656n)
  assert.equal(onInput.feeOut, 0n)
})

test('refuses past the slippage setting, at nothing received, and at absurd settings', () => {
  assert.equal(checkTicket(quote, 50).refusal, null)
  assert.equal(checkTicket(quote, 12).refusal, null)
  assert.match(checkTicket(quote, 10).refusal!, /price impact 0.12% exceeds your slippage of 0.10%/)
  assert.match(checkTicket({ ...quote, amountOut: '0' }, 50).refusal!, /receives nothing/)
  assert.match(checkTicket(quote, 0).refusal!, /slippage must be/)
  assert.match(checkTicket(quote, 5000).refusal!, /slippage must be/)
})
