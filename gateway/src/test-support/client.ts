// A protocol v1 client for tests, on the `ws` library: requests by id, and pushes collected in
// order so a test can wait for the ones it expects.
import WebSocket from 'ws'

/** A push as received (decimals are strings). */
export interface ReceivedPush {
  channel: string
  type: 'snapshot' | 'update'
  seq: number
  prevSeq: number | null
  ts: number
  data: any
}

/** A response as received. */
export interface ReceivedResponse {
  id: string | number | null
  result?: any
  error?: { code: string; message: string; retryAfterMs?: number }
  quota?: { orders: number }
  /** When the gateway read the request and wrote the answer (µs since the Unix epoch). */
  usIn: number
  usOut: number
  usDiff: number
}

export class TestClient {
  readonly pushes: ReceivedPush[] = []
  readonly responses: ReceivedResponse[] = []
  closed?: { code: number; reason: string }
  private nextId = 1
  private waiters: Array<() => void> = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ReceivedPush & ReceivedResponse
      if ('channel' in msg) this.pushes.push(msg)
      else this.responses.push(msg)
      this.wake()
    })
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) }
      this.wake()
    })
  }

  /** Connects to a gateway's ws:// URL (with extra upgrade headers: Cookie, Origin...). */
  static async connect(url: string, headers?: Record<string, string>): Promise<TestClient> {
    const ws = new WebSocket(url, headers ? { headers } : {})
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    return new TestClient(ws)
  }

  /** Attempts an upgrade the gateway should refuse: its HTTP status and JSON body. */
  static async refusedUpgrade(url: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
    const ws = new WebSocket(url, { headers })
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.close()
        reject(new Error('the upgrade was accepted'))
      })
      ws.once('unexpected-response', (_req, res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      })
      ws.once('error', (err) => reject(err))
    })
  }

  private wake(): void {
    const w = this.waiters
    this.waiters = []
    for (const f of w) f()
  }

  /** Resolves when `ready()` holds (checked after every message), or rejects after `ms`. */
  async until<T>(ready: () => T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + ms
    for (;;) {
      const v = ready()
      if (v) return v
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()))
        this.waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** Sends raw text (or bytes) as one frame. */
  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary })
  }

  /** Sends a request and waits for the response with its id. */
  async request(method: string, params?: unknown): Promise<ReceivedResponse> {
    const id = this.nextId++
    this.ws.send(JSON.stringify(params === undefined ? { method, id } : { method, id, params }))
    return this.until(() => this.responses.find((r) => r.id === id), 5000, `response ${id} (${method})`)
  }

  /** The next response with a null id after `after` responses (for frames that carry no id). */
  async nullIdResponse(after: number): Promise<ReceivedResponse> {
    return this.until(() => this.responses.slice(after).find((r) => r.id === null), 5000, 'an id-less error')
  }

  /** Pushes of one channel. */
  channel(name: string): ReceivedPush[] {
    return this.pushes.filter((p) => p.channel === name)
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.ws.close()
    await this.until(() => this.closed, 5000, 'close')
  }
}
