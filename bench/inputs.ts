// Seeded inputs shared by the suites, so every run measures the same numbers.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { uniformBigInt } from 'pure-rand/distribution/uniformBigInt'

/** `count` seeded amounts, log-uniform between `min` and `max`. */
export function amounts(seed: number, count: number, min: bigint, max: bigint): bigint[] {
  const rng = xoroshiro128plus(seed)
  const lo = min.toString(2).length
  const hi = max.toString(2).length
  return Array.from({ length: count }, () => {
    const bits = Number(uniformBigInt(rng, BigInt(lo), BigInt(hi)))
    const v = uniformBigInt(rng, 1n << BigInt(bits - 1), (1n << BigInt(bits)) - 1n)
    return v < min ? min : v > max ? max : v
  })
}
