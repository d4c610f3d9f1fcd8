// Wallet sign-in (EIP-4361, Sign-In with Ethereum) against the gateway's browser sessions
// (docs/protocol.md, "Browser sessions"): a nonce, a signed message, an httpOnly cookie. Two
// wallets: an injected EIP-1193 provider (window.ethereum), or a local development wallet for
// the embedded demo, kept in localStorage and funded through the dev faucet.
import { BrowserProvider, Wallet, type Eip1193Provider } from 'ethers'
import { restCall } from './rest.js'
import type { Session } from './wire.js'

/** The chain id the gateway expects in messages (its `siwe.chainId` default). */
export const SIWE_CHAIN_ID = 31337

export type { Session }

/** What signs the message: an ethers Signer (Wallet, or a BrowserProvider's signer). */
export interface MessageSigner {
  getAddress(): Promise<string>
  signMessage(message: string): Promise<string>
}

/** The fields of an EIP-4361 message the terminal signs. */
export interface SiweFields {
  domain: string
  address: string
  statement: string
  uri: string
  chainId: number
  nonce: string
  issuedAt: Date
  expirationTime: Date
}

/** The EIP-4361 text of a sign-in request (`\n` line ends, fields in the order the ABNF fixes). */
export function buildSiweMessage(f: SiweFields): string {
  return [
    `${f.domain} wants you to sign in with your Ethereum account:`,
    f.address,
    '',
    f.statement,
    '',
    `URI: ${f.uri}`,
    'Version: 1',
    `Chain ID: ${f.chainId}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt.toISOString()}`,
    `Expiration Time: ${f.expirationTime.toISOString()}`,
  ].join('\n')
}

/** Signs in with `signer` on the gateway at `origin` (the page's own): returns the session; the cookie is set. */
export async function signIn(signer: MessageSigner, origin: URL, now = new Date()): Promise<Session> {
  const { nonce } = await restCall<{ nonce: string }>('/v1/auth/nonce')
  const message = buildSiweMessage({
    domain: origin.host,
    address: await signer.getAddress(),
    statement: 'Sign in to the Fluxion terminal.',
    uri: origin.origin,
    chainId: SIWE_CHAIN_ID,
    nonce,
    issuedAt: now,
    expirationTime: new Date(now.getTime() + 24 * 3_600_000),
  })
  const signature = await signer.signMessage(message)
  return restCall<Session>('/v1/auth/siwe', { method: 'POST', body: { message, signature } })
}

/** The current session, or undefined when signed out. */
export async function currentSession(): Promise<Session | undefined> {
  try {
    return await restCall<Session>('/v1/auth/session')
  } catch {
    return undefined
  }
}

/** Ends the session (the cookie is cleared). */
export async function signOut(): Promise<void> {
  await restCall('/v1/auth/logout', { method: 'POST' })
}

/** Deposits the faucet's amount into the signed-in account (embedded demo only). */
export function requestFaucet(): Promise<{ result: { account: string; asset: string; amount: string; eventSeqs: number[] } }> {
  return restCall('/v1/dev/faucet', { method: 'POST' })
}

/** Where the development wallet's private key lives. */
export const DEV_WALLET_KEY = 'fluxion.devWallet'

/** The local development wallet: the one in `storage`, or a new random one saved there. */
export function devWallet(storage: Pick<Storage, 'getItem' | 'setItem'>): Wallet {
  const saved = storage.getItem(DEV_WALLET_KEY)
  if (saved && /^0x[0-9a-fA-F]{64}$/.test(saved)) return new Wallet(saved)
  const fresh = Wallet.createRandom()
  storage.setItem(DEV_WALLET_KEY, fresh.privateKey)
  return new Wallet(fresh.privateKey)
}

/** The injected EIP-1193 provider (a browser wallet extension), if the page has one. */
export function injectedProvider(): Eip1193Provider | undefined {
  return (globalThis as { ethereum?: Eip1193Provider }).ethereum
}

/** A signer of the injected wallet's first account (asks the wallet for access). */
export async function injectedSigner(provider: Eip1193Provider): Promise<MessageSigner> {
  return new BrowserProvider(provider).getSigner()
}
