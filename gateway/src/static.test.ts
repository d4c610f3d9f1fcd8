// The terminal's files through a real gateway: a temp web root, a venue on PGlite, plain fetch.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { pino } from 'pino'
import { demoGenesis } from '../../engine/src/demo/markets.js'
import { Venue } from '../../engine/src/venue.js'
import { startGateway, type Gateway } from './server.js'
import { isApiPath, resolveStatic, type StaticFile } from './static.js'

const INDEX = '<!doctype html><title>terminal</title><script src="/assets/index-AbCd1234.js"></script>'
const SCRIPT = 'console.log("terminal")'

describe('static web root', () => {
  let dir: string
  let web: string
  let venue: Venue
  let gateway: Gateway

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fluxion-static-'))
    web = join(dir, 'dist')
    mkdirSync(join(web, 'assets'), { recursive: true })
    writeFileSync(join(web, 'index.html'), INDEX)
    writeFileSync(join(web, 'assets', 'index-AbCd1234.js'), SCRIPT)
    writeFileSync(join(web, 'assets', 'style-Zz9_Yy8-.css'), 'body{}')
    writeFileSync(join(web, 'favicon.svg'), '<svg/>')
    // A file beside the root that traversal would reach.
    writeFileSync(join(dir, 'secret.txt'), 'do not serve')
    venue = await Venue.open({ dataDir: join(dir, 'db'), databaseUrl: '', redisUrl: '', genesis: demoGenesis() })
    gateway = await startGateway({ venue, port: 0, webRoot: web, logger: pino({ level: 'silent' }), defaultMetrics: false })
  })

  after(async () => {
    await gateway?.close()
    await venue?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('/ and client routes get index.html, revalidated on every load', async () => {
    for (const path of ['/', '/index.html', '/markets/sETH', '/portfolio']) {
      const res = await fetch(`${gateway.httpUrl}${path}`)
      assert.equal(res.status, 200, path)
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8')
      assert.equal(res.headers.get('cache-control'), 'no-cache')
      assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'.*frame-ancestors 'none'/)
      assert.equal(res.headers.get('x-frame-options'), 'DENY')
      assert.equal(await res.text(), INDEX)
    }
  })

  test('hashed assets carry their content type and immutable caching; unhashed ones do not', async () => {
    const js = await fetch(`${gateway.httpUrl}/assets/index-AbCd1234.js`)
    assert.equal(js.status, 200)
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8')
    assert.equal(js.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    assert.equal(js.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(await js.text(), SCRIPT)
    const css = await fetch(`${gateway.httpUrl}/assets/style-Zz9_Yy8-.css`)
    assert.equal(css.headers.get('content-type'), 'text/css; charset=utf-8')
    assert.equal(css.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    const svg = await fetch(`${gateway.httpUrl}/favicon.svg`)
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml')
    assert.equal(svg.headers.get('cache-control'), 'no-cache')
  })

  test('a missing asset is a 404, not the HTML page', async () => {
    for (const path of ['/assets/gone-12345678.js', '/robots.txt']) {
      const res = await fetch(`${gateway.httpUrl}${path}`)
      assert.equal(res.status, 404, path)
      assert.equal((await res.json()).error.code, 'NOT_FOUND')
    }
  })

  test('no path escapes the root, encoded or not', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/%ff%fe']) {
      const res = await fetch(`${gateway.httpUrl}${path}`)
      const body = await res.text()
      assert.ok(!body.includes('do not serve'), `${path} leaked the file`)
      assert.equal(res.status, 404, path)
    }
  })

  test('without a build, / says how to make one and the API still answers', async () => {
    const empty = join(dir, 'no-build')
    mkdirSync(empty)
    const bare = await startGateway({ venue, port: 0, webRoot: empty, logger: pino({ level: 'silent' }), defaultMetrics: false })
    try {
      const res = await fetch(`${bare.httpUrl}/`)
      assert.equal(res.status, 503)
      assert.match(await res.text(), /npm run build --workspace @fluxion\/web/)
      assert.equal((await fetch(`${bare.httpUrl}/assets/index-AbCd1234.js`)).status, 404)
      assert.equal((await fetch(`${bare.httpUrl}/v1/health`)).status, 200)
    } finally {
      await bare.close()
    }
  })

  test('API paths stay the API: REST answers, unknown /v1 paths are 404 JSON', async () => {
    const markets = await fetch(`${gateway.httpUrl}/v1/markets`)
    assert.equal(markets.status, 200)
    assert.ok(((await markets.json()) as { markets: unknown[] }).markets.length > 0)
    const missing = await fetch(`${gateway.httpUrl}/v1/nothing/here`)
    assert.equal(missing.status, 404)
    assert.equal(missing.headers.get('content-type'), 'application/json')
    assert.deepEqual(await missing.json(), { error: { code: 'NOT_FOUND', message: 'no such resource GET /v1/nothing/here' } })
    const metrics = await fetch(`${gateway.httpUrl}/metrics`)
    assert.equal(metrics.status, 200)
    assert.match(await metrics.text(), /fluxion_gateway/)
  })
})

describe('static resolution', () => {
  const file = (name: string): StaticFile => ({ body: Buffer.from(name), contentType: 'text/plain', cacheControl: 'no-cache' })
  const files = new Map([
    ['/index.html', file('index')],
    ['/assets/a-12345678.js', file('a')],
  ])

  test('API roots are recognised only as whole path segments', () => {
    for (const p of ['/v1', '/v1/markets', '/ws', '/metrics', '/ws/x']) assert.ok(isApiPath(p), p)
    for (const p of ['/', '/v10', '/wsx', '/metricsfoo', '/assets/v1/x']) assert.ok(!isApiPath(p), p)
  })

  test('known files, client routes and refusals', () => {
    assert.equal(resolveStatic(files, '/assets/a-12345678.js')?.body.toString(), 'a')
    assert.equal(resolveStatic(files, '/trade/sETH')?.body.toString(), 'index')
    assert.equal(resolveStatic(files, '/assets/b-12345678.js'), undefined)
    assert.equal(resolveStatic(files, '/%E0%A4%A'), undefined)
  })
})
