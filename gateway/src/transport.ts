// The socket-library side of channel fan-out: what ChannelHub needs from a WebSocket server to
// send a snapshot to one socket, follow topics and publish an update to a topic's subscribers.
// The product runs on uWS (uws-transport.ts); the benchmark's baseline runs the same hub on `ws`.

/** Topic subscriptions and sends over one socket library; `S` is its socket type. */
export interface Transport<S> {
  /** Sends one text frame to one socket. */
  send(socket: S, text: string): void
  subscribe(socket: S, topic: string): void
  unsubscribe(socket: S, topic: string): void
  /** How many sockets follow the topic now. */
  subscribers(topic: string): number
  /** Sends one text frame (encoded once) to every subscriber of the topic. */
  publish(topic: string, text: string): void
}
