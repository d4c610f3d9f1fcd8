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
    // Postings come a handful at a time: linear scans beat building keyed maps here.
    const n = postings.length
    const after: bigint[] = new Array(n)
    for (let i = 0; i < n; i++) {
      const { account, asset, amount } = postings[i]!
      if (typeof amount !== 'bigint') throw new InvalidInputError(`posting amount must be a bigint, got ${typeof amount}`)
      if (!account || !asset) throw new InvalidInputError('posting needs an account and an asset')
      // Each (account, asset) pair's result lands on its last posting; earlier ones feed it.
      let j = i - 1
      while (j >= 0 && !(postings[j]!.account === account && postings[j]!.asset === asset)) j--
      after[i] = (j >= 0 ? after[j]! : this.balance(account, asset)) + amount
    }
    for (let i = 0; i < n; i++) {
      const asset = postings[i]!.asset
      let first = 0
      while (postings[first]!.asset !== asset) first++
      if (first !== i) continue // this asset was summed already
      let sum = 0n
      for (let j = i; j < n; j++) if (postings[j]!.asset === asset) sum += postings[j]!.amount
      if (sum !== 0n) throw new UnbalancedPostingsError(asset, sum)
    }
    for (let i = 0; i < n; i++) {
      const { account, asset } = postings[i]!
      if (after[i]! < 0n && this.isLast(postings, i) && !this.isExternal(account)) {
        throw new InsufficientBalanceError(account, asset, this.balance(account, asset), after[i]! - this.balance(account, asset))
      }
    }
    for (let i = 0; i < n; i++) {
      if (!this.isLast(postings, i)) continue
      const { account, asset } = postings[i]!
      const value = after[i]!
      let held = this.balances.get(account)
      if (!held) this.balances.set(account, (held = new Map()))
      if (value === 0n) held.delete(asset)
      else held.set(asset, value)
      if (held.size === 0) this.balances.delete(account)
    }
  }

  // Whether posting i is the last one for its (account, asset) pair.
  private isLast(postings: readonly Posting[], i: number): boolean {
    const { account, asset } = postings[i]!
    for (let j = i + 1; j < postings.length; j++) if (postings[j]!.account === account && postings[j]!.asset === asset) return false
    return true
  }

  /** Fills an empty ledger with saved balances (a snapshot's `entries()`), checked as `apply`
   *  checks postings — each asset nets to zero, only external accounts below zero — in one pass. */
  restore(entries: ReadonlyArray<readonly [account: string, asset: string, amount: bigint]>): void {
    if (this.balances.size > 0) throw new InvalidInputError('restore needs an empty ledger')
    const net = new Map<string, bigint>()
    for (const [account, asset, amount] of entries) {
      if (typeof amount !== 'bigint' || !account || !asset) throw new InvalidInputError('a saved balance needs an account, an asset and a bigint')
      if (amount < 0n && !this.isExternal(account)) throw new InsufficientBalanceError(account, asset, 0n, amount)
      net.set(asset, (net.get(asset) ?? 0n) + amount)
    }
    for (const [asset, sum] of net) if (sum !== 0n) throw new UnbalancedPostingsError(asset, sum)
    for (const [account, asset, amount] of entries) {
      if (amount === 0n) continue
      let held = this.balances.get(account)
      if (!held) this.balances.set(account, (held = new Map()))
      held.set(asset, (held.get(asset) ?? 0n) + amount)
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
