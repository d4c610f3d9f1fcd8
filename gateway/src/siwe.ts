// Sign-In with Ethereum (EIP-4361): the message format, the gateway's single-use nonces and the
// checks that turn a signed message into a verified wallet address. The message is a small line
// format, parsed here strictly rather than with the `siwe` package: a dozen fixed lines, and the
// refusals keep the gateway's own stable codes. The signature is recovered with
// `ethers.verifyMessage` (EIP-191 personal_sign).
import { randomInt } from 'node:crypto'
import { getAddress, verifyMessage } from 'ethers'
import {
  SiweBadSignatureError,
  SiweChainMismatchError,
  SiweDomainMismatchError,
  SiweExpiredError,
  SiweInvalidMessageError,
  SiweNonceInvalidError,
  SiweNotYetValidError,
  SiweUriMismatchError,
} from './errors.js'

/** The fields of an EIP-4361 message. Times are the RFC 3339 strings as written (ms beside them). */
export interface SiweMessage {
  /** RFC 3986 authority asking for the sign-in (host[:port]). */
  domain: string
  /** EIP-55 checksummed address of the signer. */
  address: string
  statement?: string
  uri: string
  version: '1'
  chainId: number
  nonce: string
  issuedAt: string
  expirationTime?: string
  notBefore?: string
  requestId?: string
  resources?: string[]
}

/** Longest message accepted (a real one is a few hundred characters). */
export const MAX_SIWE_MESSAGE_CHARS = 4096

const HEADER_SUFFIX = ' wants you to sign in with your Ethereum account:'
const DOMAIN = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%!$&'()*+,;=-]+)(:[0-9]{1,5})?$/
const NONCE = /^[A-Za-z0-9]{8,}$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/
// Printable text without control characters (a statement or request id is one line).
const ONE_LINE = /^[^\x00-\x1f\x7f]*$/

/** The message text for `fields`, line by line as EIP-4361 lays it out (what a wallet signs). */
export function formatSiweMessage(m: SiweMessage): string {
  const lines = [`${m.domain}${HEADER_SUFFIX}`, m.address, '']
  if (m.statement !== undefined) lines.push(m.statement)
  lines.push('', `URI: ${m.uri}`, `Version: ${m.version}`, `Chain ID: ${m.chainId}`, `Nonce: ${m.nonce}`, `Issued At: ${m.issuedAt}`)
  if (m.expirationTime !== undefined) lines.push(`Expiration Time: ${m.expirationTime}`)
  if (m.notBefore !== undefined) lines.push(`Not Before: ${m.notBefore}`)
  if (m.requestId !== undefined) lines.push(`Request ID: ${m.requestId}`)
  if (m.resources !== undefined) lines.push('Resources:', ...m.resources.map((r) => `- ${r}`))
  return lines.join('\n')
}

/** Parses an EIP-4361 message strictly (LF line ends, fields in their order, no trailing newline); SIWE_INVALID_MESSAGE says which line is wrong. */
export function parseSiweMessage(text: string): SiweMessage {
  if (text.length > MAX_SIWE_MESSAGE_CHARS) throw new SiweInvalidMessageError(`message of ${text.length} characters exceeds ${MAX_SIWE_MESSAGE_CHARS}`)
  if (text.includes('\r')) throw new SiweInvalidMessageError('lines must end with LF, not CRLF')
  const lines = text.split('\n')
  let i = 0
  const fail = (what: string): never => {
    throw new SiweInvalidMessageError(`line ${i + 1}: ${what}`)
  }
  const line = () => (i < lines.length ? lines[i]! : fail('message ends too early'))

  const header = line()
  if (!header.endsWith(HEADER_SUFFIX)) fail(`expected "<domain>${HEADER_SUFFIX}"`)
  const domain = header.slice(0, -HEADER_SUFFIX.length)
  if (!DOMAIN.test(domain)) fail(`domain ${JSON.stringify(domain)} is not an RFC 3986 authority`)
  i++
  const address = line()
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) fail('expected a 0x-prefixed 20-byte hex address')
  if (getAddress(address.toLowerCase()) !== address) fail('address is not EIP-55 checksummed')
  i++
  if (line() !== '') fail('expected an empty line after the address')
  i++
  let statement: string | undefined
  if (line() !== '') {
    statement = line()
    if (!ONE_LINE.test(statement)) fail('statement holds control characters')
    i++
  }
  if (line() !== '') fail('expected an empty line before URI')
  i++

  // `Name: value` lines; required ones must be there, optional ones may be skipped, order is fixed.
  const field = (name: string, required: boolean): string | undefined => {
    const prefix = `${name}: `
    if (i < lines.length && lines[i]!.startsWith(prefix)) return lines[i++]!.slice(prefix.length)
    return required ? fail(`expected "${prefix}…"`) : undefined
  }
  const time = (name: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined
    if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
      i--
      fail(`${name} is not an RFC 3339 date-time`)
    }
    return value
  }

  const uri = field('URI', true)!
  try {
    new URL(uri)
  } catch {
    i--
    fail('URI is not an absolute RFC 3986 URI')
  }
  if (field('Version', true) !== '1') {
    i--
    fail('Version must be 1')
  }
  const chain = field('Chain ID', true)!
  if (!/^[1-9][0-9]{0,15}$/.test(chain) || !Number.isSafeInteger(Number(chain))) {
    i--
    fail('Chain ID must be a positive integer')
  }
  const nonce = field('Nonce', true)!
  if (!NONCE.test(nonce)) {
    i--
    fail('Nonce must be at least 8 alphanumerics')
  }
  const issuedAt = time('Issued At', field('Issued At', true))!
  const expirationTime = time('Expiration Time', field('Expiration Time', false))
  const notBefore = time('Not Before', field('Not Before', false))
  const requestId = field('Request ID', false)
  if (requestId !== undefined && !ONE_LINE.test(requestId)) {
    i--
    fail('Request ID holds control characters')
  }
  let resources: string[] | undefined
  if (i < lines.length && lines[i] === 'Resources:') {
    i++
    resources = []
    while (i < lines.length && lines[i]!.startsWith('- ')) {
      const r = lines[i]!.slice(2)
      try {
        new URL(r)
      } catch {
        fail('a resource is not an absolute URI')
      }
      resources.push(r)
      i++
    }
  }
  if (i < lines.length) fail(lines[i] === '' ? 'unexpected empty line (no trailing newline)' : 'unexpected line')

  const message: SiweMessage = { domain, address, uri, version: '1', chainId: Number(chain), nonce, issuedAt }
  if (statement !== undefined) message.statement = statement
  if (expirationTime !== undefined) message.expirationTime = expirationTime
  if (notBefore !== undefined) message.notBefore = notBefore
  if (requestId !== undefined) message.requestId = requestId
  if (resources !== undefined) message.resources = resources
  return message
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Sign-in nonces this gateway issued: each used once, expiring, at most `max` held (expired ones dropped first, then the oldest). */
export class SiweNonces {
  private readonly issued = new Map<string, number>()

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly max = 10_000,
  ) {}

  /** A fresh nonce of 20 random alphanumerics (~119 bits) and when it expires. */
  issue(now: number): { nonce: string; expiresAt: number } {
    if (this.issued.size >= this.max) {
      for (const [n, exp] of this.issued) if (exp <= now) this.issued.delete(n)
      // Still full: the oldest go (Map keeps insertion order). A flood can only evict, never forge.
      for (const n of this.issued.keys()) {
        if (this.issued.size < this.max) break
        this.issued.delete(n)
      }
    }
    let nonce = ''
    for (let k = 0; k < 20; k++) nonce += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]
    const expiresAt = now + this.ttlMs
    this.issued.set(nonce, expiresAt)
    return { nonce, expiresAt }
  }

  /** Removes the nonce; true if it was issued here and had not expired. */
  consume(nonce: string, now: number): boolean {
    const exp = this.issued.get(nonce)
    this.issued.delete(nonce)
    return exp !== undefined && exp > now
  }

  /** How many nonces are held (issued, not yet used or dropped). */
  get size(): number {
    return this.issued.size
  }
}

