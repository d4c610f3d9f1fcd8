// The engine side of command forwarding: takes the requests gateway processes push on the Redis
// command queue, executes each through the venue (in queue order: the engine is one writer), and
// publishes the durable result or the typed error on the requester's reply channel. It works over
// the venue's own Redis bus: replies go out through the bus's publisher, and the queue is read on
// one more connection the bus opens (BRPOP blocks its connection). Started by the engine's
// composition root when the venue's bus is Redis (`startCommandServerFromEnv`).
import type { EventBus } from '../bus/event-bus.js'
import { RedisBus } from '../bus/redis-bus.js'
import { quitRedis } from '../bus/redis-connection.js'
import type { Command } from '../commands.js'
import type { CommandResult } from '../engine.js'
import { BusError } from '../errors.js'
import { commandQueue, decodeRequest, encodeReply, errorReply, type CommandReply } from './command-wire.js'
import { CommandNotAllowedError, EngineUnavailableError } from './errors.js'

/** The commands a gateway sends (orders and cancels): the default of what the server executes. */
export const GATEWAY_COMMANDS: ReadonlySet<Command['type']> = new Set(['order', 'cancel', 'cancel-all'])

// Requests taken per round trip when the queue is not empty.
const TAKE_AT_ONCE = 256

/** Options of startCommandServer. */
export interface CommandServerOptions {
  /** Command types executed; others are refused with COMMAND_NOT_ALLOWED (default GATEWAY_COMMANDS). */
  allow?: ReadonlySet<Command['type']>
  /** Where unexpected failures go (a malformed request, Redis trouble); default stderr. */
  onError?: (err: unknown) => void
  /** Clock for request deadlines (default Date.now). */
  now?: () => number
}

/** A running command server. */
export interface CommandServer {
  /** Requests executed (accepted or refused by the engine) since start. */
  readonly handled: number
  /** Stops taking requests; waits for the replies of those already taken. */
  close(): Promise<void>
}

/** What the command server serves: a venue (its `submit`) and the Redis bus it publishes on. */
export interface CommandServerVenue {
  submit(command: Command): Promise<CommandResult>
  readonly bus: EventBus
}

/**
 * Starts serving forwarded commands for `venue`, over its Redis bus (the queue and reply channels
 * carry the bus's namespace); throws BusError when the venue's bus is not Redis.
 */
export async function startCommandServer(venue: CommandServerVenue, options: CommandServerOptions = {}): Promise<CommandServer> {
  const bus = venue.bus
  if (!(bus instanceof RedisBus)) throw new BusError('command forwarding needs the venue on a Redis bus (REDIS_URL)')
  const allow = options.allow ?? GATEWAY_COMMANDS
  const onError = options.onError ?? ((err: unknown) => console.error('command server:', err))
  const now = options.now ?? Date.now
  const queue = commandQueue(bus.namespace)
  // BRPOP blocks its connection: the queue gets one of its own, waiting as long as Redis is away.
  const taker = await bus.openConnection('commands-taker', { maxRetriesPerRequest: null })
  let closed = false
  let handled = 0
  const inFlight = new Set<Promise<void>>()

  // On the bus's publisher: a publish that fails later goes to the bus's connection error sink;
  // one refused now (the bus closed under the server) goes to onError.
  const reply = (channel: string, message: CommandReply) => {
    try {
      bus.publish(channel, encodeReply(message))
    } catch (err) {
      onError(err)
    }
  }

  const handle = (text: string) => {
    let request
    try {
      request = decodeRequest(text)
    } catch (err) {
      return onError(err) // no id to answer to: the requester times out
    }
    const { id, replyTo, command, deadline } = request
    if (now() > deadline) return reply(replyTo, errorReply(id, new EngineUnavailableError(`command ${id} reached the engine after its deadline and was not executed`)))
    if (!allow.has(command.type)) return reply(replyTo, errorReply(id, new CommandNotAllowedError(command.type)))
    handled++
    // Submitted at once (the engine decides synchronously, in queue order); replied once durable.
    const done = venue.submit(command).then(
      (result) => reply(replyTo, { id, ok: true, result }),
      (err: unknown) => reply(replyTo, errorReply(id, err)),
    )
    inFlight.add(done)
    void done.finally(() => inFlight.delete(done))
  }

  const loop = (async () => {
    while (!closed) {
      try {
        // What is queued, in one round trip (RPOP with a count, oldest first); when nothing is,
        // a short block, so close() is noticed without tearing the connection down mid-command.
        const batch = await taker.rpop(queue, TAKE_AT_ONCE)
        if (batch && batch.length > 0) for (const text of batch) handle(text)
        else {
          const popped = await taker.brpop(queue, 1)
          if (popped) handle(popped[1])
        }
      } catch (err) {
        if (closed) return
        onError(err)
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  })()

  return {
    get handled() {
      return handled
    },
    async close() {
      if (closed) return
      closed = true
      await loop
      await Promise.all(inFlight)
      await quitRedis(taker)
    },
  }
}

/**
 * The composition root's hook: when the venue's bus is Redis (REDIS_URL), serves forwarded
 * commands for the venue over it; resolves undefined otherwise. Close the server before the venue.
 */
export async function startCommandServerFromEnv(venue: CommandServerVenue, options: CommandServerOptions = {}): Promise<CommandServer | undefined> {
  return venue.bus instanceof RedisBus ? startCommandServer(venue, options) : undefined
}
