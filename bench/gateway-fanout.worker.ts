// One worker thread of the fan-out benchmark's subscribers: `clients` `ws` connections, each
// subscribed to the same channels. Every push is checked for seq continuity (a snapshot resets
// the channel; an update must continue the last seq), every trade update is timed from its
// event's publication on the venue's bus (the main thread writes that moment, by event seq, into
// shared memory before the gateway sees the event) to its arrival here.
import { parentPort, workerData } from 'node:worker_threads'
import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js'
import WebSocket from 'ws'
import { monotonicMs, publishedAt, type FanoutShared } from './gateway-fanout-shared.js'

/** What the main thread sends. */
export type WorkerCommand = { cmd: 'connect'; url: string } | { cmd: 'reset' } | { cmd: 'report' } | { cmd: 'disconnect' }

/** A worker's counts since the last reset. */
export interface WorkerReport {
  /** Pushes received (updates and snapshots). */
  messages: number
  updates: number
  /** Updates whose prevSeq was not the last seq seen on the channel. */
  gaps: number
  /** Snapshots after the first one of a channel (the server healing a skipped stretch). */
  resnapshots: number
  /** Trade updates whose publication time was not (or no longer) in shared memory. */
  untimed: number
  /** Monotonic ms of the first and last push received. */
  firstAt: number
  lastAt: number
  /** Publish-to-receive latency of trade updates, µs, as a compressed HDR histogram. */
  latency: string
}

interface Client {
  ws: WebSocket
  lastSeq: Map<string, number>
  trades: number
  updates: number
}

const shared = workerData as FanoutShared & { index: number; clients: number; channels: string[]; tradeChannel: string }
const port = parentPort!
const histogram = build({ numberOfSignificantValueDigits: 3 })
let clients: Client[] = []
let counts = { messages: 0, updates: 0, gaps: 0, resnapshots: 0, untimed: 0, firstAt: 0, lastAt: 0 }

// The gateway writes pushes with a fixed key order; the head is read without parsing the data.
const HEAD = /^\{"channel":"([^"]+)","type":"(snapshot|update)","seq":(\d+),"prevSeq":(\d+|null),"ts":-?\d+,"data":(?:\{"eventSeq":(\d+))?/

function onPush(client: Client, data: Buffer): void {
  const at = monotonicMs()
  const head = HEAD.exec(data.toString('latin1', 0, 160))
  let channel: string, type: string, seq: number, prevSeq: number | null, eventSeq: number | undefined
  if (head) {
    channel = head[1]!
    type = head[2]!
    seq = Number(head[3])
    prevSeq = head[4] === 'null' ? null : Number(head[4])
    eventSeq = head[5] === undefined ? undefined : Number(head[5])
  } else {
    const msg = JSON.parse(data.toString()) as { channel?: string; type: string; seq: number; prevSeq: number | null; data?: { eventSeq?: number } }
    if (msg.channel === undefined) return // a response
    ;({ channel, type, seq, prevSeq } = msg)
    eventSeq = msg.data?.eventSeq
  }
  if (channel === 'heartbeat') return
  if (counts.messages === 0) counts.firstAt = at
  counts.lastAt = at
  counts.messages++
  const last = client.lastSeq.get(channel)
  if (type === 'snapshot') {
    if (last !== undefined) counts.resnapshots++
    client.lastSeq.set(channel, seq)
    return
  }
  counts.updates++
  client.updates++
  if (last === undefined || prevSeq !== last) counts.gaps++
  client.lastSeq.set(channel, seq)
  if (channel !== shared.tradeChannel || eventSeq === undefined) return
  client.trades++
  const sent = publishedAt(shared, eventSeq)
  if (sent === undefined) counts.untimed++
  else histogram.recordValue(Math.max(0, Math.round((at - sent) * 1000)))
}

async function connect(url: string): Promise<Client> {
  const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const client: Client = { ws, lastSeq: new Map(), trades: 0, updates: 0 }
  ws.on('message', (data) => onPush(client, data as Buffer))
  ws.send(JSON.stringify({ method: 'subscribe', id: 1, params: { channels: shared.channels } }))
  return client
}

// The slowest client's counts, for the main thread's flat-out window and its drain.
setInterval(() => {
  let trades = Infinity
  let updates = Infinity
  for (const c of clients) {
    if (c.trades < trades) trades = c.trades
    if (c.updates < updates) updates = c.updates
  }
  Atomics.store(shared.progress, shared.index, clients.length === 0 ? 0 : trades)
  Atomics.store(shared.updates, shared.index, clients.length === 0 ? 0 : updates)
}, 1).unref()

port.on('message', async (m: WorkerCommand) => {
  switch (m.cmd) {
    case 'connect': {
      clients = []
      for (let i = 0; i < shared.clients; i += 50) clients.push(...(await Promise.all(Array.from({ length: Math.min(50, shared.clients - i) }, () => connect(m.url)))))
      // Ready once every client has its snapshots.
      while (clients.some((c) => c.lastSeq.size < shared.channels.length)) await new Promise((r) => setTimeout(r, 5))
      port.postMessage({ ready: clients.length })
      return
    }
    case 'reset':
      histogram.reset()
      counts = { messages: 0, updates: 0, gaps: 0, resnapshots: 0, untimed: 0, firstAt: 0, lastAt: 0 }
      for (const c of clients) c.trades = c.updates = 0
      Atomics.store(shared.progress, shared.index, 0)
      Atomics.store(shared.updates, shared.index, 0)
      port.postMessage({ reset: true })
      return
    case 'report': {
      const report: WorkerReport = { ...counts, latency: encodeIntoCompressedBase64(histogram) }
      port.postMessage(report)
      return
    }
    case 'disconnect':
      await Promise.all(clients.map((c) => new Promise<void>((resolve) => {
        c.ws.once('close', () => resolve())
        c.ws.close()
      })))
      clients = []
      port.postMessage({ disconnected: true })
      return
  }
})
