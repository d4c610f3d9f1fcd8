// The order benchmark's market maker, in its own thread: one `ws` connection, a signed API-key
// `auth`, then market orders on one market offered at a fixed rate (open loop), alternating a buy
// and a slightly smaller sell so the account stays flat, each with the minimum received of a
// quote at 1% slippage. Each round trip is timed from the moment the order fell due (so a
// stalled gateway shows as latency) and from its actual send.
import { randomUUID } from 'node:crypto'
import type { Socket } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js'
import WebSocket from 'ws'
import { signAuth } from '../gateway/src/auth.js'
import { threadSample, threadShare, type ThreadShare } from './cpu-share.js'
import { monotonicMs } from './gateway-fanout-shared.js'

/** The connection and the flow. */
export interface OrdersWorkerData {
  url: string
  apiKey: string
  secret: string
  market: string
  /** Quote spent on a buy, and base sold on a sell (a little less than a buy brings). */
  buyQuote: string
  sellBase: string
}

/** What one run sends back. */
export interface OrdersReport {
  sent: number
  ok: number
  /** Refusals by error code. */
  errors: Record<string, number>
  seconds: number
  /** µs, compressed HDR histograms: from the due moment, and from the send. */
  fromDue: string
  fromSend: string
  /** This client's thread over the run (Linux): its own scheduling delays are in every latency. */
  clientThread?: ThreadShare
  /** The gateway's own time (the answers' usDiff): the share of answers within each bound (ms). */
  gatewayWithinMs: Record<string, number>
  /** The slowest 1% of round trips (from the send), their means split by the answers' usDiff:
   *  the gateway's own time, from reading the request to writing the answer, and the rest: this
   *  client, the kernel's socket path both ways, and the time a request waited to be read. */
  slowest: { count: number; roundTripMs: number; gatewayMs: number; outsideMs: number }
}

/** Bounds (ms) for the share of answers the gateway wrote within them. */
const GATEWAY_BOUNDS_MS = [0.1, 0.25, 0.5, 1, 2, 5, 10]

/** An answer: the result or error, and the gateway's own time (µs) from reading the request to writing it. */
interface Answer {
  result?: any
  error?: { code: string }
  usDiff: number
}

const data = workerData as OrdersWorkerData
const ws = new WebSocket(data.url, { perMessageDeflate: false })
let nextId = 1
const waiting = new Map<number, (msg: Answer) => void>()
ws.on('message', (raw) => {
  const msg = JSON.parse(String(raw)) as Answer & { id?: number }
  if (typeof msg.id === 'number') waiting.get(msg.id)?.(msg)
})
await new Promise((resolve, reject) => {
  ws.once('open', resolve)
  ws.once('error', reject)
})
/** The connection's TCP socket: `ws` keeps it as `_socket` and offers no cork of its own. */
const socket = (ws as unknown as { _socket: Socket })._socket

const call = (method: string, params: unknown, onReply: (msg: Answer) => void): void => {
  const id = nextId++
  waiting.set(id, (msg) => {
    waiting.delete(id)
    onReply(msg)
  })
  ws.send(JSON.stringify({ method, id, params }))
}
const request = (method: string, params: unknown) =>
  new Promise<any>((resolve, reject) => call(method, params, (m) => (m.error ? reject(new Error(`${method}: ${m.error.code}`)) : resolve(m.result))))

const timestamp = Date.now()
const nonce = randomUUID()
await request('auth', { apiKey: data.apiKey, timestamp, recvWindow: 5000, nonce, signature: signAuth(data.secret, data.apiKey, timestamp, 5000, nonce) })
const minOut = async (side: 'buy' | 'sell', amountIn: string) => ((await request('quote', { market: data.market, side, amountIn, slippageBps: 100 })) as { minOut: string }).minOut
const flows = {
  placeOrder: [
    { market: data.market, side: 'buy', kind: 'market', amountIn: data.buyQuote, minOut: await minOut('buy', data.buyQuote) },
    { market: data.market, side: 'sell', kind: 'market', amountIn: data.sellBase, minOut: await minOut('sell', data.sellBase) },
  ],
  // The same round trip without the engine's durable path: the gateway's own share.
  quote: [
    { market: data.market, side: 'buy', amountIn: data.buyQuote, slippageBps: 100 },
    { market: data.market, side: 'sell', amountIn: data.sellBase, slippageBps: 100 },
  ],
}

