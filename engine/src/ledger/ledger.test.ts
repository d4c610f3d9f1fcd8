import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { Ledger } from './ledger.js'

const external = (account: string) => account.startsWith('external:')

test('a deposit, a transfer and a withdrawal move value without creating any', () => {
  const ledger = new Ledger({ isExternal: external })
  ledger.transfer('external:bank', 'alice', 'fUSD', 1_000n)
  ledger.transfer('alice', 'pool:sETH', 'fUSD', 400n)
  ledger.transfer('alice', 'external:bank', 'fUSD', 100n)
  assert.equal(ledger.balance('alice', 'fUSD'), 500n)
  assert.equal(ledger.balance('pool:sETH', 'fUSD'), 400n)
  assert.equal(ledger.balance('external:bank', 'fUSD'), -900n)
  assert.deepEqual(ledger.entries(), [
    ['alice', 'fUSD', 500n],
    ['external:bank', 'fUSD', -900n],
    ['pool:sETH', 'fUSD', 400n],
  ])
})

test('overdrafts, unbalanced postings and bad amounts are refused and change nothing', () => {
  const ledger = new Ledger({ isExternal: external })
  ledger.transfer('external:bank', 'alice', 'fUSD', 10n)
  const before = ledger.digest()
  assert.throws(() => ledger.transfer('alice', 'bob', 'fUSD', 11n), { code: 'INSUFFICIENT_BALANCE' })
  assert.throws(() => ledger.apply([{ account: 'alice', asset: 'fUSD', amount: -1n }]), { code: 'UNBALANCED_POSTINGS' })
  assert.throws(() => ledger.transfer('alice', 'bob', 'fUSD', 0n), { code: 'INVALID_INPUT' })
  assert.throws(() => ledger.transfer('alice', 'bob', 'fUSD', -5n), { code: 'INVALID_INPUT' })
  assert.throws(() => ledger.apply([{ account: 'alice', asset: 'fUSD', amount: 1 as unknown as bigint }]), { code: 'INVALID_INPUT' })
  // A multi-leg change where only the last leg overdraws: none of it applies.
  assert.throws(
    () =>
      ledger.apply([
        { account: 'alice', asset: 'fUSD', amount: -5n },
        { account: 'bob', asset: 'fUSD', amount: 5n },
        { account: 'bob', asset: 'sETH', amount: -1n },
        { account: 'alice', asset: 'sETH', amount: 1n },
      ]),
    { code: 'INSUFFICIENT_BALANCE' },
  )
  assert.equal(ledger.digest(), before)
})

const accounts = ['external:bank', 'alice', 'bob', 'carol', 'pool:sETH', 'fees:sETH']
const assets = ['fUSD', 'sETH', 'sBTC']
const posting = fc.record({
  from: fc.constantFrom(...accounts),
  to: fc.constantFrom(...accounts),
  asset: fc.constantFrom(...assets),
  amount: fc.bigInt({ min: -5n, max: 1n << 80n }),
})

test('property: any sequence of transfers conserves every asset, keeps internal balances ≥ 0, and a refusal changes nothing', () => {
  fc.assert(
    fc.property(fc.array(posting, { maxLength: 60 }), (moves) => {
      const ledger = new Ledger({ isExternal: external })
      for (const m of moves) {
        const before = ledger.digest()
        try {
          ledger.transfer(m.from, m.to, m.asset, m.amount)
        } catch (err) {
          assert.ok(['INSUFFICIENT_BALANCE', 'INVALID_INPUT'].includes((err as { code: string }).code))
          assert.equal(ledger.digest(), before)
        }
      }
      for (const asset of assets) {
        const sum = accounts.reduce((s, a) => s + ledger.balance(a, asset), 0n)
        assert.equal(sum, 0n, `${asset} is conserved`)
      }
      for (const [account, , amount] of ledger.entries()) assert.ok(amount >= 0n || external(account))
    }),
    { numRuns: 300, seed: 4 },
  )
})

test('property: the digest depends only on the balances, not on the order that produced them', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom(...accounts.slice(1)), fc.constantFrom(...assets), fc.bigInt({ min: 1n, max: 10n ** 24n })), { maxLength: 20 }), (deposits) => {
      const forward = new Ledger({ isExternal: external })
      const backward = new Ledger({ isExternal: external })
      for (const [a, s, x] of deposits) forward.transfer('external:bank', a, s, x)
      for (const [a, s, x] of [...deposits].reverse()) backward.transfer('external:bank', a, s, x)
      assert.equal(forward.digest(), backward.digest())
    }),
    { numRuns: 200, seed: 5 },
  )
})

test('restore refills an empty ledger from saved entries with the same digest, and refuses what apply would refuse', () => {
  const isExternal = (a: string) => a === 'world'
  const original = new Ledger({ isExternal })
  original.transfer('world', 'alice', 'fUSD', 500n)
  original.transfer('alice', 'bob', 'fUSD', 120n)
  original.transfer('world', 'bob', 'sETH', 3n)
  const copy = new Ledger({ isExternal })
  copy.restore(original.entries())
  assert.equal(copy.digest(), original.digest())
  assert.equal(copy.balance('bob', 'fUSD'), 120n)
  assert.throws(() => copy.restore(original.entries()), { code: 'INVALID_INPUT' }) // not empty
  assert.throws(() => new Ledger({ isExternal }).restore([['world', 'fUSD', -5n], ['alice', 'fUSD', 4n]]), { code: 'UNBALANCED_POSTINGS' })
  assert.throws(() => new Ledger({ isExternal }).restore([['alice', 'fUSD', -5n], ['bob', 'fUSD', 5n]]), { code: 'INSUFFICIENT_BALANCE' })
})
