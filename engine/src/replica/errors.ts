// The errors of the replica and of command forwarding, each with a stable code. An engine error
// forwarded from the engine process keeps its code and message (RemoteEngineError), so a client
// of a replica gateway sees what a client of the engine's own gateway would.
import { EngineError } from '../errors.js'

/** The engine process did not take or answer a forwarded command in time (or Redis is down). */
export class EngineUnavailableError extends EngineError {
  constructor(message: string) {
    super('ENGINE_UNAVAILABLE', message)
  }
}

/** An engine error as the engine process raised it: the same code and message, its class name kept. */
export class RemoteEngineError extends EngineError {
  constructor(
    code: string,
    message: string,
    /** The class name on the engine's side (e.g. InsufficientBalanceError). */
    readonly remoteName: string,
  ) {
    super(code, message)
  }
}

/** The engine's command server accepts only the commands a gateway sends (orders, cancels). */
export class CommandNotAllowedError extends EngineError {
  constructor(type: string) {
    super('COMMAND_NOT_ALLOWED', `command ${type} cannot be forwarded to the engine`)
  }
}

/** A read-only replica was asked to write its log. */
export class ReadOnlyReplicaError extends EngineError {
  constructor(what: string) {
    super('READ_ONLY_REPLICA', `a replica never writes the event log (${what})`)
  }
}
