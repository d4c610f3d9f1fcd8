// A read replica of the venue for a gateway-only process: the engine's state rebuilt from the
// PostgreSQL log and kept current from the Redis bus, with commands forwarded to the engine
// process. It subscribes before it recovers (buffering), so no event falls between the two; it
// applies events strictly in global seq order, and on a gap (a lost message, a Redis reconnect)
// it reads the missing events from the log, where every event is durable before it is published.
// It never writes the log.
import { randomUUID } from 'node:crypto'
import { decodeBusEvent } from '../bus/bus-event.js'
import { InProcessBus } from '../bus/in-process-bus.js'
import { RedisBus } from '../bus/redis-bus.js'
import type { Command } from '../commands.js'
import { Engine, type CommandResult, type EngineOptions } from '../engine.js'
import { InvalidInputError } from '../errors.js'
import { sequencedEvent, type SequencedEvent } from '../events.js'
import type { GatewayVenue } from '../gateway-venue.js'
import type { EngineState } from '../state.js'
import type { EventStore, LoggedEvent } from '../store/event-store.js'
import { PostgresEventStore } from '../store/postgres-event-store.js'
import { eventChannel, recoverState } from '../venue.js'
import { CommandClient } from './command-client.js'
import { ReadOnlyReplicaError } from './errors.js'

/** Options of ReplicaVenue.open. */
export interface ReplicaVenueOptions extends Pick<EngineOptions, 'now' | 'feeModel'> {
  /** The engine's PostgreSQL log. */
  databaseUrl: string
  /** The engine's Redis bus. */
  redisUrl: string
  /** The log's schema, as the engine was given it. */
  schema?: string
  /** The engine's bus namespace (default FLUXION_BUS_NAMESPACE, else none). */
  busNamespace?: string
  /** How long a forwarded command may take (default 5 s): then ENGINE_UNAVAILABLE. */
  commandTimeoutMs?: number
  /** How long submit waits for the bus to bring a command's events before reading them from the log (default 1 s). */
  applyWaitMs?: number
  /** Interval of the lag check against the log's last seq (default 2 s; 0 = never). */
  checkEveryMs?: number
  /** Attempts of one catch-up from the log before the replica reports itself unhealthy (default 5). */
  catchUpAttempts?: number
  /** Events held while catching up before the buffer is dropped and re-read from the log (default 100,000). */
  maxBuffered?: number
  /** Where trouble is reported (catch-up failures, bad messages); default stderr. */
  onError?: (err: unknown) => void
}

/** How current a replica is. */
export interface ReplicaHealth {
  /** The seq of the last event applied. */
  seq: number
  /** The highest seq seen on the bus or in the log. */
  latestSeq: number
  /** latestSeq - seq. */
  lagEvents: number
  /** Catch-ups from the log after a gap, reconnect or lag check. */
  catchUps: number
  /** Events applied from the bus, and from the log after start-up. */
  fromBus: number
  fromLog: number
  healthy: boolean
  /** Why not healthy. */
  problem?: string
}

/** A venue that serves reads from a replica of the state and forwards commands to the engine. */
export class ReplicaVenue implements GatewayVenue {
  /** Each applied event, re-published in seq order on `eventChannel(stream)`, for this process's gateway. */
  readonly events = new InProcessBus<SequencedEvent>()
  readonly engine: GatewayVenue['engine']
  // An Engine over the replica's state, used only for quote(): nothing is ever submitted to it.
  #quoter!: Engine
  #state!: EngineState
  #client: CommandClient | undefined
  // A catch-up that found nothing new while the bus still shows a hole: wait for the lag check.
  #stalled = false
  #recovering = true
  readonly #buffer = new Map<number, string>()
  #latestSeq = 0
  #catchingUp: Promise<void> | undefined
  #again = false
  #catchUps = 0
  #fromBus = 0
  #fromLog = 0
  #problem: string | undefined
  #halted: string | undefined
  #waiters: { seq: number; resolve: () => void }[] = []
  #timer: NodeJS.Timeout | undefined
  #logSeqAtLastCheck = 0
  #closed = false
  #unsubscribe: () => Promise<void> = async () => undefined

  private constructor(
    /** This process's id: its reply channel, and its Redis connections' names (`fluxion-replica-<id>-…`). */
    readonly id: string,
    readonly store: EventStore,
    private readonly redis: RedisBus,
    private readonly options: ReplicaVenueOptions,
  ) {
    const self = this
    this.engine = {
      get state() {
        return self.#state
      },
      quote: (...args) => self.#quoter.quote(...args),
      get haltReason() {
        return self.#halted ?? self.#problem
      },
    }
  }

