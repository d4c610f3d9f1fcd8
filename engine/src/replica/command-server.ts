// The engine side of command forwarding: takes the requests gateway processes push on the Redis
// command queue, executes each through the venue (in queue order: the engine is one writer), and
// publishes the durable result or the typed error on the requester's reply channel. Started by
// the engine's composition root when REDIS_URL is set (`startCommandServer`).
import { Redis } from 'ioredis'
import type { Command } from '../commands.js'
import type { CommandResult } from '../engine.js'
import { BusError } from '../errors.js'
import { redactUrl } from '../store/redact-url.js'
import { commandQueue, decodeRequest, encodeReply, errorReply, type CommandReply } from './command-wire.js'
import { CommandNotAllowedError, EngineUnavailableError } from './errors.js'

/** The commands a gateway sends (orders and cancels): the default of what the server executes. */
export const GATEWAY_COMMANDS: ReadonlySet<Command['type']> = new Set(['order', 'cancel', 'cancel-all'])

// Requests taken per round trip when the queue is not empty.
const TAKE_AT_ONCE = 256

/** Options of startCommandServer. */
export interface CommandServerOptions {
  redisUrl: string
  /** The bus namespace of the venue (keys and channels get it as a prefix); default none. */
  namespace?: string
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

/** Starts serving forwarded commands for `venue` (anything with the Venue's `submit`). */
export async function startCommandServer(venue: { submit(command: Command): Promise<CommandResult> }, options: CommandServerOptions): Promise<CommandServer> {
  const namespace = options.namespace ?? ''
  const allow = options.allow ?? GATEWAY_COMMANDS
  const onError = options.onError ?? ((err: unknown) => console.error('command server:', err))
  const now = options.now ?? Date.now
  const queue = commandQueue(namespace)
  // BRPOP blocks its connection, so replies go out on a second one.
  const connect = async (role: string) => {
    const redis = new Redis(options.redisUrl, { lazyConnect: true, connectionName: `fluxion-commands-${role}`, maxRetriesPerRequest: null })
    redis.on('error', () => undefined) // ioredis reconnects; failed calls surface where they are awaited
    try {
      await redis.connect()
      return redis
    } catch (err) {
      redis.disconnect()
      throw new BusError(`command server cannot connect to Redis at ${redactUrl(options.redisUrl)}: ${(err as Error).message}`, { cause: err })
    }
  }
  const taker = await connect('taker')
  const replier = await connect('replier').catch((err: unknown) => {
    taker.disconnect()
    throw err
  })
  let closed = false
  let handled = 0
  const inFlight = new Set<Promise<void>>()

  const reply = (channel: string, message: CommandReply) => {
    replier.publish(namespace + channel, encodeReply(message)).catch(onError)
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
      await Promise.all([taker.quit().catch(() => taker.disconnect()), replier.quit().catch(() => replier.disconnect())])
    },
  }
}

/**
 * The composition root's hook: when REDIS_URL is set, serves forwarded commands for the venue
 * (namespace FLUXION_BUS_NAMESPACE, as the venue's bus); resolves undefined otherwise. Close the
 * server before the venue.
 */
export async function startCommandServerFromEnv(
  venue: { submit(command: Command): Promise<CommandResult> },
  options: Partial<CommandServerOptions> = {},
): Promise<CommandServer | undefined> {
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL
  if (!redisUrl) return undefined
  const namespace = options.namespace ?? process.env.FLUXION_BUS_NAMESPACE
  return startCommandServer(venue, { ...options, redisUrl, ...(namespace ? { namespace } : {}) })
}
