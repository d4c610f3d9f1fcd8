import assert from 'node:assert/strict'
import { test } from 'node:test'
import { journalEntry } from '../engine.js'
import { seededVenue, WAD } from '../test-support/venue.js'
import { decodeBusEvent, encodeBusEvent } from './bus-event.js'

test('a bus message carries the sequenced event exactly, spliced from the logged body', () => {
  const { engine } = seededVenue()
  engine.execute({ type: 'deposit', account: 'taker', asset: 'fUSD', amount: 10_000n * WAD })
  const [fill] = engine.execute({ type: 'order', account: 'taker', market: 'sETH', side: 'buy', kind: 'market', amountIn: 1000n * WAD, clientOrderId: 'c"1' }).events
  const message = encodeBusEvent(journalEntry(fill!))
  assert.deepEqual(JSON.parse(message).event, JSON.parse(journalEntry(fill!).body))
  assert.deepEqual(decodeBusEvent(message), fill)
})
