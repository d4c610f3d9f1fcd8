// Prometheus metrics of one gateway, in a registry of its own (several gateways can share a
// process, as the tests do), served at GET /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { GroupCommitLog } from '../../engine/src/store/group-commit.js'

/** The gateway's metrics. */
export class GatewayMetrics {
  readonly registry = new Registry()
  readonly connections = new Gauge({ name: 'fluxion_gateway_ws_connections', help: 'Open WebSocket connections', registers: [this.registry] })
  readonly requests = new Counter({ name: 'fluxion_gateway_ws_requests_total', help: 'WebSocket requests by method and outcome', labelNames: ['method', 'outcome'], registers: [this.registry] })
  readonly errors = new Counter({ name: 'fluxion_gateway_errors_total', help: 'Errors returned to clients, by code', labelNames: ['code'], registers: [this.registry] })
  readonly requestSeconds = new Histogram({
    name: 'fluxion_gateway_request_seconds',
    help: 'Time from reading a request to writing its answer, by method (answered requests)',
    labelNames: ['method'],
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.25],
    registers: [this.registry],
  })
  readonly http = new Counter({ name: 'fluxion_gateway_http_requests_total', help: 'REST requests by route and status', labelNames: ['route', 'status'], registers: [this.registry] })
  readonly pushes = new Counter({ name: 'fluxion_gateway_pushes_total', help: 'Channel pushes sent (snapshots, and updates published once for all subscribers)', labelNames: ['type'], registers: [this.registry] })

  readonly resnapshots = new Counter({ name: 'fluxion_gateway_resnapshots_total', help: 'Slow readers sent fresh snapshots after skipped updates', registers: [this.registry] })

  /** Each method's children of `requests` (outcome ok) and `requestSeconds`: labelling a call
   *  hashes its labels, on every request of the order path. */
  readonly #succeeded = new Map<string, { ok: Counter.Internal; seconds: Histogram.Internal<string> }>()

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'fluxion_gateway_' })
  }

  /**
   * The engine's durable log, where this process writes it: each group commit's time (on
   * PostgreSQL it waits for the server's WAL flush, so a disk's flush tail shows here first), the
   * events made durable, those waiting, and whether the log has failed. Returns the call that stops
   * the observation.
   */
  watchLog(log: Pick<GroupCommitLog, 'observe' | 'stats'>): () => void {
    const registers = [this.registry]
    const commitSeconds = new Histogram({
      name: 'fluxion_log_commit_seconds',
      help: 'Time the store took to make one group commit durable',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    })
    const events = new Counter({ name: 'fluxion_log_events_total', help: 'Events made durable since the log was opened', registers })
    events.inc(log.stats.events) // those before the gateway started
    new Gauge({ name: 'fluxion_log_pending_events', help: 'Events waiting for a commit or in the one in flight', registers, collect() { this.set(log.stats.pending) } })
    new Gauge({ name: 'fluxion_log_failed', help: '1 once the log has failed: every command that would write is then refused (LOG_FAILED)', registers, collect() { this.set(log.stats.failed ? 1 : 0) } })
    return log.observe((batch) => {
      commitSeconds.observe(batch.seconds)
      events.inc(batch.events)
    })
  }

  /** A request that succeeded: counted, and its time from read to written observed when its
   *  answer was written (not when the connection closed first). */
  succeeded(method: string, answerSeconds?: number): void {
    let children = this.#succeeded.get(method)
    if (children === undefined) this.#succeeded.set(method, (children = { ok: this.requests.labels(method, 'ok'), seconds: this.requestSeconds.labels(method) }))
    children.ok.inc()
    if (answerSeconds !== undefined) children.seconds.observe(answerSeconds)
  }
}
