// The worker-thread side of a WorkerEventStore: answers each request with the store's result,
// one at a time in arrival order (the store itself is single-writer anyway).
import type { MessagePort } from 'node:worker_threads'
import { serializeError, type ServedStore, type StoreRequest, type StoreResponse } from './store-thread-protocol.js'

/** Serves `store` on `port` until a `close` request has been answered. */
export function serveStore(port: MessagePort, store: ServedStore): void {
  let queue = Promise.resolve()
  port.on('message', (request: StoreRequest) => {
    // Chained so that requests run in the order they were sent, as on the caller's thread.
    queue = queue.then(async () => {
      let response: StoreResponse
      try {
        const method = store[request.op] as (...args: unknown[]) => Promise<unknown>
        response = { id: request.id, ok: true, value: await method.apply(store, request.args) }
      } catch (err) {
        response = { id: request.id, ok: false, error: serializeError(err) }
      }
      port.postMessage(response)
      if (request.op === 'close' && response.ok) port.close()
    })
  })
}
