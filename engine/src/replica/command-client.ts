// The gateway side of command forwarding: pushes a request on the engine's command queue and
// waits for the reply on this process's reply channel. On a timeout it tries to withdraw the
// request from the queue, so the caller learns whether the command can still run: withdrawn means
// never executed; not found means the engine took it and the outcome is unknown. Everything goes
// through the process's Redis bus: replies arrive on a bus subscription, and the queue is written
// on one more connection the bus opens (with fail-fast settings the bus's publisher must not have).
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Command } from '../commands.js'
import type { CommandResult } from '../engine.js'
import type { RedisBus } from '../bus/redis-bus.js'
import { quitRedis } from '../bus/redis-connection.js'
import { commandQueue, decodeReply, encodeRequest, replyChannel } from './command-wire.js'
import { EngineUnavailableError, RemoteEngineError } from './errors.js'

interface Pending {
  resolve: (result: CommandResult) => void
  reject: (err: Error) => void
  timer: NodeJS.Timeout
}

/** Options of CommandClient.connect. */
export interface CommandClientOptions {
  /** The venue's Redis bus: the reply channel is subscribed on it, the queue written on a connection it opens (its namespace is the venue's). */
  bus: RedisBus
  /** How long to wait for the engine's reply (default 5 s). */
  timeoutMs?: number
  now?: () => number
  /** This process's id (default a random UUID). */
  gatewayId?: string
}

/** Forwards commands to the engine process over Redis. */
export class CommandClient {
  readonly #pending = new Map<string, Pending>()
  #next = 0
  #closed = false
  #unsubscribe: () => Promise<void> = async () => undefined

  private constructor(
    /** This process's id in request ids and its reply channel. */
    readonly gatewayId: string,
    private readonly redis: Redis,
    private readonly queue: string,
    private readonly timeoutMs: number,
    private readonly now: () => number,
  ) {}

  /** Connects and subscribes the reply channel, or throws BusError naming the URL. */
  static async connect(options: CommandClientOptions): Promise<CommandClient> {
    // Commands must not be queued in ioredis while Redis is away: fail fast, report unavailable.
    const redis = await options.bus.openConnection('commands', { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    const client = new CommandClient(options.gatewayId ?? randomUUID(), redis, commandQueue(options.bus.namespace), options.timeoutMs ?? 5_000, options.now ?? Date.now)
    try {
      client.#unsubscribe = await options.bus.subscribe(replyChannel(client.gatewayId), (message) => client.#onReply(message))
    } catch (err) {
      redis.disconnect()
      throw err
    }
    return client
  }

  /** Sends the command; resolves with the engine's durable result or rejects with its typed error. */
  async call(command: Command): Promise<CommandResult> {
    if (this.#closed) throw new EngineUnavailableError('this gateway process is shutting down')
    const id = `${this.gatewayId}:${++this.#next}`
    const text = encodeRequest({ id, replyTo: replyChannel(this.gatewayId), deadline: this.now() + this.timeoutMs, command })
    const reply = new Promise<CommandResult>((resolve, reject) => {
      const timer = setTimeout(() => void this.#timedOut(id, text), this.timeoutMs)
      this.#pending.set(id, { resolve, reject, timer })
    })
    try {
      await this.redis.lpush(this.queue, text)
    } catch (err) {
      this.#settle(id)?.reject(new EngineUnavailableError(`cannot reach the engine's command queue: ${(err as Error).message}; the command was not sent`))
    }
    return reply
  }

  /** Stops: pending calls reject with ENGINE_UNAVAILABLE (their outcome unknown). */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(new EngineUnavailableError('gateway closed before the engine answered; the command may have been executed'))
    await this.#unsubscribe().catch(() => undefined)
    await quitRedis(this.redis)
  }

  #settle(id: string): Pending | undefined {
    const p = this.#pending.get(id)
    if (!p) return undefined
    this.#pending.delete(id)
    clearTimeout(p.timer)
    return p
  }

  #onReply(message: string): void {
    const reply = decodeReply(message)
    const p = this.#settle(reply.id)
    if (!p) return // answered after its timeout: the caller was told the outcome is unknown
    if (reply.ok) p.resolve(reply.result)
    else p.reject(new RemoteEngineError(reply.error.code, reply.error.message, reply.error.name))
  }

  async #timedOut(id: string, text: string): Promise<void> {
    if (!this.#pending.has(id)) return
    let withdrawn = false
    try {
      withdrawn = (await this.redis.lrem(this.queue, 1, text)) === 1
    } catch {
      // Redis is away too: the engine may still take it (unless past its deadline).
    }
    this.#settle(id)?.reject(
      new EngineUnavailableError(
        withdrawn
          ? `the engine did not take the command within ${this.timeoutMs} ms; it was withdrawn and not executed`
          : `the engine did not answer within ${this.timeoutMs} ms; the command may have been executed (check orders and fills)`,
      ),
    )
  }
}