/** What a verified sign-in establishes. */
export interface VerifiedSignIn {
  /** EIP-55 checksummed address of the signer. */
  address: string
  /** The message's Expiration Time, in ms, if it had one. */
  expiresAt?: number
  message: SiweMessage
}

/** How the gateway checks sign-in messages. */
export interface SiweOptions {
  /** The domain messages must name (default: the request's Host header). */
  domain?: string
  /** The chain id messages must name (default 31337, a local development chain). */
  chainId?: number
  /** How long an issued nonce stays valid (default 5 min). */
  nonceTtlMs?: number
  /** Most nonces held at once (default 10,000). */
  maxNonces?: number
  /** How far Issued At / Not Before may lie ahead of the server's clock (default 60 s). */
  clockSkewMs?: number
}

/** The request a sign-in arrives on: the Host it was sent to, and which origins may appear in the URI. */
export interface SignInRequest {
  host: string
  originAllowed: (origin: string) => boolean
}

/** Verifies EIP-4361 sign-ins against the gateway's nonces, domain, origins and chain. */
export class SiweVerifier {
  readonly nonces: SiweNonces
  private readonly chainId: number
  private readonly skewMs: number

  constructor(private readonly options: SiweOptions = {}) {
    this.nonces = new SiweNonces(options.nonceTtlMs, options.maxNonces)
    this.chainId = options.chainId ?? 31337
    this.skewMs = options.clockSkewMs ?? 60_000
  }

  /**
   * Checks a signed message; throws the first failing check's SIWE_* error. The nonce is consumed
   * as soon as the message parses, whatever the outcome, so a message can be tried only once.
   */
  verify(text: string, signature: string, request: SignInRequest, now: number): VerifiedSignIn {
    const message = parseSiweMessage(text)
    const nonceValid = this.nonces.consume(message.nonce, now)
    let signer: string
    try {
      signer = verifyMessage(text, signature)
    } catch (err) {
      throw new SiweBadSignatureError(`signature does not recover: ${(err as { shortMessage?: string }).shortMessage ?? 'malformed'}`)
    }
    if (signer !== message.address) throw new SiweBadSignatureError(`signature was made by ${signer}, not ${message.address}`)
    const domain = this.options.domain ?? request.host
    if (message.domain !== domain) throw new SiweDomainMismatchError(message.domain, domain)
    if (!request.originAllowed(new URL(message.uri).origin)) throw new SiweUriMismatchError(message.uri)
    if (message.chainId !== this.chainId) throw new SiweChainMismatchError(message.chainId, this.chainId)
    if (!nonceValid) throw new SiweNonceInvalidError()
    if (Date.parse(message.issuedAt) > now + this.skewMs) throw new SiweNotYetValidError(`issued at ${message.issuedAt}, in the future`)
    if (message.notBefore !== undefined && Date.parse(message.notBefore) > now + this.skewMs) throw new SiweNotYetValidError(`not valid before ${message.notBefore}`)
    const expiresAt = message.expirationTime === undefined ? undefined : Date.parse(message.expirationTime)
    if (expiresAt !== undefined && expiresAt <= now) throw new SiweExpiredError(message.expirationTime!)
    return expiresAt === undefined ? { address: signer, message } : { address: signer, expiresAt, message }
  }
}
