// The bus across processes: Redis pub/sub, so several gateway processes can serve one engine.
// One connection publishes (its commands stay in order, so a channel's messages do too) and one
// subscribes (a subscribed Redis connection can do nothing else). Whoever needs one more connection
// beside the bus (a blocking queue reader, commands with other retry rules) asks the bus for it, so
// the URL, the names and the error routing stay the bus's.
import type { Redis } from 'ioredis'
import { BusError } from '../errors.js'
import { redactUrl } from '../store/redact-url.js'
import { logHandlerError, type EventBus, type HandlerErrorSink, type MessageHandler } from './event-bus.js'
import { openRedisConnection, quitRedis, type RedisConnectionSettings } from './redis-connection.js'

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
  /**
   * Prepended to every channel name on the wire (default none), so several venues (or test runs)
   * can share one Redis: pub/sub channels are global to a server, whatever its database number.
   * Callers keep using the plain names.
   */
  namespace?: string
  /** Called each time the subscriber connection is back after an outage (its subscriptions renewed);
   *  what was published meanwhile is lost, so consumers resynchronise here. */
  onResubscribed?: () => void
  /** Redis CLIENT name of the two connections, before `-publisher` / `-subscriber` (default fluxion-bus). */
  connectionName?: string
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
  readonly #patterns = new Map<string, Channel>()
  readonly #onHandlerError: HandlerErrorSink
  readonly #namespace: string
  readonly #options: RedisBusOptions
  #closed = false

  private constructor(url: string, publisher: Redis, subscriber: Redis, options: RedisBusOptions) {
    this.url = url
    this.#options = options
    this.#publisher = publisher
    this.#subscriber = subscriber
    this.#onHandlerError = options.onHandlerError ?? logHandlerError
    this.#namespace = options.namespace ?? ''
    const strip = this.#namespace.length
    subscriber.on('message', (channel: string, message: string) => this.#deliver(this.#channels.get(channel.slice(strip)), channel.slice(strip), message))
    subscriber.on('pmessage', (pattern: string, channel: string, message: string) =>
      this.#deliver(this.#patterns.get(pattern.slice(strip)), channel.slice(strip), message),
    )
    // Connected already: every later 'ready' is a comeback (ioredis has renewed the subscriptions).
    const onResubscribed = options.onResubscribed
    if (onResubscribed) subscriber.on('ready', () => onResubscribed())
  }

  /** The namespace this bus prepends to channel names on the wire ('' when none). */
  get namespace(): string {
    return this.#namespace
  }

  /** Connects both connections, or throws BusError naming the URL. */
  static async connect(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
    const open = (role: string) => openRedisConnection(url, { name: connectionName(options, role), role, ...onConnectionError(options) })
    const publisher = await open('publisher')
    try {
      return new RedisBus(url, publisher, await open('subscriber'), options)
    } catch (err) {
      publisher.disconnect()
      throw err
    }
  }

  /**
   * Opens one more connection to the bus's Redis, named `<connectionName>-<role>` and reporting
   * trouble where the bus's own connections do, with its own ioredis settings. The caller owns it
   * (close it with `quitRedis`); keys it uses should carry `namespace`.
   */
  async openConnection(role: string, settings: RedisConnectionSettings = {}): Promise<Redis> {
    if (this.#closed) throw new BusError('Redis bus is closed')
    return openRedisConnection(this.url, { ...settings, name: connectionName(this.#options, role), role, ...onConnectionError(this.#options) })
  }

  /** See EventBus.publish; a failure to publish goes to the connection error sink. */
  publish(channel: string, message: string): void {
    if (this.#closed) throw new BusError('Redis bus is closed')
    this.#publisher.publish(this.#namespace + channel, message).catch((err: unknown) => this.#publisher.emit('error', err))
  }

  /** See EventBus.subscribe: resolves once Redis has confirmed the subscription. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    return this.#add(this.#channels, channel, handler, 'SUBSCRIBE')
  }

  /**
   * Like subscribe, for every channel matching a Redis glob pattern (`fluxion.events.*`), those
   * that appear later included; the handler gets each message's own channel name. A channel that
   * is also subscribed by name is delivered to both subscriptions.
   */
  subscribePattern(pattern: string, handler: MessageHandler): Promise<() => Promise<void>> {
    return this.#add(this.#patterns, pattern, handler, 'PSUBSCRIBE')
  }

  async #add(table: Map<string, Channel>, name: string, handler: MessageHandler, verb: 'SUBSCRIBE' | 'PSUBSCRIBE'): Promise<() => Promise<void>> {
    if (this.#closed) throw new BusError('Redis bus is closed')
    const wire = this.#namespace + name
    let entry = table.get(name)
    if (!entry) {
      entry = { subscriptions: new Set(), ready: verb === 'SUBSCRIBE' ? this.#subscriber.subscribe(wire) : this.#subscriber.psubscribe(wire) }
      table.set(name, entry)
    }
    const subscription: Subscription = { handler }
    entry.subscriptions.add(subscription)
    try {
      await entry.ready
    } catch (err) {
      if (table.get(name) === entry) table.delete(name)
      throw new BusError(`cannot ${verb} ${name} on Redis at ${redactUrl(this.url)}: ${(err as Error).message}`, { cause: err })
    }
    const current = entry
    return async () => {
      if (!current.subscriptions.delete(subscription) || current.subscriptions.size > 0) return
      if (table.get(name) !== current) return
      table.delete(name)
      // A later subscribe's SUBSCRIBE is queued behind this UNSUBSCRIBE on the same connection.
      if (this.#closed) return
      await (verb === 'SUBSCRIBE' ? this.#subscriber.unsubscribe(wire) : this.#subscriber.punsubscribe(wire))
    }
  }

  /** See EventBus.close: sends what is queued, then closes both connections. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const table of [this.#channels, this.#patterns]) {
      for (const entry of table.values()) entry.subscriptions.clear()
      table.clear()
    }
    await Promise.all([quitRedis(this.#publisher), quitRedis(this.#subscriber)])
  }

  #deliver(entry: Channel | undefined, channel: string, message: string): void {
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

const connectionName = (options: RedisBusOptions, role: string) => `${options.connectionName ?? 'fluxion-bus'}-${role}`
const onConnectionError = (options: RedisBusOptions) => (options.onConnectionError ? { onConnectionError: options.onConnectionError } : {})
