'use strict'
// Packing of u128 amounts for the batch calls: two little-endian 64-bit words per value, so a
// batch crosses the native boundary as one typed array instead of an array of bigints.

const MASK64 = (1n << 64n) - 1n
const MAX_U128 = (1n << 128n) - 1n

/** @param {readonly bigint[]} values @returns {BigUint64Array} */
function packU128(values) {
  const out = new BigUint64Array(values.length * 2)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (typeof v !== 'bigint' || v < 0n || v > MAX_U128) {
      const err = new RangeError(`values[${i}] must be a bigint in [0, 2^128 - 1]`)
      err.code = 'INVALID_INPUT'
      throw err
    }
    out[2 * i] = v & MASK64
    out[2 * i + 1] = v >> 64n
  }
  return out
}

/** @param {BigUint64Array} words @returns {bigint[]} */
function unpackU128(words) {
  const out = new Array(words.length >> 1)
  for (let i = 0; i < out.length; i++) out[i] = words[2 * i] | (words[2 * i + 1] << 64n)
  return out
}

module.exports = { packU128, unpackU128 }
