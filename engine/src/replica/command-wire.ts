// The messages of command forwarding over Redis: a request a gateway process pushes on the
// command queue, and the reply the engine process publishes on the gateway's reply channel.
// Bigints cross as decimal strings; a request names its bigint fields rather than relying on a
// list of field names, so every flat command (all that a gateway sends) comes back exactly.
import type { Command } from '../commands.js'
import type { CommandResult } from '../engine.js'
import { EngineError } from '../errors.js'
import { fromJson, toJson } from '../events.js'

/** The Redis list the engine's command server takes requests from (namespace prepended). */
export const commandQueue = (namespace = '') => `${namespace}fluxion.commands`

/** The bus channel a gateway process receives its replies on. */
export const replyChannel = (gatewayId: string) => `fluxion.replies.${gatewayId}`

/** One forwarded command. */
export interface CommandRequest {
  /** Unique across gateway processes: the reply carries it back. */
  id: string
  /** The bus channel to reply on. */
  replyTo: string
  /** Epoch ms after which the engine must not execute it (the caller has given up by then). */
  deadline: number
  command: Command
}

/** The engine's answer: the durable result, or the typed error with its code and message. */
export type CommandReply =
  | { id: string; ok: true; result: CommandResult }
  | { id: string; ok: false; error: { code: string; message: string; name: string } }

export function encodeRequest(request: CommandRequest): string {
  const c = request.command as unknown as Record<string, unknown>
  const bigints = Object.keys(c).filter((k) => typeof c[k] === 'bigint')
  return toJson({ bigints, ...request }) // spread last: see engine/src/v8-flags.ts
}

/** Reads a request back, or throws InvalidInputError-like EngineError on a malformed one. */
export function decodeRequest(text: string): CommandRequest {
  const raw = JSON.parse(text) as Partial<CommandRequest> & { bigints?: unknown }
  const command = raw.command as unknown as Record<string, unknown> | undefined
  if (typeof raw.id !== 'string' || typeof raw.replyTo !== 'string' || typeof raw.deadline !== 'number' || typeof command !== 'object' || command === null || typeof command.type !== 'string') {
    throw new EngineError('INVALID_INPUT', 'malformed command request')
  }
  for (const key of Array.isArray(raw.bigints) ? raw.bigints : []) {
    const v = command[String(key)]
    if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new EngineError('INVALID_INPUT', `field ${String(key)} is not an integer`)
    command[String(key)] = BigInt(v)
  }
  return { id: raw.id, replyTo: raw.replyTo, deadline: raw.deadline, command: command as unknown as Command }
}

export const encodeReply = (reply: CommandReply): string => toJson(reply)

/** A reply's events come back with their bigints (the event codec's field list covers them). */
export const decodeReply = (text: string): CommandReply => fromJson<CommandReply>(text)

/** The reply for a refused or failed command: an engine error keeps its code, anything else is INTERNAL. */
export function errorReply(id: string, err: unknown): CommandReply {
  if (err instanceof EngineError) return { id, ok: false, error: { code: err.code, message: err.message, name: err.name } }
  return { id, ok: false, error: { code: 'INTERNAL', message: 'internal error in the engine process', name: 'Error' } }
}
