// The order benchmark's market maker (bench/mm-client, Rust) against a real gateway over a real
// venue: it signs in, places every order it offers and times each; a coarse timer sends in
// bursts; a bad key or a bad run fails with the reason. The summaries are checked on known data.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { pino } from 'pino'
import { demoGenesis } from '../engine/src/demo/markets.js'
import { seedVenue, WAD } from '../engine/src/test-support/venue.js'
import { Venue } from '../engine/src/venue.js'
import { startGateway, type Gateway } from '../gateway/src/server.js'
import { marketMakerBinary, runMarketMaker, shareAtMost, slowestSplit, type MarketMakerRun } from './mm-client.js'

const T0 = 1_700_000_000_000
let dir: string
let venue: Venue
let gateway: Gateway
let binary: string
let client: Omit<MarketMakerRun, 'method' | 'rate' | 'seconds'>

before(async () => {
  binary = marketMakerBinary()
  dir = mkdtempSync(join(tmpdir(), 'fluxion-mm-client-'))
  venue = await Venue.open({ dataDir: join(dir, 'data'), databaseUrl: '', redisUrl: '', genesis: demoGenesis(), now: () => T0 })
  await seedVenue(venue, T0, 'mm')
  const limits = { messagesPerSecond: 100_000, messageBurst: 100_000, ordersPerSecond: 100_000, orderBurst: 100_000 }
  gateway = await startGateway({ venue, port: 0, logger: pino({ level: 'silent' }), defaultMetrics: false, apiKeys: { 'mm-key': { account: 'mm', secret: 'mm-secret' } }, rateLimits: limits })
  client = { url: gateway.url, apiKey: 'mm-key', secret: 'mm-secret', market: 'sETH', buyQuote: String(100n * WAD) }
})

after(async () => {
  await gateway?.close()
  await venue?.close()
  rmSync(dir, { recursive: true, force: true })
})

test('mm-client: every order offered is placed in the venue and timed, the gateway part within its round trip', async () => {
  const eventsBefore = venue.log.stats.events
  const r = await runMarketMaker(binary, { ...client, method: 'placeOrder', rate: 400, seconds: 0.5 })
  assert.equal(r.sent, 200)
  assert.deepEqual(r.errors, {})
  assert.equal(r.ok, 200)
  for (const times of [r.roundTripUs, r.fromDueUs, r.gatewayUs, r.inboundUs, r.outboundUs]) assert.equal(times.length, 200)
  for (let i = 0; i < r.ok; i++) {
    assert.ok(r.gatewayUs[i]! > 0 && r.gatewayUs[i]! <= r.roundTripUs[i]!, `order ${i}: the gateway's ${r.gatewayUs[i]} µs within the round trip ${r.roundTripUs[i]} µs`)
    assert.ok(r.fromDueUs[i]! >= r.roundTripUs[i]!, `order ${i}: due no later than sent`)
  }
  assert.ok(r.seconds >= 199 / 400, 'open loop: the last order fell due at 199/400 s, whatever the answers did')
  // Each order is at least its fill in the venue's log.
  assert.ok(venue.log.stats.events - eventsBefore >= 200, `${venue.log.stats.events - eventsBefore} events logged`)
})

test('mm-client: on a coarse send timer the requests due within a tick wait for it and leave together', async () => {
  const tickMs = 5
  const r = await runMarketMaker(binary, { ...client, method: 'quote', rate: 2000, seconds: 0.25, tickMs })
  assert.equal(r.ok, 500)
  const waits = r.fromDueUs.map((fromDue, i) => fromDue - r.roundTripUs[i]!)
  // At 2,000/s ten fall due per tick: the first of them waits most of a tick for it.
  assert.ok(Math.max(...waits) >= 3000, `longest wait for the tick ${Math.max(...waits)} µs`)
  assert.ok(waits.filter((w) => w >= 2000).length >= 100, 'many requests waited for their tick')
})

test('mm-client: a wrong secret or a bad run fails with the reason', async () => {
  await assert.rejects(runMarketMaker(binary, { ...client, secret: 'wrong', method: 'quote', rate: 100, seconds: 0.1 }), /auth: BAD_SIGNATURE/)
  await assert.rejects(runMarketMaker(binary, { ...client, method: 'quote', rate: 0, seconds: 1 }), /rate, seconds and tickMs must be positive/)
  await assert.rejects(runMarketMaker(binary, { ...client, url: 'http://127.0.0.1:1/ws', method: 'quote', rate: 1, seconds: 1 }), /ws:\/\/host:port\/path/)
})

test('slowestSplit: the slowest share of round trips, their mean, and its parts', () => {
  const r = {
    roundTripUs: [100, 200, 300, 4000, 5000],
    inboundUs: [50, 100, 100, 3000, 1000],
    gatewayUs: [30, 50, 100, 500, 3000],
    outboundUs: [20, 50, 100, 500, 1000],
  }
  assert.deepEqual(slowestSplit(r, 0.4), { count: 2, roundTripMs: 4.5, inboundMs: 2, gatewayMs: 1.75, outboundMs: 0.75 })
  assert.deepEqual(slowestSplit(r, 0.2), { count: 1, roundTripMs: 5, inboundMs: 1, gatewayMs: 3, outboundMs: 1 })
  assert.deepEqual(slowestSplit({ roundTripUs: [], inboundUs: [], gatewayUs: [], outboundUs: [] }, 0.01), { count: 0, roundTripMs: 0, inboundMs: 0, gatewayMs: 0, outboundMs: 0 })
})

test('shareAtMost: the share of values within a bound, to 4 decimals', () => {
  assert.equal(shareAtMost([1, 2, 3], 2), 0.6667)
  assert.equal(shareAtMost([1, 2, 3], 0.5), 0)
  assert.equal(shareAtMost([], 5), 0)
})
