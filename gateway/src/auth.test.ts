import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ApiKeyAuthenticator, signAuth } from './auth.js'

const T = 1_700_000_000_000

test('signed keys: a good signature passes once; bad signatures, stale timestamps and replayed nonces are refused', () => {
  const auth = new ApiKeyAuthenticator({ mm: { account: 'mm1', secret: 's3cret', permissions: ['read'] }, bare: { account: 'demo' } })
  const signed = (timestamp: number, nonce: string, secret = 's3cret', recvWindow = 5000) => ({ apiKey: 'mm', timestamp, recvWindow, nonce, signature: signAuth(secret, 'mm', timestamp, recvWindow, nonce) })
  assert.equal(auth.authenticate(signed(T, 'n1'), T + 100).account, 'mm1')
  assert.deepEqual([...auth.authenticate(signed(T, 'n2'), T).permissions], ['read'])
  assert.throws(() => auth.authenticate(signed(T, 'n1'), T + 200), { code: 'NONCE_REUSED' })
  assert.throws(() => auth.authenticate(signed(T, 'n3', 'wrong'), T), { code: 'BAD_SIGNATURE' })
  assert.throws(() => auth.authenticate({ ...signed(T, 'n4'), nonce: 'n5' }, T), { code: 'BAD_SIGNATURE' })
  assert.throws(() => auth.authenticate(signed(T, 'n6'), T + 5001), { code: 'TIMESTAMP_OUTSIDE_WINDOW' })
  assert.throws(() => auth.authenticate(signed(T + 6000, 'n7'), T), { code: 'TIMESTAMP_OUTSIDE_WINDOW' })
  assert.throws(() => auth.authenticate(signed(T, 'n8', 's3cret', 120_000), T), { code: 'TIMESTAMP_OUTSIDE_WINDOW' })
  assert.throws(() => auth.authenticate({ apiKey: 'mm' }, T), { code: 'UNAUTHORIZED' })
  assert.throws(() => auth.authenticate({ apiKey: 'nobody' }, T), { code: 'UNAUTHORIZED' })
  assert.equal(auth.authenticate({ apiKey: 'bare' }, T).account, 'demo')
})
