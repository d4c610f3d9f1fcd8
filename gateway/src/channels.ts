// Channel names, their topics, and the per-channel sequence numbers every push carries.
// Fan-out goes through the transport's `publish` (uWS in the product), so a channel's update is
// encoded once for all its subscribers and every subscriber sees the same seq.
import { UnknownChannelError } from './errors.js'
import type { Transport } from './transport.js'
import { encode, type Push } from './wire.js'

/** A parsed channel (`candles:<market>:1m` is the one candle width served): public ones name a market, private ones belong to the connection's account. */
export type ChannelSpec =
  | { kind: 'markets' }
  | { kind: 'trades'; market: string }
  | { kind: 'quotes'; market: string }
  | { kind: 'depth'; market: string }
  | { kind: 'candles'; market: string; bucket: '1m' }
  | { kind: 'orders' }
  | { kind: 'fills' }
  | { kind: 'account' }

/** Whether a channel needs an authenticated connection. */
export const isPrivate = (spec: ChannelSpec): boolean => spec.kind === 'orders' || spec.kind === 'fills' || spec.kind === 'account'

/** Parses a channel name; UNKNOWN_CHANNEL for names or markets the gateway does not serve. */
export function parseChannel(name: string, hasMarket: (market: string) => boolean): ChannelSpec {
  if (name === 'markets' || name === 'orders' || name === 'fills' || name === 'account') return { kind: name }
  const [kind, market, ...rest] = name.split(':')
  if (kind === 'candles' && market !== undefined && hasMarket(market) && rest.length === 1 && rest[0] === '1m') return { kind, market, bucket: '1m' }
  if (rest.length === 0 && market !== undefined && hasMarket(market) && (kind === 'trades' || kind === 'quotes' || kind === 'depth')) return { kind, market }
  throw new UnknownChannelError(name)
}

/** The topic of a channel: private channels get one topic per account. */
export function topicOf(name: string, spec: ChannelSpec, account?: string): string {
  return isPrivate(spec) ? `${name}:${account ?? ''}` : name
}

/** Where the event feed sends channel updates. */
export interface ChannelUpdates {
  /** Publishes an update to the topic's subscribers, if any; `data` is built only then. */
  update(topic: string, channel: string, data: () => unknown): void
}

/**
 * Sequence numbers per topic, and the two ways a push leaves: a snapshot to one socket (at the
 * topic's current seq) and an update published to all its subscribers (seq + 1). Updates of a
 * topic nobody follows are not numbered, so seqs stay continuous for those who do.
 */
export class ChannelHub<S> implements ChannelUpdates {
  private readonly seqs = new Map<string, number>()

  constructor(
    private readonly transport: Transport<S>,
    private readonly now: () => number,
    /** Told of every push sent (for metrics). */
    private readonly onPush: (type: Push['type']) => void = () => undefined,
  ) {}

  /** The seq of the topic's last update (0 before any). */
  current(topic: string): number {
    return this.seqs.get(topic) ?? 0
  }

  /** Sends `data` as the topic's snapshot to one socket, then subscribes it: the next update it gets continues this seq. */
  snapshot(socket: S, topic: string, channel: string, data: unknown): void {
    const push: Push = { channel, type: 'snapshot', seq: this.current(topic), prevSeq: null, ts: this.now(), data }
    this.transport.send(socket, encode(push))
    this.transport.subscribe(socket, topic)
    this.onPush('snapshot')
  }

  /** Stops sending the topic's updates to one socket. */
  unsubscribe(socket: S, topic: string): void {
    this.transport.unsubscribe(socket, topic)
  }

  /** Publishes an update to the topic's subscribers, if there are any (`data` is only built then). */
  update(topic: string, channel: string, data: () => unknown): void {
    if (this.transport.subscribers(topic) === 0) return
    const prevSeq = this.current(topic)
    const push: Push = { channel, type: 'update', seq: prevSeq + 1, prevSeq, ts: this.now(), data: data() }
    this.seqs.set(topic, prevSeq + 1)
    this.transport.publish(topic, encode(push))
    this.onPush('update')
  }
}
