// What a gateway needs from a venue, and nothing more: read the state, quote, read candles,
// follow the events, submit commands. The engine's own Venue satisfies it, and so does a
// ReplicaVenue in a gateway-only process (replica/replica-venue.ts).
import type { EventBus } from './bus/event-bus.js'
import type { Command } from './commands.js'
import type { CommandResult, Engine } from './engine.js'
import type { SequencedEvent } from './events.js'
import type { EventStore } from './store/event-store.js'
import type { GroupCommitLog } from './store/group-commit.js'

export { eventChannel } from './venue.js'

/** The venue surface the gateway serves from. */
export interface GatewayVenue {
  /** The state (read only by the gateway), quotes, and why the venue cannot trade, if it cannot. */
  readonly engine: Pick<Engine, 'state' | 'quote' | 'haltReason'>
  /** The log, for candles (a replica's refuses writes). */
  readonly store: EventStore
  /** Each event on `eventChannel(stream)` once the state holds it (decoded: read-only). */
  readonly events: EventBus<SequencedEvent>
  /** The group-commit log this process writes, for its metrics (a replica writes none). */
  readonly log?: Pick<GroupCommitLog, 'observe' | 'stats'>
  /** Executes a command; resolves once its events are durable (and, on a replica, applied to its state). */
  submit(command: Command): Promise<CommandResult>
}
