// The feed follows markets listed while the gateway runs, not only those it started with.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { demoListing } from '../../engine/src/demo/markets.js'
import { WAD } from '../../engine/src/test-support/venue.js'
import { MARKET_WATCH_MS } from './feed.js'
import { TestClient } from './test-support/client.js'
import { startSeededGateway, type SeededGateway } from './test-support/seeded-gateway.js'

let g: SeededGateway
before(async () => {
  g = await startSeededGateway({ apiKeys: { 'amy-key': { account: 'amy', permissions: ['read', 'trade'] } } })
})
after(() => g.close())

test('a market listed after the gateway started gets its trades (and fills, at the same price) pushed once the feed has seen it', async () => {
  const { venue, gateway, now } = g
  await venue.submit({ type: 'list-market', listing: demoListing('sXAU', 'sXAU', { maxPositionBase: 1000n * WAD, dustDebt: WAD / 1000n }) })
  await venue.submit({ type: 'price', market: 'sXAU', price: 2000n * WAD, publishedAt: now.t })
  await venue.submit({ type: 'mint', account: 'lp', market: 'sXAU', amount: 100n * WAD })
  await venue.submit({ type: 'add-liquidity', account: 'lp', market: 'sXAU', pool: 'sXAU-pmm', base: 100n * WAD, quote: 200_000n * WAD })
  await new Promise((resolve) => setTimeout(resolve, MARKET_WATCH_MS * 3))

  const c = await TestClient.connect(gateway.url)
  try {
    await c.request('subscribe', { channels: ['trades:sXAU'] })
    await c.until(() => c.channel('trades:sXAU').length === 1, 2000, 'the snapshot')
    await c.request('auth', { apiKey: 'amy-key' })
    await c.request('subscribe', { channels: ['fills'] })
    await c.until(() => c.channel('fills').length === 1, 2000, 'the fills snapshot')
    const placed = await c.request('placeOrder', { market: 'sXAU', side: 'buy', kind: 'market', amountIn: String(1000n * WAD) })
    assert.equal(placed.error, undefined, JSON.stringify(placed.error))
    await c.until(() => c.channel('trades:sXAU').length === 2, 2000, 'the trade update')
    const [snapshot, update] = c.channel('trades:sXAU')
    assert.equal(update!.type, 'update')
    assert.equal(update!.prevSeq, snapshot!.seq)
    assert.equal(update!.data.market, 'sXAU')
    // The private fill carries its public trade's price (one derivation for both channels).
    await c.until(() => c.channel('fills').length === 2, 2000, 'the fill update')
    const fill = c.channel('fills')[1]!.data
    assert.equal(fill.orderId, update!.data.orderId)
    assert.equal(fill.price, update!.data.price)
    assert.equal(BigInt(fill.price), (BigInt(fill.amountIn) * WAD) / BigInt(fill.amountOut), 'quote per base of a buy')
  } finally {
    await c.close()
  }
})
