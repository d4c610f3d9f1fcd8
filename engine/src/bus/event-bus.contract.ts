// The one behaviour every EventBus must have, run against each implementation
// (in-process-bus.test.ts, redis-bus.test.ts).
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { EventBus, HandlerErrorSink } from './event-bus.js'

/** Two views of one bus: for Redis, two separate connections pairs, as two processes would hold. */
export interface BusPair {
  publisher: EventBus
  subscriber: EventBus
}

/** Collects messages until `count` have arrived (or fails after `ms`). */
function collect(count: number, ms = 5_000): { messages: [string, string][]; handler: (m: string, c: string) => void; done: Promise<void> } {
  const messages: [string, string][] = []
  let finish!: () => void
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`received ${messages.length} of ${count} messages within ${ms} ms`)), ms)
    finish = () => (clearTimeout(timer), resolve())
  })
  const handler = (message: string, channel: string) => {
    messages.push([channel, message])
    if (messages.length === count) finish()
  }
  if (count === 0) finish()
  return { messages, handler, done }
}

/** Lets in-flight deliveries land (a Redis round trip or a microtask). */
async function settle(pair: BusPair): Promise<void> {
  // A marker published after everything else arrives after it: order per channel is the contract.
  const marker = collect(1)
  const channel = `settle-${Math.random()}`
  const unsubscribe = await pair.subscriber.subscribe(channel, marker.handler)
  pair.publisher.publish(channel, 'marker')
  await marker.done
  await unsubscribe()
}

/**
 * Registers the shared suite. `open` makes a pair (handler errors go to the sink); channel
 * names get a per-run prefix so concurrent runs on one Redis do not meet.
 */
export function eventBusContract(name: string, open: (onHandlerError: HandlerErrorSink) => Promise<BusPair>): void {
  describe(`${name} event bus contract`, () => {
    let pair: BusPair
    const handlerErrors: [unknown, string][] = []
    const prefix = `fluxion-test-${process.pid}-${Date.now()}`
    const ch = (s: string) => `${prefix}:${s}`

    before(async () => {
      pair = await open((err, channel) => handlerErrors.push([err, channel]))
    })
    after(async () => {
      await pair?.publisher.close()
      if (pair && pair.subscriber !== pair.publisher) await pair.subscriber.close()
    })

    test('a subscriber receives what is published after it subscribed, in order, with the channel name', async () => {
      const got = collect(2_000)
      const unsubscribe = await pair.subscriber.subscribe(ch('book.sETH'), got.handler)
      const sent = Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ seq: i + 1, price: `${2000 + i}000000000000000000`, note: 'ü"\\' }))
      for (const m of sent) pair.publisher.publish(ch('book.sETH'), m)
      await got.done
      assert.deepEqual(got.messages, sent.map((m) => [ch('book.sETH'), m]))
      await unsubscribe()
    })

    test('channels are separate; every subscription of a channel gets each message', async () => {
      const a1 = collect(3)
      const a2 = collect(3)
      const b = collect(1)
      const offs = [
        await pair.subscriber.subscribe(ch('a'), a1.handler),
        await pair.subscriber.subscribe(ch('a'), a2.handler),
        await pair.subscriber.subscribe(ch('b'), b.handler),
      ]
      pair.publisher.publish(ch('a'), '1')
      pair.publisher.publish(ch('b'), 'only b')
      pair.publisher.publish(ch('a'), '2')
      pair.publisher.publish(ch('a'), '3')
      await Promise.all([a1.done, a2.done, b.done])
      assert.deepEqual(a1.messages.map(([, m]) => m), ['1', '2', '3'])
      assert.deepEqual(a2.messages.map(([, m]) => m), ['1', '2', '3'])
      assert.deepEqual(b.messages, [[ch('b'), 'only b']])
      for (const off of offs) await off()
    })

    test('unsubscribing stops that subscription only; publishing to nobody is fine', async () => {
      const kept = collect(2)
      const dropped = collect(0)
      const offKept = await pair.subscriber.subscribe(ch('u'), kept.handler)
      const offDropped = await pair.subscriber.subscribe(ch('u'), dropped.handler)
      pair.publisher.publish(ch('u'), 'both')
      await settle(pair)
      await offDropped()
      await offDropped() // twice is harmless
      pair.publisher.publish(ch('u'), 'kept only')
      await kept.done
      assert.deepEqual(dropped.messages, [[ch('u'), 'both']])
      assert.deepEqual(kept.messages.map(([, m]) => m), ['both', 'kept only'])
      await offKept()
      pair.publisher.publish(ch('u'), 'nobody')
      pair.publisher.publish(ch('nobody-ever'), 'nobody')
      await settle(pair)
      assert.equal(kept.messages.length, 2)
    })

    test('a throwing handler is reported and does not stop delivery to the others', async () => {
      const good = collect(2)
      const offBad = await pair.subscriber.subscribe(ch('e'), () => {
        throw new Error('handler bug')
      })
      const offGood = await pair.subscriber.subscribe(ch('e'), good.handler)
      pair.publisher.publish(ch('e'), 'x')
      pair.publisher.publish(ch('e'), 'y')
      await good.done
      assert.deepEqual(good.messages.map(([, m]) => m), ['x', 'y'])
      assert.equal(handlerErrors.length, 2)
      assert.equal(handlerErrors[0]![1], ch('e'))
      assert.match(String(handlerErrors[0]![0]), /handler bug/)
      await offBad()
      await offGood()
    })

    test('after close, publish and subscribe fail with BUS_FAILED', async () => {
      const extra = await open(() => undefined)
      await extra.publisher.close()
      await extra.publisher.close() // twice is harmless
      assert.throws(() => extra.publisher.publish(ch('closed'), 'x'), (err: Error & { code?: string }) => err.code === 'BUS_FAILED')
      await assert.rejects(extra.publisher.subscribe(ch('closed'), () => undefined), (err: Error & { code?: string }) => err.code === 'BUS_FAILED')
      if (extra.subscriber !== extra.publisher) await extra.subscriber.close()
    })
  })
}
