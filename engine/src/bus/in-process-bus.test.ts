import assert from 'node:assert/strict'
import { test } from 'node:test'
import { eventBusContract } from './event-bus.contract.js'
import { InProcessBus } from './in-process-bus.js'

eventBusContract('in-process', async (onHandlerError) => {
  const bus = new InProcessBus({ onHandlerError })
  return { publisher: bus, subscriber: bus }
})

test('in-process: delivery happens after publish returns, never inside it', async () => {
  const bus = new InProcessBus()
  const seen: string[] = []
  await bus.subscribe('c', (m) => seen.push(m))
  bus.publish('c', 'a')
  assert.deepEqual(seen, [])
  await Promise.resolve()
  assert.deepEqual(seen, ['a'])
  await bus.close()
})

test('in-process: a message published before an unsubscribe but not yet delivered is not delivered', async () => {
  const bus = new InProcessBus()
  const seen: string[] = []
  const off = await bus.subscribe('c', (m) => seen.push(m))
  bus.publish('c', 'late')
  await off()
  await Promise.resolve()
  assert.deepEqual(seen, [])
  await bus.close()
})
