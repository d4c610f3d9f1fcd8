// Every error the engine raises: a class per stable code, so callers branch on `code` (or
// `instanceof`) and the gateway can pass the code through unchanged.

/** Base of every engine error: a stable machine-readable `code` and a human message. */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** A price is older than the feed's staleness limit: the market trades on no price at all. */
export class StaleOracleError extends EngineError {
  constructor(symbol: string, ageMs: number, maxAgeMs: number) {
    super('STALE_ORACLE', `${symbol}: last price is ${ageMs} ms old (limit ${maxAgeMs} ms)`)
  }
}

/** A market is paused (stale or deviating oracle) and accepts no trades. */
export class MarketPausedError extends EngineError {
  constructor(symbol: string, reason: string) {
    super('MARKET_PAUSED', `${symbol} is paused: ${reason}`)
  }
}

/** An input value outside its domain (zero or negative amount, malformed price, ...). */
export class InvalidInputError extends EngineError {
  constructor(message: string) {
    super('INVALID_INPUT', message)
  }
}

/** An account would hold less than zero of an asset. */
export class InsufficientBalanceError extends EngineError {
  constructor(account: string, asset: string, balance: bigint, change: bigint) {
    super('INSUFFICIENT_BALANCE', `${account} holds ${balance} ${asset}, cannot move ${-change}`)
  }
}

/** Postings whose amounts do not net to zero per asset: value would be created or destroyed. */
export class UnbalancedPostingsError extends EngineError {
  constructor(asset: string, net: bigint) {
    super('UNBALANCED_POSTINGS', `postings in ${asset} net to ${net}, not zero`)
  }
}

/** The event store could not do what was asked (server unreachable, query failed, data directory
 *  locked by another process...). The message names the database it tried. */
export class StorageError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_FAILED', message)
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

/** An append or snapshot whose sequence numbers do not continue the log exactly (a gap, a
 *  duplicate, or out of order): nothing was written. */
export class SequenceConflictError extends EngineError {
  constructor(message: string) {
    super('SEQUENCE_CONFLICT', message)
  }
}

/** The durable log failed once and stays failed (fail-stop): the in-memory state is ahead of the
 *  log, so only a restart that replays the log is safe. `cause` is the first failure. */
export class LogFailedError extends EngineError {
  constructor(cause: unknown) {
    super('LOG_FAILED', `event log failed, restart and replay required: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.cause = cause
  }
}

/** The message bus could not connect, publish or subscribe (the message names the URL it tried). */
export class BusError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('BUS_FAILED', message)
    if (options?.cause !== undefined) this.cause = options.cause
  }
}
