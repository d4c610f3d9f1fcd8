// Double-entry balances: every change is a set of postings that nets to zero per asset, applied
// all or nothing. Pools, fee pots and the outside world are accounts like any other, so "value is
// conserved" is simply "every asset sums to zero across all accounts". Only accounts named as
// external (deposits and withdrawals cross the system's edge there) may go below zero.
import { createHash } from 'node:crypto'
import { InsufficientBalanceError, InvalidInputError, UnbalancedPostingsError } from '../errors.js'

/** One leg of a change: `amount` credited (positive) or debited (negative) to `account` in `asset`. */
export interface Posting {
  account: string
  asset: string
  amount: bigint
}

export interface LedgerOptions {
  /** Accounts allowed a negative balance: the outside world's side of deposits and withdrawals. */
  isExternal?: (account: string) => boolean
}

const EMPTY: ReadonlyMap<string, bigint> = new Map()

/** Exact balances of every account in every asset. */
export class Ledger {
  private readonly balances = new Map<string, Map<string, bigint>>()
  private readonly isExternal: (account: string) => boolean

  constructor(options: LedgerOptions = {}) {
    this.isExternal = options.isExternal ?? (() => false)
  }

  /** The balance of `account` in `asset` (0 when it never held any). */
  balance(account: string, asset: string): bigint {
    return this.balances.get(account)?.get(asset) ?? 0n
  }

  /** Every non-zero balance of `account`, by asset (a live view: do not keep it across changes). */
  holdings(account: string): ReadonlyMap<string, bigint> {
    return this.balances.get(account) ?? EMPTY
  }

  /** Applies postings atomically. Nothing changes when they do not net to zero per asset, or
   *  when a non-external account would end below zero. */
  apply(postings: readonly Posting[]): void {
    const net = new Map<string, bigint>()
    const next = new Map<string, bigint>() // "account\u0000asset" → resulting balance
    for (const { account, asset, amount } of postings) {
      if (typeof amount !== 'bigint') throw new InvalidInputError(`posting amount must be a bigint, got ${typeof amount}`)
      if (!account || !asset) throw new InvalidInputError('posting needs an account and an asset')
      net.set(asset, (net.get(asset) ?? 0n) + amount)
      const key = `${account}\u0000${asset}`
      next.set(key, (next.get(key) ?? this.balance(account, asset)) + amount)
    }
    for (const [asset, sum] of net) if (sum !== 0n) throw new UnbalancedPostingsError(asset, sum)
    for (const [key, value] of next) {
      const [account, asset] = key.split('\u0000') as [string, string]
      if (value < 0n && !this.isExternal(account)) {
        throw new InsufficientBalanceError(account, asset, this.balance(account, asset), value - this.balance(account, asset))
      }
    }
    for (const [key, value] of next) {
      const [account, asset] = key.split('\u0000') as [string, string]
      let held = this.balances.get(account)
      if (!held) this.balances.set(account, (held = new Map()))
      if (value === 0n) held.delete(asset)
      else held.set(asset, value)
      if (held.size === 0) this.balances.delete(account)
    }
  }

  /** Moves `amount` (> 0) of `asset` from one account to another. */
  transfer(from: string, to: string, asset: string, amount: bigint): void {
    if (!(typeof amount === 'bigint' && amount > 0n)) throw new InvalidInputError(`transfer amount must be a positive bigint, got ${String(amount)}`)
    this.apply([
      { account: from, asset, amount: -amount },
      { account: to, asset, amount },
    ])
  }

  /** Every non-zero balance, sorted by account then asset. */
  entries(): Array<[account: string, asset: string, amount: bigint]> {
    const out: Array<[string, string, bigint]> = []
    for (const [account, held] of this.balances) for (const [asset, amount] of held) out.push([account, asset, amount])
    return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  }

  /** A SHA-256 of every non-zero balance: equal ledgers have equal digests, whatever their history. */
  digest(): string {
    const hash = createHash('sha256')
    for (const [account, asset, amount] of this.entries()) hash.update(`${account}\u0000${asset}\u0000${amount}\n`)
    return hash.digest('hex')
  }
}