/** One run: `method` (placeOrder, or quote for the gateway alone) offered at `rate` per second. */
export interface OrdersRun {
  method: keyof typeof flows
  rate: number
  seconds: number
}

async function run({ method, rate, seconds }: OrdersRun): Promise<OrdersReport> {
  const params = flows[method]
  const fromDue = build({ numberOfSignificantValueDigits: 3 })
  const errors: Record<string, number> = {}
  let sent = 0
  let answered = 0
  let ok = 0
  const total = Math.round(rate * seconds)
  // Each answered order's round trip and the gateway's share of it (ms), kept off the JS heap;
  // the round trips' histogram is built from them once the run is over.
  const roundTrips = new Float64Array(total)
  const gatewayTimes = new Float64Array(total)
  const cpuAtStart = threadSample()
  const started = monotonicMs()
  await new Promise<void>((resolve) => {
    const send = (due: number) => {
      const at = monotonicMs()
      call(method, params[sent++ % 2], (m) => {
        const done = monotonicMs()
        answered++
        if (m.error) errors[m.error.code] = (errors[m.error.code] ?? 0) + 1
        else {
          ok++
          fromDue.recordValue(Math.round((done - due) * 1000))
          roundTrips[ok - 1] = done - at
          gatewayTimes[ok - 1] = m.usDiff / 1000
        }
        if (answered === total) resolve()
      })
    }
    const tick = setInterval(() => {
      const due = Math.min(Math.floor(((monotonicMs() - started) * rate) / 1000), total)
      // The orders that fell due together leave in one write, as a market maker's client sends a
      // burst, not a send(2) each (a third of this thread's time went to them).
      socket.cork()
      while (sent < due) send(started + (sent * 1000) / rate)
      socket.uncork()
      if (sent === total) clearInterval(tick)
    }, 1)
  })
  const clientThread = threadShare(cpuAtStart)
  const rts = roundTrips.subarray(0, ok)
  const gws = gatewayTimes.subarray(0, ok)
  const fromSend = build({ numberOfSignificantValueDigits: 3 })
  for (const ms of rts) fromSend.recordValue(Math.round(ms * 1000))
  return {
    sent,
    ok,
    errors,
    seconds: (monotonicMs() - started) / 1000,
    fromDue: encodeIntoCompressedBase64(fromDue),
    fromSend: encodeIntoCompressedBase64(fromSend),
    clientThread,
    gatewayWithinMs: Object.fromEntries(GATEWAY_BOUNDS_MS.map((ms) => [String(ms), shareAtMost(gws, ms)])),
    slowest: slowestSplit(rts, gws, 0.01),
  }
}

/** The share of `values` at most `bound`, to 4 decimals. */
function shareAtMost(values: Float64Array, bound: number): number {
  let n = 0
  for (const v of values) if (v <= bound) n++
  return values.length > 0 ? Math.round((n / values.length) * 10_000) / 10_000 : 0
}

/** The slowest `share` of the round trips, their mean, and the mean of the gateway's part and of the rest. */
function slowestSplit(roundTrips: Float64Array, gatewayTimes: Float64Array, share: number): OrdersReport['slowest'] {
  const threshold = Float64Array.from(roundTrips).sort()[Math.floor(roundTrips.length * (1 - share))] ?? Infinity
  let count = 0
  let rt = 0
  let gw = 0
  for (let i = 0; i < roundTrips.length; i++) {
    if (roundTrips[i]! < threshold) continue
    count++
    rt += roundTrips[i]!
    gw += gatewayTimes[i]!
  }
  const mean = (sum: number) => (count > 0 ? Math.round((sum / count) * 1000) / 1000 : 0)
  return { count, roundTripMs: mean(rt), gatewayMs: mean(gw), outsideMs: mean(rt - gw) }
}

parentPort!.on('message', async (m: OrdersRun | 'close') => {
  if (m === 'close') {
    ws.close()
    return
  }
  parentPort!.postMessage(await run(m))
})
parentPort!.postMessage('ready')
