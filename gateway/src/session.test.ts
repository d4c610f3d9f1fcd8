// Browser sessions end to end: a venue on PGlite, the gateway on uWS, fetch and `ws` clients, and an
// ethers Wallet signing real EIP-4361 messages. Every refusal gets its code, sets no cookie and
// leaves the engine's state hash as it was.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Wallet } from 'ethers'
import { pino } from 'pino'
import { PRICES } from '../../engine/src/test-support/venue.js'
import type { Venue } from '../../engine/src/venue.js'
import { startGateway, type Gateway } from './server.js'
import { OriginPolicy, readCookie, SessionStore } from './session.js'
import { formatSiweMessage, type SiweMessage } from './siwe.js'
import { TestClient } from './test-support/client.js'
import { startSeededGateway, type SeededGateway } from './test-support/seeded-gateway.js'

const WAD = 10n ** 18n
const T0 = 1_700_000_000_000
const iso = (ms: number) => new Date(ms).toISOString()

describe('browser sessions: Sign-In with Ethereum', () => {
  // Fixed keys: the test is the same every run.
  const wallet = new Wallet('0x' + '11'.repeat(32))
  const stranger = new Wallet('0x' + '22'.repeat(32))
  let fixture: SeededGateway
  let now: { t: number }
  let venue: Venue
  let gateway: Gateway
  let http: string
  let host: string
  let origin: string

  before(async () => {
    fixture = await startSeededGateway({ apiKeys: { 'amy-key': { account: 'amy' } }, devFaucet: { asset: 'fUSD', amount: 10_000n * WAD }, siwe: { signInBurst: 1000 } }, T0)
    ;({ now, venue, gateway } = fixture)
    http = gateway.httpUrl
    host = `127.0.0.1:${gateway.port}`
    origin = `http://${host}`
  })

  after(() => fixture?.close())

  // Moves the gateway's clock and keeps the oracles fresh (they go stale after 10 s).
  async function advance(ms: number): Promise<void> {
    now.t += ms
    for (const [market, price] of Object.entries(PRICES)) await venue.submit({ type: 'price', market, price, publishedAt: now.t })
  }

  async function nonce(): Promise<string> {
    const r = await fetch(`${http}/v1/auth/nonce`)
    assert.equal(r.status, 200)
    assert.equal(r.headers.get('cache-control'), 'no-store')
    const body = (await r.json()) as { nonce: string; expiresAt: number }
    assert.match(body.nonce, /^[A-Za-z0-9]{20}$/)
    assert.equal(body.expiresAt, now.t + 5 * 60_000)
    return body.nonce
  }

  function message(n: string, fields: Partial<SiweMessage> = {}): string {
    return formatSiweMessage({
      domain: host,
      address: wallet.address,
      statement: 'Sign in to the Fluxion terminal.',
      uri: origin,
      version: '1',
      chainId: 31337,
      nonce: n,
      issuedAt: iso(now.t),
      expirationTime: iso(now.t + 600_000),
      ...fields,
    })
  }

  async function post(path: string, body: string, headers: Record<string, string> = { origin }): Promise<{ status: number; body: any; setCookie: string | null }> {
    const r = await fetch(`${http}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body })
    return { status: r.status, body: await r.json(), setCookie: r.headers.get('set-cookie') }
  }

  const signIn = (text: string, signature: string, headers?: Record<string, string>) => post('/v1/auth/siwe', JSON.stringify({ message: text, signature }), headers)

  /** Signs in `wallet` and returns the cookie pair `fluxion_session=…`. */
  async function session(): Promise<string> {
    const text = message(await nonce())
    const r = await signIn(text, await wallet.signMessage(text))
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return r.setCookie!.split(';')[0]!
  }

  test('success: nonce, signed message, httpOnly cookie; the session answers; the message cannot be replayed', async () => {
    const text = message(await nonce())
    const signature = await wallet.signMessage(text)
    const r = await signIn(text, signature)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.deepEqual(r.body, { address: wallet.address, account: wallet.address, permissions: ['read', 'trade'], expiresAt: now.t + 600_000 })
    // The message expires in 10 minutes, so the session does too (not 24 h).
    assert.match(r.setCookie!, /^fluxion_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=600$/)
    const cookie = r.setCookie!.split(';')[0]!

    const s = await fetch(`${http}/v1/auth/session`, { headers: { cookie } })
    assert.equal(s.status, 200)
    assert.deepEqual(await s.json(), r.body)
    const none = await fetch(`${http}/v1/auth/session`)
    assert.equal(none.status, 401)
    assert.equal(((await none.json()) as any).error.code, 'UNAUTHORIZED')

    const replay = await signIn(text, signature)
    assert.equal(replay.status, 401)
    assert.equal(replay.body.error.code, 'SIWE_NONCE_INVALID')
    assert.equal(replay.setCookie, null)
  })

  test('without an Expiration Time the session lasts the 24 h TTL', async () => {
    const n = await nonce()
    const text = formatSiweMessage({ domain: host, address: wallet.address, uri: `${origin}/terminal`, version: '1', chainId: 31337, nonce: n, issuedAt: iso(now.t) })
    const r = await signIn(text, await wallet.signMessage(text))
    assert.equal(r.status, 200, JSON.stringify(r.body))
    assert.equal(r.body.expiresAt, now.t + 24 * 3_600_000)
    assert.match(r.setCookie!, /Max-Age=86400$/)
  })

  test('every refusal: its code, no cookie, the nonce spent, the engine unchanged', async () => {
    const hash = venue.engine.state.hash()
    const cases: Array<{ name: string; status: number; code: string; make: (n: string) => Promise<{ text: string; signature: string; headers?: Record<string, string> }> }> = [
      { name: 'signed by another wallet', status: 401, code: 'SIWE_BAD_SIGNATURE', make: async (n) => ({ text: message(n), signature: await stranger.signMessage(message(n)) }) },
      { name: 'signature of another text', status: 401, code: 'SIWE_BAD_SIGNATURE', make: async (n) => ({ text: message(n), signature: await wallet.signMessage(message(n, { statement: 'other' })) }) },
      { name: 'signature not a signature', status: 401, code: 'SIWE_BAD_SIGNATURE', make: async (n) => ({ text: message(n), signature: '0x1234' }) },
      { name: 'wrong domain', status: 401, code: 'SIWE_DOMAIN_MISMATCH', make: async (n) => signed(message(n, { domain: 'evil.example' })) },
      { name: 'URI on another origin', status: 401, code: 'SIWE_URI_MISMATCH', make: async (n) => signed(message(n, { uri: 'https://evil.example/login' })) },
      { name: 'wrong chain', status: 401, code: 'SIWE_CHAIN_MISMATCH', make: async (n) => signed(message(n, { chainId: 1 })) },
      { name: 'expired message', status: 401, code: 'SIWE_EXPIRED', make: async (n) => signed(message(n, { issuedAt: iso(now.t - 700_000), expirationTime: iso(now.t - 1) })) },
      { name: 'issued in the future', status: 401, code: 'SIWE_NOT_YET_VALID', make: async (n) => signed(message(n, { issuedAt: iso(now.t + 120_000) })) },
      { name: 'not before later', status: 401, code: 'SIWE_NOT_YET_VALID', make: async (n) => signed(message(n, { notBefore: iso(now.t + 120_000) })) },
      { name: 'cross-site Origin', status: 403, code: 'ORIGIN_NOT_ALLOWED', make: async (n) => ({ ...(await signed(message(n))), headers: { origin: 'https://evil.example' } }) },
    ]
    for (const c of cases) {
      const n = await nonce()
      const { text, signature, headers } = await c.make(n)
      const r = await signIn(text, signature, headers)
      assert.equal(r.status, c.status, `${c.name}: ${JSON.stringify(r.body)}`)
      assert.equal(r.body.error.code, c.code, c.name)
      assert.equal(r.setCookie, null, c.name)
      if (c.code !== 'ORIGIN_NOT_ALLOWED') {
        // The first attempt spent the nonce: the right message with it is refused now.
        const good = message(n)
        const again = await signIn(good, await wallet.signMessage(good))
        assert.equal(again.body.error?.code, 'SIWE_NONCE_INVALID', `${c.name}: nonce spent`)
      }
    }

    const unknown = message('abcdefgh12345678')
    const u = await signIn(unknown, await wallet.signMessage(unknown))
    assert.equal(u.status, 401)
    assert.equal(u.body.error.code, 'SIWE_NONCE_INVALID')

    const n = await nonce()
    const malformed: Array<[string, string]> = [
      ['not JSON', 'nope'],
      ['missing signature', JSON.stringify({ message: message(n) })],
      ['extra field', JSON.stringify({ message: message(n), signature: '0x00', more: 1 })],
      ['CRLF lines', JSON.stringify({ message: message(n).replaceAll('\n', '\r\n'), signature: await wallet.signMessage(message(n)) })],
      ['no Version line', JSON.stringify({ message: message(n).replace('Version: 1\n', ''), signature: '0x00' })],
      ['lower-case address', JSON.stringify({ message: message(n).replace(wallet.address, wallet.address.toLowerCase()), signature: '0x00' })],
    ]
    for (const [name, body] of malformed) {
      const r = await post('/v1/auth/siwe', body)
      assert.equal(r.status, 400, name)
      assert.equal(r.body.error.code, 'SIWE_INVALID_MESSAGE', name)
      assert.equal(r.setCookie, null, name)
    }
    assert.equal(venue.engine.state.hash(), hash)
  })

  test('a session connection starts authenticated: faucet, order, private channels', async () => {
    const cookie = await session()
    const account = wallet.address
    const faucet = await post('/v1/dev/faucet', '', { cookie, origin })
    assert.equal(faucet.status, 200, JSON.stringify(faucet.body))
    assert.equal(faucet.body.result.account, account)
    assert.equal(faucet.body.result.amount, String(10_000n * WAD))
    assert.equal(venue.engine.state.ledger.balance(account, 'fUSD'), 10_000n * WAD)

    const c = await TestClient.connect(gateway.url, { cookie, origin })
    const sub = await c.request('subscribe', { channels: ['account', 'orders', 'fills'] })
    assert.deepEqual(sub.result, { channels: ['account', 'orders', 'fills'] })
    await c.until(() => c.pushes.length >= 3, 5000, 'private snapshots')
    assert.equal(c.channel('account')[0]!.data.account, account)
    assert.equal(c.channel('account')[0]!.data.balances.fUSD, String(10_000n * WAD))

    const placed = await c.request('placeOrder', { market: 'sETH', side: 'buy', kind: 'market', amountIn: String(1000n * WAD), clientOrderId: 'wallet-1' })
    assert.equal(placed.result?.status, 'filled', JSON.stringify(placed))
    await c.until(() => c.channel('fills').length >= 2 && c.channel('account').length >= 2, 5000, 'fill and account update')
    assert.equal(c.channel('fills')[1]!.data.account, account)
    assert.equal(c.channel('account').at(-1)!.data.balances.fUSD, String(9_000n * WAD))
    // `auth` for another account is refused on it, as on any authenticated connection.
    const other = await c.request('auth', { apiKey: 'amy-key' })
    assert.equal(other.error?.code, 'INVALID_PARAMS')
    // Cancel-on-disconnect without an `auth` call: a resting order goes when the socket closes.
    assert.deepEqual((await c.request('setCancelOnDisconnect', { enabled: true })).result, { cancelOnDisconnect: true })
    const resting = await c.request('placeOrder', { market: 'sETH', side: 'buy', kind: 'limit', amountIn: String(100n * WAD), limitPrice: String(1000n * WAD) })
    assert.equal(resting.result?.status, 'resting', JSON.stringify(resting))
    await c.close()
    for (let i = 0; i < 100 && venue.engine.state.orderMarket.has(resting.result.orderId); i++) await new Promise((r) => setTimeout(r, 10))
    assert.equal(venue.engine.state.orderMarket.has(resting.result.orderId), false, 'cancelled on disconnect')

    // REST reads and trades with the cookie too; GET needs no Origin.
    const acct = await fetch(`${http}/v1/account`, { headers: { cookie } })
    assert.equal(((await acct.json()) as any).account, account)
    const order = await post('/v1/orders', JSON.stringify({ market: 'sETH', side: 'sell', kind: 'market', amountIn: String(WAD / 10n) }), { cookie, origin })
    assert.equal(order.status, 200, JSON.stringify(order.body))
    assert.equal(order.body.result.status, 'filled')
  })

  test('the cookie is refused from other origins (upgrade and state-changing REST) and changes nothing', async () => {
    const cookie = await session()
    const hash = venue.engine.state.hash()
    const evil = await TestClient.refusedUpgrade(gateway.url, { cookie, origin: 'https://evil.example' })
    assert.equal(evil.status, 403)
    assert.equal(evil.body.error.code, 'ORIGIN_NOT_ALLOWED')
    const noOrigin = await TestClient.refusedUpgrade(gateway.url, { cookie })
    assert.equal(noOrigin.status, 403)
    assert.equal(noOrigin.body.error.code, 'ORIGIN_NOT_ALLOWED')
    const unknown = await TestClient.refusedUpgrade(gateway.url, { cookie: 'fluxion_session=forged', origin })
    assert.equal(unknown.status, 401)
    assert.equal(unknown.body.error.code, 'UNAUTHORIZED')

    const body = JSON.stringify({ market: 'sETH', side: 'buy', kind: 'market', amountIn: String(WAD) })
    for (const headers of [{ cookie, origin: 'https://evil.example' }, { cookie }] as Array<Record<string, string>>) {
      const r = await post('/v1/orders', body, headers)
      assert.equal(r.status, 403)
      assert.equal(r.body.error.code, 'ORIGIN_NOT_ALLOWED')
    }
    const faucet = await post('/v1/dev/faucet', '', { cookie, origin: 'https://evil.example' })
    assert.equal(faucet.body.error.code, 'ORIGIN_NOT_ALLOWED')
    assert.equal(venue.engine.state.hash(), hash)

    // Without a cookie the upgrade is as before: API keys through `auth`.
    const plain = await TestClient.connect(gateway.url, { origin: 'https://elsewhere.example' })
    assert.equal((await plain.request('subscribe', { channels: ['account'] })).error?.code, 'UNAUTHORIZED')
    assert.equal((await plain.request('auth', { apiKey: 'amy-key' })).result?.account, 'amy')
    await plain.close()
  })

  test('logout ends the session at once; connections made with it keep running', async () => {
    const cookie = await session()
    const c = await TestClient.connect(gateway.url, { cookie, origin })
    const out = await post('/v1/auth/logout', '', { cookie, origin })
    assert.equal(out.status, 200)
    assert.deepEqual(out.body, { loggedOut: true })
    assert.equal(out.setCookie, 'fluxion_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0')

    const hash = venue.engine.state.hash()
    const s = await fetch(`${http}/v1/auth/session`, { headers: { cookie } })
    assert.equal(s.status, 401)
    const up = await TestClient.refusedUpgrade(gateway.url, { cookie, origin })
    assert.equal(up.status, 401)
    assert.equal(up.body.error.code, 'UNAUTHORIZED')
    const order = await post('/v1/orders', JSON.stringify({ market: 'sETH', side: 'buy', kind: 'market', amountIn: String(WAD) }), { cookie, origin })
    assert.equal(order.status, 401)
    assert.equal(order.body.error.code, 'UNAUTHORIZED')
    assert.equal(venue.engine.state.hash(), hash)

    assert.ok((await c.request('ping')).result?.pong)
    await c.close()
    // Logging out again (no live session) answers the same.
    assert.deepEqual((await post('/v1/auth/logout', '', { cookie, origin })).body, { loggedOut: true })
  })

  test('faucet: API key with trade too; once per 10 s per account (RATE_LIMITED, nothing deposited)', async () => {
    await advance(10_000) // the earlier faucet payout to the wallet is out of its interval
    const key = { 'x-fluxion-key': 'amy-key' }
    const before = venue.engine.state.ledger.balance('amy', 'fUSD')
    const first = await post('/v1/dev/faucet', '', key)
    assert.equal(first.status, 200, JSON.stringify(first.body))
    assert.equal(first.body.result.eventSeqs.length, 1)
    assert.equal(venue.engine.state.ledger.balance('amy', 'fUSD'), before + 10_000n * WAD)

    const hash = venue.engine.state.hash()
    now.t += 4000
    const again = await post('/v1/dev/faucet', '', key)
    assert.equal(again.status, 429)
    assert.equal(again.body.error.code, 'RATE_LIMITED')
    assert.equal(again.body.error.retryAfterMs, 6000)
    const anonymous = await post('/v1/dev/faucet', '', {})
    assert.equal(anonymous.status, 401)
    assert.equal(venue.engine.state.hash(), hash)

    await advance(6000)
    assert.equal((await post('/v1/dev/faucet', '', key)).status, 200)
    assert.equal(venue.engine.state.ledger.balance('amy', 'fUSD'), before + 20_000n * WAD)
  })

  test('a nonce expires after 5 minutes', async () => {
    const n = await nonce()
    await advance(5 * 60_000)
    const text = message(n)
    const r = await signIn(text, await wallet.signMessage(text))
    assert.equal(r.status, 401)
    assert.equal(r.body.error.code, 'SIWE_NONCE_INVALID')
  })

  test('without devFaucet the route does not exist; sign-in requests are limited per IP', async () => {
    const bare = await startGateway({ venue, port: 0, now: () => now.t, logger: pino({ level: 'silent' }), defaultMetrics: false, apiKeys: { 'amy-key': { account: 'amy' } }, siwe: { signInsPerSecond: 1, signInBurst: 3 } })
    try {
      const r = await fetch(`${bare.httpUrl}/v1/dev/faucet`, { method: 'POST', headers: { 'x-fluxion-key': 'amy-key' } })
      assert.equal(r.status, 404)
      assert.equal(((await r.json()) as any).error.code, 'NOT_FOUND')
      const statuses = []
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${bare.httpUrl}/v1/auth/nonce`)).status)
      assert.deepEqual(statuses, [200, 200, 200, 429])
      const limited = await fetch(`${bare.httpUrl}/v1/auth/siwe`, { method: 'POST', body: '{}' })
      assert.equal(limited.status, 429)
      assert.deepEqual(((await limited.json()) as any).error, { code: 'RATE_LIMITED', message: 'sign-in rate limit exceeded, retry after 1000 ms', retryAfterMs: 1000 })
      now.t += 1000
      assert.equal((await fetch(`${bare.httpUrl}/v1/auth/nonce`)).status, 200)
    } finally {
      await bare.close()
    }
  })

  async function signed(text: string): Promise<{ text: string; signature: string }> {
    return { text, signature: await wallet.signMessage(text) }
  }
})