  /** Subscribes, recovers from the log, then follows the bus; forwards commands over Redis. */
  static async open(options: ReplicaVenueOptions): Promise<ReplicaVenue> {
    if (!options.databaseUrl || !options.redisUrl) throw new InvalidInputError('a replica needs both the PostgreSQL log (databaseUrl) and the Redis bus (redisUrl)')
    // Read-only on the server too: no writer lock (the engine holds it), no migrations.
    const log = new PostgresEventStore({ databaseUrl: options.databaseUrl, ...(options.schema ? { schema: options.schema } : {}), readOnly: true })
    await log.open()
    const store = readOnly(log)
    let replica: ReplicaVenue | undefined
    const id = randomUUID()
    const namespace = options.busNamespace ?? process.env.FLUXION_BUS_NAMESPACE
    try {
      const redis = await RedisBus.connect(options.redisUrl, {
        ...(namespace ? { namespace } : {}),
        onResubscribed: () => void replica?.catchUp(),
        connectionName: `fluxion-replica-${id}`,
      })
      replica = new ReplicaVenue(id, store, redis, options)
      await replica.#start()
      return replica
    } catch (err) {
      if (replica) await replica.close().catch(() => undefined)
      else await store.close()
      throw err
    }
  }

  async #start(): Promise<void> {
    // Subscribe first: whatever is published from now on is buffered, and what was published
    // before is in the log by the time recovery reads it.
    this.#unsubscribe = await this.redis.subscribePattern(eventChannel('*'), (message) => this.#onMessage(message))
    this.#client = await CommandClient.connect({ bus: this.redis, gatewayId: this.id, ...(this.options.commandTimeoutMs ? { timeoutMs: this.options.commandTimeoutMs } : {}) })
    const { state } = await recoverState(this.store)
    this.#state = state
    const { now, feeModel } = this.options
    this.#quoter = new Engine({ ...(now ? { now } : {}), ...(feeModel ? { feeModel } : {}) }, state)
    this.#latestSeq = Math.max(this.#latestSeq, state.seq)
    this.#recovering = false
    this.#prune()
    this.#drain()
    const every = this.options.checkEveryMs ?? 2_000
    if (every > 0) {
      this.#timer = setInterval(() => void this.#checkLag(), every)
      this.#timer.unref()
    }
  }

  /** The state as of `health().seq`. */
  get state(): EngineState {
    return this.#state
  }

  /** How current the replica is. */
  health(): ReplicaHealth {
    const seq = this.#state?.seq ?? 0
    const problem = this.#halted ?? this.#problem
    return { seq, latestSeq: Math.max(this.#latestSeq, seq), lagEvents: Math.max(0, this.#latestSeq - seq), catchUps: this.#catchUps, fromBus: this.#fromBus, fromLog: this.#fromLog, healthy: problem === undefined, ...(problem ? { problem } : {}) }
  }

  /**
   * Forwards the command to the engine; resolves with its durable result once this replica's
   * state holds the result's events (so a read right after sees them), or rejects with the
   * engine's typed error (same code and message) or ENGINE_UNAVAILABLE.
   */
  async submit(command: Command): Promise<CommandResult> {
    const result = await this.#client!.call(command)
    const last = result.events.at(-1)?.seq
    if (last !== undefined) await this.#reach(last)
    return result
  }

  /** Reads what the log has beyond the state; buffered bus events then continue from there. */
  catchUp(): Promise<void> {
    if (this.#closed || this.#recovering) return Promise.resolve()
    if (this.#catchingUp) {
      this.#again = true
      return this.#catchingUp
    }
    const run = (async () => {
      const attempts = this.options.catchUpAttempts ?? 5
      const before = this.#state.seq
      do {
        this.#again = false
        this.#catchUps++
        for (let attempt = 1; ; attempt++) {
          try {
            for await (const e of this.store.readEvents(this.#state.seq)) {
              if (this.#closed || this.#halted) return
              this.#apply(e.seq, sequencedEvent(e))
              this.#fromLog++
            }
            this.#problem = undefined
            break
          } catch (err) {
            this.#report(err)
            if (attempt >= attempts) {
              this.#problem = `replica cannot catch up from the log after ${attempts} attempts: ${(err as Error).message}`
              return
            }
            await new Promise((r) => setTimeout(r, 100 * 2 ** attempt))
          }
        }
      } while (this.#again && !this.#closed)
      this.#stalled = this.#state.seq === before
    })().finally(() => {
      this.#catchingUp = undefined
      this.#prune()
      this.#drain()
    })
    this.#catchingUp = run
    return run
  }

  /** Stops following the bus and forwarding; closes Redis and the store. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer) clearInterval(this.#timer)
    for (const w of this.#waiters) w.resolve()
    this.#waiters = []
    await this.#catchingUp?.catch(() => undefined)
    await this.#client?.close()
    await this.#unsubscribe().catch(() => undefined)
    await this.redis.close()
    await this.events.close()
    await this.store.close()
  }

  #onMessage(message: string): void {
    // encodeBusEvent writes the seq first: read it without parsing the rest.
    const head = /^\{"seq":(\d+),/.exec(message)
    if (!head) return this.#report(new Error(`bad message on the bus: ${message.slice(0, 80)}`))
    const seq = Number(head[1])
    if (seq > this.#latestSeq) this.#latestSeq = seq
    if (this.#recovering || this.#catchingUp) {
      this.#hold(seq, message)
      return
    }
    if (seq <= this.#state.seq) return
    this.#hold(seq, message)
    this.#drain()
  }

  #hold(seq: number, message: string): void {
    if (this.#buffer.size >= (this.options.maxBuffered ?? 100_000)) {
      // Everything held is in the log too: drop it and read it back from there.
      this.#buffer.clear()
      void this.catchUp()
      return
    }
    this.#buffer.set(seq, message)
  }

  // Drops what the state already holds; only recovery and catch-up move the state past held events
  // (in live mode #onMessage refuses them), so this runs after those, not per message.
  #prune(): void {
    for (const seq of this.#buffer.keys()) if (seq <= this.#state.seq) this.#buffer.delete(seq)
  }

  // Applies buffered events that continue the state; a hole before the next one is a gap.
  #drain(): void {
    if (this.#recovering || this.#catchingUp || this.#closed || this.#halted) return
    for (let next = this.#state.seq + 1; this.#buffer.has(next); next++) {
      const message = this.#buffer.get(next)!
      this.#buffer.delete(next)
      let e: SequencedEvent
      try {
        e = decodeBusEvent(message)
      } catch (err) {
        this.#report(new Error(`bad message on the bus at seq ${next}: ${(err as Error).message}`))
        break // read it from the log instead
      }
      this.#apply(next, e)
      this.#fromBus++
      if (this.#halted) return
    }
    if (this.#buffer.size === 0) {
      this.#stalled = false
      return
    }
    // A hole: the missing events are in the log (durable before published). If the log had
    // nothing new the last time, the lag check retries rather than spinning here.
    if (!this.#stalled) void this.catchUp()
    else this.#problem ??= `replica waits for event ${this.#state.seq + 1}: the bus skipped it and the log does not have it yet`
  }

  #apply(seq: number, e: SequencedEvent): void {
    if (seq !== this.#state.seq + 1) return // already applied (the log and the bus overlap)
    try {
      this.#state.apply(e)
    } catch (err) {
      // The replica's state is no longer the engine's: stop serving it as if it were.
      this.#halted = `replica diverged at event ${seq}: ${(err as Error).message}`
      this.#report(err)
      return
    }
    if (seq > this.#latestSeq) this.#latestSeq = seq
    this.events.publish(eventChannel(e.stream), e)
    if (this.#waiters.length > 0) this.#wake()
  }

  #wake(): void {
    const seq = this.#state.seq
    this.#waiters = this.#waiters.filter((w) => (w.seq <= seq ? (w.resolve(), false) : true))
  }

  // Waits until the state holds `seq`: from the bus, else (after applyWaitMs) from the log.
  async #reach(seq: number): Promise<void> {
    if (this.#state.seq >= seq || this.#closed) return
    if (seq > this.#latestSeq) this.#latestSeq = seq
    const arrived = new Promise<void>((resolve) => this.#waiters.push({ seq, resolve }))
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.options.applyWaitMs ?? 1_000)))
    if ((await Promise.race([arrived, late])) === 'late') await this.catchUp() // the result is durable: the log has it
    clearTimeout(timer)
  }

  #report(err: unknown): void {
    ;(this.options.onError ?? ((e: unknown) => console.error('replica:', e)))(err)
  }

  // The log runs ahead of the bus by what is in flight, so only what the log held at the previous
  // check and the bus has still not brought (one interval later) counts as lost.
  async #checkLag(): Promise<void> {
    if (this.#closed || this.#recovering) return
    try {
      const overdue = this.#logSeqAtLastCheck
      const last = await this.store.lastSeq()
      this.#logSeqAtLastCheck = last
      if (last > this.#latestSeq) this.#latestSeq = last
      if (overdue > this.#state.seq || (this.#stalled && this.#buffer.size > 0)) await this.catchUp()
    } catch (err) {
      this.#report(err)
    }
  }
}

/** The store with its writes refused: a replica reads the log and never writes it. */
function readOnly(store: EventStore): EventStore {
  return {
    kind: store.kind,
    open: () => store.open(),
    append: async () => {
      throw new ReadOnlyReplicaError('append')
    },
    saveSnapshot: async () => {
      throw new ReadOnlyReplicaError('saveSnapshot')
    },
    readEvents: (after) => store.readEvents(after),
    lastSeq: () => store.lastSeq(),
    latestSnapshot: () => store.latestSnapshot(),
    candles: (market, bucketMs, from, to) => store.candles(market, bucketMs, from, to),
    close: () => store.close(),
  }
}
