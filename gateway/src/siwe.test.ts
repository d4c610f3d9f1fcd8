// The EIP-4361 parser, the nonce store and the verifier's checks, with an ethers Wallet signing.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Wallet } from 'ethers'
import { formatSiweMessage, parseSiweMessage, SiweNonces, SiweVerifier, type SiweMessage } from './siwe.js'

const wallet = new Wallet('0x' + '33'.repeat(32))
const T0 = 1_700_000_000_000

const full: SiweMessage = {
  domain: 'fluxion.example:8443',
  address: wallet.address,
  statement: 'Sign in to the Fluxion terminal.',
  uri: 'https://fluxion.example:8443/terminal',
  version: '1',
  chainId: 31337,
  nonce: 'k3T9xQ2mZb7LpW4rYc8N',
  issuedAt: '2023-11-14T22:13:20.000Z',
  expirationTime: '2023-11-14T22:23:20Z',
  notBefore: '2023-11-14T22:13:00+00:00',
  requestId: 'req-1',
  resources: ['ipfs://bafybeiemxf5abjwjbikoz4mc3a3dla6ual3jsgpdr4cjr3oz3evfyavhwq/', 'https://fluxion.example/terms'],
}

describe('EIP-4361 messages', () => {
  test('format then parse gives the fields back, with and without the optional ones', () => {
    assert.deepEqual(parseSiweMessage(formatSiweMessage(full)), full)
    const { statement: _s, expirationTime: _e, notBefore: _n, requestId: _r, resources: _x, ...bare } = full
    const text = formatSiweMessage(bare)
    assert.equal(text.split('\n')[2], '')
    assert.equal(text.split('\n')[3], '')
    assert.equal(text.split('\n')[4], `URI: ${bare.uri}`)
    assert.deepEqual(parseSiweMessage(text), bare)
  })

  test('strict: each malformed message is refused with SIWE_INVALID_MESSAGE naming the line', () => {
    const good = formatSiweMessage(full)
    const cases: Array<[string, string, RegExp]> = [
      ['no header', good.replace(' wants you to sign in', ' would like you to sign in'), /line 1/],
      ['domain with a path', good.replace('fluxion.example:8443 wants', 'fluxion.example/x wants'), /line 1/],
      ['bad address', good.replace(wallet.address, '0x1234'), /line 2/],
      ['wrong checksum', good.replace(wallet.address, wallet.address.slice(0, 2) + [...wallet.address.slice(2)].map((ch) => (/[a-f]/.test(ch) ? ch.toUpperCase() : /[A-F]/.test(ch) ? ch.toLowerCase() : ch)).join('')), /checksum/],
      ['CRLF', good.replaceAll('\n', '\r\n'), /CRLF/],
      ['trailing newline', `${good}\n`, /no trailing newline/],
      ['fields out of order', good.replace('Version: 1\nChain ID: 31337', 'Chain ID: 31337\nVersion: 1'), /Version/],
      ['version 2', good.replace('Version: 1', 'Version: 2'), /Version must be 1/],
      ['chain id not a number', good.replace('Chain ID: 31337', 'Chain ID: 0x7a69'), /Chain ID/],
      ['short nonce', good.replace(full.nonce, 'abc'), /Nonce/],
      ['nonce with symbols', good.replace(full.nonce, 'abcd-efgh-ijkl'), /Nonce/],
      ['relative URI', good.replace(`URI: ${full.uri}`, 'URI: /terminal'), /URI/],
      ['date not RFC 3339', good.replace(full.issuedAt, '2023-11-14 22:13:20'), /Issued At/],
      ['impossible date', good.replace(full.issuedAt, '2023-13-45T99:13:20Z'), /Issued At/],
      ['unknown line', good.replace('Request ID: req-1', 'Request ID: req-1\nColour: blue'), /unexpected line/],
      ['missing Issued At', good.replace(`Issued At: ${full.issuedAt}\n`, ''), /Issued At/],
      ['ends early', good.split('\n').slice(0, 6).join('\n'), /line 7: expected "Version/],
      ['too long', good + 'x'.repeat(5000), /exceeds/],
    ]
    for (const [name, text, reason] of cases) {
      assert.throws(() => parseSiweMessage(text), (err: { code?: string; message: string }) => err.code === 'SIWE_INVALID_MESSAGE' && reason.test(err.message), name)
    }
  })
})

describe('sign-in nonces', () => {
  test('single use, expiring, random', () => {
    const nonces = new SiweNonces(1000)
    const a = nonces.issue(0)
    assert.match(a.nonce, /^[A-Za-z0-9]{20}$/)
    assert.equal(a.expiresAt, 1000)
    assert.notEqual(nonces.issue(0).nonce, a.nonce)
    assert.ok(nonces.consume(a.nonce, 999))
    assert.ok(!nonces.consume(a.nonce, 999))
    const b = nonces.issue(0)
    assert.ok(!nonces.consume(b.nonce, 1000))
    assert.ok(!nonces.consume('neverIssued123', 0))
  })

  test('bounded: expired ones go first, then the oldest', () => {
    const nonces = new SiweNonces(1000, 3)
    const old = nonces.issue(0)
    const mid = nonces.issue(500)
    nonces.issue(600)
    nonces.issue(1200) // full: the expired one (issued at 0) goes
    assert.equal(nonces.size, 3)
    assert.ok(!nonces.consume(old.nonce, 1200))
    nonces.issue(1300) // full, none expired: the oldest (mid) goes
    assert.equal(nonces.size, 3)
    assert.ok(!nonces.consume(mid.nonce, 1300))
  })
})

describe('SiweVerifier', () => {
  const request = { host: 'fluxion.example:8443', originAllowed: (o: string) => o === 'https://fluxion.example:8443' }

  test('checks in order; the nonce is spent by the first attempt', async () => {
    const v = new SiweVerifier({ chainId: 31337 })
    const { nonce } = v.nonces.issue(T0)
    const text = formatSiweMessage({ ...full, nonce, issuedAt: new Date(T0).toISOString(), expirationTime: new Date(T0 + 60_000).toISOString(), notBefore: new Date(T0).toISOString() })
    const signature = await wallet.signMessage(text)
    const ok = v.verify(text, signature, request, T0 + 1000)
    assert.equal(ok.address, wallet.address)
    assert.equal(ok.expiresAt, T0 + 60_000)
    assert.throws(() => v.verify(text, signature, request, T0 + 1000), { code: 'SIWE_NONCE_INVALID' })
  })

  test('a configured domain wins over the Host header; tampering breaks the signature', async () => {
    const v = new SiweVerifier({ domain: 'fluxion.example:8443' })
    const { nonce } = v.nonces.issue(T0)
    const text = formatSiweMessage({ ...full, nonce, issuedAt: new Date(T0).toISOString(), expirationTime: undefined, notBefore: undefined })
    const signature = await wallet.signMessage(text)
    assert.throws(() => v.verify(text.replace('Request ID: req-1', 'Request ID: req-2'), signature, { ...request, host: 'other:1' }, T0), { code: 'SIWE_BAD_SIGNATURE' })
    const n2 = v.nonces.issue(T0).nonce
    const t2 = text.replace(nonce, n2)
    assert.equal(v.verify(t2, await wallet.signMessage(t2), { ...request, host: 'proxy.internal:8080' }, T0).address, wallet.address)
  })
})