describe('session pieces', () => {
  test('OriginPolicy: same-origin by Host by default, else exactly the configured list', () => {
    const same = new OriginPolicy()
    assert.ok(same.allows('http://127.0.0.1:8080', '127.0.0.1:8080'))
    assert.ok(same.allows('https://fluxion.example', 'fluxion.example'))
    assert.ok(!same.allows('http://127.0.0.1:8081', '127.0.0.1:8080'))
    assert.ok(!same.allows('', '127.0.0.1:8080'))
    assert.ok(!same.allows('null', '127.0.0.1:8080'))
    assert.ok(!same.allows('http://', ''))
    const listed = new OriginPolicy(['https://app.fluxion.example/', 'http://localhost:5173'])
    assert.ok(listed.allows('https://app.fluxion.example', 'gw.internal:8080'))
    assert.ok(listed.allows('http://localhost:5173', 'gw.internal:8080'))
    assert.ok(!listed.allows('http://gw.internal:8080', 'gw.internal:8080'))
  })

  test('SessionStore: expiry, revocation, bounded by dropping expired then oldest', () => {
    const store = new SessionStore(1000, 2)
    const a = store.create('0xA', 0)
    const b = store.create('0xB', 500, 800)
    assert.equal(b.expiresAt, 800)
    assert.equal(store.get(a.id, 999)?.address, '0xA')
    assert.equal(store.get(b.id, 800), undefined)
    const c = store.create('0xC', 900)
    const d = store.create('0xD', 900) // full: a (oldest) goes
    assert.equal(store.size, 2)
    assert.equal(store.get(a.id, 901), undefined)
    assert.ok(store.get(c.id, 901) && store.get(d.id, 901))
    assert.ok(store.revoke(c.id))
    assert.equal(store.get(c.id, 901), undefined)
    assert.notEqual(c.id, d.id)
  })

  test('readCookie', () => {
    assert.equal(readCookie('a=1; fluxion_session=abc; b=2', 'fluxion_session'), 'abc')
    assert.equal(readCookie('xfluxion_session=abc', 'fluxion_session'), undefined)
    assert.equal(readCookie('', 'fluxion_session'), undefined)
  })
})
