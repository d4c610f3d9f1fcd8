import assert from 'node:assert/strict'
import { test } from 'node:test'
import { verifyMessage, Wallet } from 'ethers'
import { buildSiweMessage, DEV_WALLET_KEY, devWallet, SIWE_CHAIN_ID } from './auth.js'

const fields = {
  domain: '127.0.0.1:8080',
  address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  statement: 'Sign in to the Fluxion terminal.',
  uri: 'http://127.0.0.1:8080',
  chainId: SIWE_CHAIN_ID,
  nonce: 'k3T9xQ2mZb7LpW4rYc8N',
  issuedAt: new Date(1_700_000_000_000),
  expirationTime: new Date(1_700_000_600_000),
}

test('buildSiweMessage writes the EIP-4361 lines in order', () => {
  assert.equal(
    buildSiweMessage(fields),
    [
      '127.0.0.1:8080 wants you to sign in with your Ethereum account:',
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      '',
      'Sign in to the Fluxion terminal.',
      '',
      'URI: http://127.0.0.1:8080',
      'Version: 1',
      'Chain ID: 31337',
      'Nonce: k3T9xQ2mZb7LpW4rYc8N',
      'Issued At: 2023-11-14T22:13:20.000Z',
      'Expiration Time: 2023-11-14T22:23:20.000Z',
    ].join('\n'),
  )
})

test('a development wallet signature of the message recovers its address', async () => {
  const wallet = Wallet.createRandom()
  const message = buildSiweMessage({ ...fields, address: wallet.address })
  assert.equal(verifyMessage(message, await wallet.signMessage(message)), wallet.address)
})

test('devWallet keeps one key in storage and refuses a corrupt one', () => {
  const store = new Map<string, string>()
  const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) }
  const first = devWallet(storage)
  assert.equal(store.get(DEV_WALLET_KEY), first.privateKey)
  assert.equal(devWallet(storage).address, first.address)
  store.set(DEV_WALLET_KEY, 'not a key')
  const replaced = devWallet(storage)
  assert.notEqual(replaced.address, first.address)
  assert.equal(store.get(DEV_WALLET_KEY), replaced.privateKey)
})
