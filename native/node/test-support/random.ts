// Seeded random inputs for differential tests: the same seed gives the same cases on every run,
// so a mismatch can always be reproduced.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { uniformBigInt } from 'pure-rand/distribution/uniformBigInt'
import { uniformInt } from 'pure-rand/distribution/uniformInt'

/** Cases per differential test: 100,000 in `npm test`, more in `npm run test:long`. */
export const DIFF_CASES = Number(process.env.FLUXION_DIFF_CASES ?? 100_000)

/** A seeded source of test inputs. */
export function seeded(seed: number) {
  const rng = xoroshiro128plus(seed)
  return {
    /** Uniform integer in [lo, hi]. */
    int: (lo: number, hi: number): number => uniformInt(rng, lo, hi),
    /** Uniform bigint in [lo, hi]. */
    bigint: (lo: bigint, hi: bigint): bigint => uniformBigInt(rng, lo, hi),
    /** Log-uniform positive bigint below 2^maxBits: every magnitude is equally likely. */
    magnitude(maxBits: number, minBits = 1): bigint {
      const bits = uniformInt(rng, minBits, maxBits)
      return uniformBigInt(rng, 1n << BigInt(bits - 1), (1n << BigInt(bits)) - 1n)
    },
    /** True with probability p. */
    chance: (p: number): boolean => uniformInt(rng, 0, 999_999) < p * 1_000_000,
  }
}

/** Asserts that a call throws an error with the given stable code. */
export function codeOf(call: () => unknown): string | undefined {
  try {
    call()
  } catch (err) {
    return (err as { code?: string }).code
  }
  return undefined
}
