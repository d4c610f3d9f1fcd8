// Gateways over a read replica: the engine (a Venue on PostgreSQL with the Redis bus and its
// command server) and gateways that serve a ReplicaVenue, in this process and as a separate
// gateway-only process (cli/gateway.ts), with real `ws` clients.
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { pino } from 'pino'
import { demoGenesis } from '../../../engine/src/demo/markets.js'
import { startCommandServer, type CommandServer } from '../../../engine/src/replica/command-server.js'
import { ReplicaVenue } from '../../../engine/src/replica/replica-venue.js'
import { dropTestSchema, serverFailure, TEST_DATABASE_URL, TEST_REDIS_URL, uniqueName } from '../../../engine/src/store/test-servers.js'
import { seedVenue, WAD } from '../../../engine/src/test-support/venue.js'
import { Venue } from '../../../engine/src/venue.js'
import { startGateway, type Gateway } from '../server.js'
import { TestClient } from '../test-support/client.js'

const T0 = Date.now()
const root = new URL('../../../', import.meta.url).pathname
const cli = join(root, 'gateway/src/cli/gateway.ts')

/** Places a 50 fUSD market buy for amy through a gateway and checks what comes back. */
async function orderAndFill(url: string, httpUrl: string, engine: Venue, clientOrderId: string): Promise<void> {
  const c = await TestClient.connect(url)
  try {
    assert.equal((await c.request('auth', { apiKey: 'amy-key' })).result.account, 'amy')
    await c.request('subscribe', { channels: ['fills', 'account'] })
    await c.until(() => c.pushes.length >= 2, 5000, 'the snapshots')
    const placed = await c.request('placeOrder', { market: 'sETH', side: 'buy', kind: 'market', amountIn: String(50n * WAD), clientOrderId })
    assert.equal(placed.result?.status, 'filled', JSON.stringify(placed))
    await c.until(() => c.channel('fills').length === 2, 5000, 'the fill on the private channel')
    const fill = c.channel('fills')[1]!
    assert.equal(fill.data.orderId, placed.result.orderId)
    assert.equal(fill.data.clientOrderId, clientOrderId)
    assert.equal(fill.data.amountIn, String(50n * WAD))
    // The account read right after the order holds the fill, as the engine has it.
    const account = await (await fetch(`${httpUrl}/v1/account`, { headers: { 'X-Fluxion-Key': 'amy-key' } })).json()
    assert.equal(account.balances.sETH, String(engine.engine.state.ledger.balance('amy', 'sETH')))
    assert.notEqual(account.balances.sETH, undefined)
    // An engine refusal crosses both hops with its code.
    const refused = await c.request('placeOrder', { market: 'sETH', side: 'buy', kind: 'market', amountIn: String(10n ** 30n), clientOrderId: `${clientOrderId}-big` })
    assert.equal(refused.error?.code, 'INSUFFICIENT_BALANCE')
    assert.equal((await c.request('placeOrder', { market: 'sETH', side: 'buy', kind: 'market', amountIn: String(WAD), clientOrderId })).error?.code, 'DUPLICATE_CLIENT_ORDER_ID')
  } finally {
    await c.close()
  }
}

describe('gateways over a read replica', () => {
  const schema = uniqueName('gwreplica')
  const namespace = `${schema}:`
  let engine: Venue
  let server: CommandServer
  let dir: string

  before(async () => {
    try {
      engine = await Venue.open({ databaseUrl: TEST_DATABASE_URL, schema, redisUrl: TEST_REDIS_URL, busNamespace: namespace, genesis: demoGenesis() })
    } catch (err) {
      throw serverFailure('PostgreSQL or Redis', `${TEST_DATABASE_URL} / ${TEST_REDIS_URL}`, err)
    }
    await seedVenue(engine, T0)
    server = await startCommandServer(engine)
    dir = mkdtempSync(join(tmpdir(), 'fluxion-gw-replica-'))
  })

  after(async () => {
    await server?.close()
    await engine?.close()
    await dropTestSchema(schema)
    rmSync(dir, { recursive: true, force: true })
  })

  test('a gateway over a ReplicaVenue: a ws client places an order and sees its fill on the private channel', async () => {
    const replica = await ReplicaVenue.open({ databaseUrl: TEST_DATABASE_URL, redisUrl: TEST_REDIS_URL, schema, busNamespace: namespace })
    let gateway: Gateway | undefined
    try {
      gateway = await startGateway({ venue: replica, port: 0, apiKeys: { 'amy-key': { account: 'amy' } }, logger: pino({ level: 'silent' }), defaultMetrics: false })
      await orderAndFill(gateway.url, gateway.httpUrl, engine, 'replica-1')
      const health = await (await fetch(`${gateway.httpUrl}/v1/health`)).json()
      assert.equal(health.status, 'ok')
      assert.equal(health.seq, replica.state.seq)
      assert.equal(replica.state.hash(), engine.engine.state.hash())
    } finally {
      await gateway?.close()
      await replica.close()
    }
  })

  test('a separate gateway-only process (cli/gateway.ts) serves the same engine', async () => {
    const keys = join(dir, 'keys.json')
    writeFileSync(keys, JSON.stringify({ 'amy-key': { account: 'amy' } }))
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--db-schema', schema, '--api-keys', keys], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, FLUXION_BUS_NAMESPACE: namespace, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr!.on('data', (d) => (stderr += String(d)))
    try {
      const urls = await new Promise<{ ws: string; http: string }>((resolve, reject) => {
        let out = ''
        const timer = setTimeout(() => reject(new Error(`the gateway process did not start: ${out} ${stderr}`)), 20_000)
        child.stdout!.on('data', (d) => {
          out += String(d)
          const m = /(ws:\/\/\S+) (http:\/\/\S+)/.exec(out)
          if (m) (clearTimeout(timer), resolve({ ws: m[1]!, http: m[2]! }))
        })
        child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the gateway process exited with ${code}: ${stderr}`))))
      })
      await orderAndFill(urls.ws, urls.http, engine, 'process-1')
      const health = await (await fetch(`${urls.http}/v1/health`)).json()
      assert.equal(health.status, 'ok')
      assert.equal(health.seq, engine.engine.state.seq)
    } finally {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
  })

  test('the gateway-only process refuses to start without DATABASE_URL and REDIS_URL', () => {
    const env = { ...process.env }
    delete env.DATABASE_URL
    delete env.REDIS_URL
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, '--port', '0'], { cwd: root, env: { ...env, REDIS_URL: TEST_REDIS_URL }, encoding: 'utf8' })
    assert.equal(r.status, 2)
    assert.match(r.stderr, /set both DATABASE_URL .* and REDIS_URL .*; missing DATABASE_URL$/m)
  })
})
