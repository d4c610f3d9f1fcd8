// The bus that carries the engine's events to gateways: in-process by default, Redis pub/sub when
// several processes serve one engine. Channel names are the caller's business. Between processes
// messages are text; within one they may be any value, handed over as it is (never copied, so
// subscribers must treat it as read-only).

/** Receives one message of a channel it subscribed to. */
export type MessageHandler<M = string> = (message: M, channel: string) => void

/** Publish/subscribe with order preserved per channel (per publisher). */
export interface EventBus<M = string> {
  /** Sends a message to every current subscriber of the channel; fire and forget. */
  publish(channel: string, message: M): void
  /** Starts delivering the channel's messages to `handler` once the promise resolves; returns the unsubscribe. */
  subscribe(channel: string, handler: MessageHandler<M>): Promise<() => Promise<void>>
  /** Stops delivery and releases connections; publish and subscribe then throw BusError. */
  close(): Promise<void>
}

/** Where a handler's exception goes: it must not stop delivery to the others. */
export type HandlerErrorSink = (err: unknown, channel: string) => void

/** Reports a throwing handler on stderr (the default sink). */
export const logHandlerError: HandlerErrorSink = (err, channel) => {
  console.error(`bus: a handler of channel ${channel} threw:`, err)
}
