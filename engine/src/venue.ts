// A running venue: the engine over its durable log and its bus. Opening one recovers the state
// from the latest snapshot plus the events after it (or lists the genesis markets on an empty
// log); every event is acknowledged only once the group-commit log has made it durable, and only
// then published: as it is to subscribers in this process (`events`), as text on Redis to others.
import type { EventBus } from './bus/event-bus.js'
import { encodeBusEvent } from './bus/bus-event.js'
import { InProcessBus } from './bus/in-process-bus.js'
import { openEventBus } from './bus/open-event-bus.js'
import type { Command } from './commands.js'
import { Engine, type CommandResult, type EngineOptions } from './engine.js'
import { fromJson, sequencedEvent, toJson, type SequencedEvent } from './events.js'
import type { EventStore, LoggedEvent } from './store/event-store.js'
import { GroupCommitLog } from './store/group-commit.js'
import { openEventStore } from './store/open-event-store.js'
import { EngineState, type StateSnapshot } from './state.js'

export interface VenueOptions extends Pick<EngineOptions, 'now' | 'feeModel'> {
  /** PostgreSQL server (default DATABASE_URL); PGlite in `dataDir` otherwise. */
  databaseUrl?: string
  /** PGlite's data directory (default FLUXION_DATA_DIR, else ./data/fluxion). */
  dataDir?: string
  /** PostgreSQL only: a schema of its own (default: the server's search_path). */
  schema?: string
  /** Redis for the bus (default REDIS_URL); in-process otherwise. */
  redisUrl?: string
  /** Redis only: prefix of the bus's channel names on the wire (default FLUXION_BUS_NAMESPACE, else none). */
  busNamespace?: string
  /** Commands that set up an empty log (listings). */
  genesis?: readonly Command[]
  /** Take a snapshot every this many events (default 100,000; 0 = never). */
  snapshotEvery?: number
}

/** What recovery found. */
export interface Recovery {
  fromSnapshot: number
  replayed: number
  ms: number
}

/** The channel of a stream's events: on `events`, and on a Redis bus (as `encodeBusEvent` writes them). */
export const eventChannel = (stream: string) => `fluxion.events.${stream}`

export class Venue {
  private lastSnapshotSeq: number
  private snapshotting = false

  private constructor(
    readonly engine: Engine,
    readonly store: EventStore,
    readonly log: GroupCommitLog,
    readonly bus: EventBus,
    /** Each durable event, decoded, on `eventChannel(stream)`: for the gateway in this process. */
    readonly events: InProcessBus<SequencedEvent>,
    readonly recovery: Recovery,
    private readonly snapshotEvery: number,
  ) {
    this.lastSnapshotSeq = recovery.fromSnapshot
  }

  /** Opens the store and the bus, recovers the state, and lists the genesis on an empty log. */
  static async open(options: VenueOptions = {}): Promise<Venue> {
    const started = performance.now()
    const { databaseUrl, dataDir, schema } = options
    const store = await openEventStore({ ...(databaseUrl ? { databaseUrl } : {}), ...(dataDir ? { dataDir } : {}), ...(schema ? { schema } : {}) })
    let bus: EventBus | undefined
    try {
      bus = await openEventBus({ ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}), ...(options.busNamespace ? { namespace: options.busNamespace } : {}) })
      const { state, fromSnapshot, replayed } = await recoverState(store)
      const log = new GroupCommitLog(store)
      // Other processes (replica gateways) follow the events on Redis; an in-process bus has none.
      const remote = bus instanceof InProcessBus ? undefined : bus
      const events = new InProcessBus<SequencedEvent>()
      const publish = (e: SequencedEvent, entry: LoggedEvent) => {
        const channel = eventChannel(e.stream)
        events.publish(channel, e)
        remote?.publish(channel, encodeBusEvent(entry))
      }
      const engine = new Engine({ ...options, journal: log, publish }, state)
      const venue = new Venue(engine, store, log, bus, events, { fromSnapshot, replayed, ms: performance.now() - started }, options.snapshotEvery ?? 100_000)
      if (state.seq === 0) for (const c of options.genesis ?? []) await engine.submit(c)
      return venue
    } catch (err) {
      await bus?.close()
      await store.close()
      throw err
    }
  }

  /** Executes a command; resolves once its events are durable. Snapshots now and then. */
  submit(command: Command): Promise<CommandResult> {
    const done = this.engine.submit(command)
    if (this.snapshotEvery > 0 && this.engine.state.seq - this.lastSnapshotSeq >= this.snapshotEvery && !this.snapshotting) void this.snapshot()
    return done
  }

  /** Saves the state as of now, once every event up to it is durable. */
  async snapshot(): Promise<number> {
    this.snapshotting = true
    try {
      const snapshot = this.engine.state.snapshot()
      const text = toJson(snapshot) // taken now: the state moves on while the log catches up
      await this.log.flushed()
      await this.store.saveSnapshot(snapshot.seq, text)
      this.lastSnapshotSeq = snapshot.seq
      return snapshot.seq
    } finally {
      this.snapshotting = false
    }
  }

  /** Waits for the log, then closes the bus and the store. */
  async close(): Promise<void> {
    await this.log.flushed().catch(() => undefined)
    await this.events.close()
    await this.bus.close()
    await this.store.close()
  }
}

/** The state the log describes: its latest snapshot, then every event after it. */
export async function recoverState(store: EventStore, options: { ignoreSnapshot?: boolean } = {}): Promise<{ state: EngineState; fromSnapshot: number; replayed: number }> {
  const snapshot = options.ignoreSnapshot ? undefined : await store.latestSnapshot()
  const state = snapshot ? EngineState.restore(fromJson<StateSnapshot>(snapshot.state)) : new EngineState()
  let replayed = 0
  for await (const e of store.readEvents(state.seq)) {
    state.apply(sequencedEvent(e))
    replayed++
  }
  return { state, fromSnapshot: snapshot?.seq ?? 0, replayed }
}
