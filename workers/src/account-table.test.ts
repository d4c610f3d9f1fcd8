import { test } from 'node:test'
import assert from 'node:assert/strict'
import { AccountTable, splitRange } from './account-table.js'

const layout = { accounts: 5, collateralAssets: ['sETH', 'sBTC'], debtAssets: ['fUSD'] }

test('columns are disjoint views of one shared buffer', () => {
  const table = AccountTable.create(layout)
  assert.equal(table.buffer.byteLength, 4 * 5 * 8)
  table.collateral(1).set([1, 2, 3, 4, 5])
  table.debt(0)[4] = 9
  const other = AccountTable.attach(table.buffer, layout)
  assert.deepEqual([...other.collateral(1, 1, 3)], [2, 3])
  assert.deepEqual([...other.collateral(0)], [0, 0, 0, 0, 0])
  assert.equal(other.debt(0)[4], 9)
  assert.deepEqual([...other.healthFactors()], [0, 0, 0, 0, 0])
  const shard = other.shard(3, 5)
  assert.deepEqual(shard.collateral.map((c) => [...c]), [[0, 0], [4, 5]])
})

test('attaching a buffer of the wrong size is refused', () => {
  assert.throws(() => AccountTable.attach(new SharedArrayBuffer(8), layout), RangeError)
  assert.throws(() => AccountTable.create({ ...layout, accounts: -1 }), RangeError)
})

test('splitRange covers the range once, aligned', () => {
  assert.deepEqual(splitRange(10, 3), [[0, 4], [4, 8], [8, 10]])
  assert.deepEqual(splitRange(10_000, 2, 4096), [[0, 8192], [8192, 10_000]])
  assert.deepEqual(splitRange(3, 8), [[0, 1], [1, 2], [2, 3]])
  assert.deepEqual(splitRange(0, 2), [])
})
