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

/** No market with that symbol (or no pool with that id in it). */
export class UnknownMarketError extends EngineError {
  constructor(what: string) {
    super('UNKNOWN_MARKET', `unknown market or pool: ${what}`)
  }
}

/** The fill would pay less than the minimum out, or cost more than the maximum in. */
export class SlippageExceededError extends EngineError {
  constructor(message: string) {
    super('SLIPPAGE_EXCEEDED', message)
  }
}

/** The market's pools cannot fill the order at any price. */
export class InsufficientLiquidityError extends EngineError {
  constructor(market: string) {
    super('INSUFFICIENT_LIQUIDITY', `${market}: the pools cannot fill this order`)
  }
}

/** After the change the account's collateral would not cover its debt (and the change adds risk). */
export class InsufficientCollateralError extends EngineError {
  constructor(account: string, what: string) {
    super('INSUFFICIENT_COLLATERAL', `${account}: ${what} would leave debt under-collateralised`)
  }
}

/** The account's net position in the market would exceed its limit. */
export class PositionLimitError extends EngineError {
  constructor(account: string, market: string, limit: bigint) {
    super('POSITION_LIMIT', `${account}: net ${market} position would exceed ${limit}`)
  }
}

/** The client order id was already used by this account: the original order stands. */
export class DuplicateClientOrderIdError extends EngineError {
  constructor(
    readonly clientOrderId: string,
    readonly orderId: string,
  ) {
    super('DUPLICATE_CLIENT_ORDER_ID', `client order id ${clientOrderId} was already used by order ${orderId}`)
  }
}

/** No open order with that id (for this account). */
export class UnknownOrderError extends EngineError {
  constructor(id: string) {
    super('UNKNOWN_ORDER', `no open order ${id}`)
  }
}

/** Too many resting orders for the account or the market. */
export class TooManyOrdersError extends EngineError {
  constructor(message: string) {
    super('TOO_MANY_ORDERS', message)
  }
}

/** The account is healthy (or the liquidation asked for is not allowed). */
export class NotLiquidatableError extends EngineError {
  constructor(message: string) {
    super('NOT_LIQUIDATABLE', message)
  }
}

/** The engine stopped accepting commands (its log failed, or its state diverged). Restart replays the log. */
export class EngineHaltedError extends EngineError {
  constructor(reason: string) {
    super('ENGINE_HALTED', `engine halted: ${reason}`)
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
