// The bus across processes: Redis pub/sub, so several gateway processes can serve one engine.
// One connection publishes (its commands stay in order, so a channel's messages do too) and one
// subscribes (a subscribed Redis connection can do nothing else).
import { Redis } from 'ioredis'
import { BusError } from '../errors.js'
import { redactUrl } from '../store/redact-url.js'
import { logHandlerError, type EventBus, type HandlerErrorSink, type MessageHandler } from './event-bus.js'

interface Subscription {
  handler: MessageHandler
}

interface Channel {
  subscriptions: Set<Subscription>
  /** The SUBSCRIBE command's reply: later subscribers of the channel wait for it too. */
  ready: Promise<unknown>
}

/** Options of RedisBus.connect. */
export interface RedisBusOptions {
  /** Where a handler's exception goes (default: stderr). */
  onHandlerError?: HandlerErrorSink
  /** Connection trouble after start-up (ioredis reconnects by itself); default: stderr, once per outage. */
  onConnectionError?: (err: Error) => void
}

/**
 * Redis pub/sub bus. Messages published while a subscriber is reconnecting are lost (pub/sub
 * keeps nothing): consumers resynchronise from sequence numbers and the event log.
 */
export class RedisBus implements EventBus {
  readonly url: string
  readonly #publisher: Redis
  readonly #subscriber: Redis
  readonly #channels = new Map<string, Channel>()
  readonly #onHandlerError: HandlerErrorSink
  #closed = false

  private constructor(url: string, publisher: Redis, subscriber: Redis, options: RedisBusOptions) {
    this.url = url
    this.#publisher = publisher
    this.#subscriber = subscriber
    this.#onHandlerError = options.onHandlerError ?? logHandlerError
    subscriber.on('message', (channel: string, message: string) => this.#deliver(channel, message))
  }

  /** Connects both connections, or throws BusError naming the URL. */
  static async connect(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
    const open = async (role: string): Promise<Redis> => {
      const redis = new Redis(url, { lazyConnect: true, connectionName: `fluxion-bus-${role}` })
      watchErrors(redis, url, role, options.onConnectionError)
      try {
        await redis.connect()
        return redis
      } catch (err) {
        redis.disconnect() // stop the reconnect loop
        throw new BusError(`cannot connect to Redis at ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
      }
    }
    const publisher = await open('publisher')
    try {
      return new RedisBus(url, publisher, await open('subscriber'), options)
    } catch (err) {
      publisher.disconnect()
      throw err
    }
  }

  /** See EventBus.publish; a failure to publish goes to the connection error sink. */
  publish(channel: string, message: string): void {
    if (this.#closed) throw new BusError('Redis bus is closed')
    this.#publisher.publish(channel, message).catch((err: unknown) => this.#publisher.emit('error', err))
  }

  /** See EventBus.subscribe: resolves once Redis has confirmed the subscription. */
  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw new BusError('Redis bus is closed')
    let entry = this.#channels.get(channel)
    if (!entry) {
      entry = { subscriptions: new Set(), ready: this.#subscriber.subscribe(channel) }
      this.#channels.set(channel, entry)
    }
    const subscription: Subscription = { handler }
    entry.subscriptions.add(subscription)
    try {
      await entry.ready
    } catch (err) {
      if (this.#channels.get(channel) === entry) this.#channels.delete(channel)
      throw new BusError(`cannot subscribe to ${channel} on Redis at ${redactUrl(this.url)}: ${(err as Error).message}`, { cause: err })
    }
    const current = entry
    return async () => {
      if (!current.subscriptions.delete(subscription) || current.subscriptions.size > 0) return
      if (this.#channels.get(channel) !== current) return
      this.#channels.delete(channel)
      // A later subscribe's SUBSCRIBE is queued behind this UNSUBSCRIBE on the same connection.
      if (!this.#closed) await this.#subscriber.unsubscribe(channel)
    }
  }

  /** See EventBus.close: sends what is queued, then closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const entry of this.#channels.values()) entry.subscriptions.clear()
    this.#channels.clear()
    await Promise.all([quit(this.#publisher), quit(this.#subscriber)])
  }

  #deliver(channel: string, message: string): void {
    const entry = this.#channels.get(channel)
    if (!entry) return
    for (const s of entry.subscriptions) {
      try {
        s.handler(message, channel)
      } catch (err) {
        this.#onHandlerError(err, channel)
      }
    }
  }
}

/** Routes a connection's errors to the sink; by default one stderr line per outage, not one per retry. */
function watchErrors(redis: Redis, url: string, role: string, sink: ((err: Error) => void) | undefined): void {
  let connected = false // before the first connection, connect() itself reports the failure
  let reported = false
  redis.on('ready', () => {
    connected = true
    reported = false
  })
  redis.on('error', (err: Error) => {
    if (!connected) return
    if (sink) return sink(err)
    if (reported) return
    reported = true
    console.error(`bus: Redis ${role} at ${redactUrl(url)}: ${err.message} (reconnecting)`)
  })
}

async function quit(redis: Redis): Promise<void> {
  try {
    await redis.quit()
  } catch {
    redis.disconnect()
  }
}
