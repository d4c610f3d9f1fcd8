// The default bus: subscribers in this process only, no dependencies.
import { BusError } from '../errors.js'
import { logHandlerError, type EventBus, type HandlerErrorSink, type MessageHandler } from './event-bus.js'

/** One subscribe call (so the same handler subscribed twice is two subscriptions). */
interface Subscription<M> {
  handler: MessageHandler<M>
}

/**
 * Delivers each message in a microtask after `publish` returns, never inside it, so a publisher
 * is not re-entered by its subscribers' code (as with Redis); microtasks run in order, so order
 * per channel holds.
 */
export class InProcessBus<M = string> implements EventBus<M> {
  readonly #channels = new Map<string, Set<Subscription<M>>>()
  readonly #onError: HandlerErrorSink
  #closed = false

  constructor(options: { onHandlerError?: HandlerErrorSink } = {}) {
    this.#onError = options.onHandlerError ?? logHandlerError
  }

  /** See EventBus.publish. */
  publish(channel: string, message: M): void {
    if (this.#closed) throw new BusError('in-process bus is closed')
    const subscriptions = this.#channels.get(channel)
    if (!subscriptions || subscriptions.size === 0) return
    const targets = [...subscriptions]
    queueMicrotask(() => {
      for (const s of targets) {
        if (!subscriptions.has(s)) continue // unsubscribed since the publish
        try {
          s.handler(message, channel)
        } catch (err) {
          this.#onError(err, channel)
        }
      }
    })
  }

  /** See EventBus.subscribe. */
  async subscribe(channel: string, handler: MessageHandler<M>): Promise<() => Promise<void>> {
    if (this.#closed) throw new BusError('in-process bus is closed')
    let subscriptions = this.#channels.get(channel)
    if (!subscriptions) this.#channels.set(channel, (subscriptions = new Set()))
    const subscription: Subscription<M> = { handler }
    subscriptions.add(subscription)
    return async () => {
      subscriptions.delete(subscription)
      if (subscriptions.size === 0 && this.#channels.get(channel) === subscriptions) this.#channels.delete(channel)
    }
  }

  /** See EventBus.close. */
  async close(): Promise<void> {
    this.#closed = true
    for (const subscriptions of this.#channels.values()) subscriptions.clear() // drops queued deliveries too
    this.#channels.clear()
  }
}
