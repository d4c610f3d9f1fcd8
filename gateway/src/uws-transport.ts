// The gateway's transport: uWS topics, whose publish fans a message out in C++ (one copy of the
// frame, batched per subscriber per event-loop turn).
import type { TemplatedApp, WebSocket } from 'uWebSockets.js'
import type { Transport } from './transport.js'

/** The Transport of one uWS app; sockets are that app's WebSockets. */
export function uwsTransport<T>(app: TemplatedApp): Transport<WebSocket<T>> {
  return {
    send: (ws, text) => void ws.send(text),
    subscribe: (ws, topic) => void ws.subscribe(topic),
    unsubscribe: (ws, topic) => void ws.unsubscribe(topic),
    subscribers: (topic) => app.numSubscribers(topic),
    publish: (topic, text) => void app.publish(topic, text),
  }
}
