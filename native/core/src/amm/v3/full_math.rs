//! 512-bit intermediate multiply-divide, as Uniswap v3-core `FullMath` and `UnsafeMath`.
//!
//! `mul_div(a, b, d)` is `floor(a·b / d)` computed without losing the high bits of `a·b`; the
//! reference reverts when `d` is zero or the quotient does not fit 256 bits, and so do these
//! (with [`Error::Overflow`]).

use crate::{Error, Result, U256};

const DIV_BY_ZERO: Error = Error::Overflow("mulDiv denominator is zero");
const RESULT_TOO_LARGE: Error = Error::Overflow("mulDiv result exceeds uint256");

/// The full 512-bit product of two 256-bit numbers as eight little-endian 64-bit limbs
/// (schoolbook, skipping zero limbs: v3 operands are often 128–224 bits).
#[inline]
fn full_product(a: &U256, b: &U256) -> [u64; 8] {
    let (a, b) = (a.as_limbs(), b.as_limbs());
    let mut out = [0u64; 8];
    let a_len = a.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
    let b_len = b.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
    for i in 0..a_len {
        let mut carry = 0u128;
        let ai = a[i] as u128;
        for k in 0..b_len {
            let t = ai * b[k] as u128 + out[i + k] as u128 + carry;
            out[i + k] = t as u64;
            carry = t >> 64;
        }
        out[i + b_len] = carry as u64;
    }
    out
}

/// `(hi·2^64 + lo) / v` and the remainder, for `hi < v` (so the quotient fits 64 bits): one
/// hardware division on x86-64 instead of a 128-bit software division.
#[inline(always)]
fn div_wide(hi: u64, lo: u64, v: u64) -> (u64, u64) {
    debug_assert!(hi < v);
    #[cfg(target_arch = "x86_64")]
    if hi < v {
        let (q, r): (u64, u64);
        // SAFETY: `div` faults only when the quotient overflows 64 bits, i.e. hi ≥ v, which the
        // branch excludes; it touches no memory.
        unsafe {
            core::arch::asm!("div {v}", v = in(reg) v, inout("rax") lo => q, inout("rdx") hi => r, options(pure, nomem, nostack));
        }
        return (q, r);
    }
    let n = ((hi as u128) << 64) | lo as u128;
    ((n / v as u128) as u64, (n % v as u128) as u64)
}

/// Divides a 512-bit number by a nonzero 256-bit one whose quotient is known to fit 256 bits
/// (Knuth's algorithm D on 64-bit limbs). Returns the quotient and whether a remainder is left.
fn div_512_by_256(numerator: &[u64; 8], divisor: &U256) -> (U256, bool) {
    let d = divisor.as_limbs();
    let m = d.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
    debug_assert!(m > 0);
    let n_len = numerator.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
    if n_len < m {
        return (U256::ZERO, n_len > 0);
    }
    if m == 1 {
        // Short division by one limb.
        let v = d[0];
        let mut q = [0u64; 8];
        let mut rem = 0u64;
        for i in (0..n_len).rev() {
            (q[i], rem) = div_wide(rem, numerator[i], v);
        }
        return (U256::from_limbs([q[0], q[1], q[2], q[3]]), rem != 0);
    }
    // Normalise so the divisor's top limb has its high bit set.
    let shift = d[m - 1].leading_zeros();
    let mut v = [0u64; 4];
    let mut u = [0u64; 9];
    if shift == 0 {
        v[..m].copy_from_slice(&d[..m]);
        u[..8].copy_from_slice(numerator);
    } else {
        for i in (1..m).rev() {
            v[i] = (d[i] << shift) | (d[i - 1] >> (64 - shift));
        }
        v[0] = d[0] << shift;
        u[8] = numerator[7] >> (64 - shift);
        for i in (1..8).rev() {
            u[i] = (numerator[i] << shift) | (numerator[i - 1] >> (64 - shift));
        }
        u[0] = numerator[0] << shift;
    }
    let mut q = [0u64; 8];
    let top = v[m - 1] as u128;
    let second = v[m - 2] as u128;
    let b = 1u128 << 64;
    // Only quotient limbs below the numerator's length can be nonzero.
    let last = n_len.max(m) - m;
    for j in (0..=last).rev() {
        // Estimate the quotient limb from the top two limbs (the remainder invariant keeps
        // u[j + m] ≤ top; equality means the estimate saturates at b − 1).
        let (mut qhat, mut rhat): (u128, u128) = if u[j + m] as u128 >= top {
            let num = ((u[j + m] as u128) << 64) | u[j + m - 1] as u128;
            let qhat = b - 1;
            (qhat, num - qhat * top)
        } else {
            let (q, r) = div_wide(u[j + m], u[j + m - 1], top as u64);
            (q as u128, r as u128)
        };
        while rhat < b && qhat * second > ((rhat << 64) | u[j + m - 2] as u128) {
            qhat -= 1;
            rhat += top;
        }
        // u[j..=j+m] -= qhat · v
        let mut borrow: i128 = 0;
        for i in 0..m {
            let p = qhat * v[i] as u128;
            let t = u[i + j] as i128 - borrow - (p as u64) as i128;
            u[i + j] = t as u64;
            borrow = (p >> 64) as i128 - (t >> 64);
        }
        let t = u[j + m] as i128 - borrow;
        u[j + m] = t as u64;
        if t < 0 {
            // qhat was one too large: add the divisor back.
            qhat -= 1;
            let mut carry = 0u128;
            for i in 0..m {
                let s = u[i + j] as u128 + v[i] as u128 + carry;
                u[i + j] = s as u64;
                carry = s >> 64;
            }
            u[j + m] = u[j + m].wrapping_add(carry as u64);
        }
        q[j] = qhat as u64;
    }
    let remainder = u[..m].iter().any(|&w| w != 0);
    (U256::from_limbs([q[0], q[1], q[2], q[3]]), remainder)
}

/// Quotient of `a·b / d` and whether it was inexact, failing when `d` is zero or the quotient
/// exceeds 256 bits.
#[inline]
fn mul_div_rem(a: U256, b: U256, d: U256) -> Result<(U256, bool)> {
    if d.is_zero() {
        return Err(DIV_BY_ZERO);
    }
    let product = full_product(&a, &b);
    // The quotient fits 256 bits exactly when the high half is below the denominator.
    let high = U256::from_limbs([product[4], product[5], product[6], product[7]]);
    if high >= d {
        return Err(RESULT_TOO_LARGE);
    }
    Ok(div_512_by_256(&product, &d))
}

/// `floor(x / d)` for a 256-bit `x` and nonzero `d`, through the same limb division.
#[inline]
pub(crate) fn div_256(x: U256, d: U256) -> (U256, bool) {
    let l = x.as_limbs();
    div_512_by_256(&[l[0], l[1], l[2], l[3], 0, 0, 0, 0], &d)
}

/// `floor(a·b / d)` with a 512-bit intermediate (`FullMath.mulDiv`).
pub fn mul_div(a: U256, b: U256, d: U256) -> Result<U256> {
    mul_div_rem(a, b, d).map(|(q, _)| q)
}

/// `ceil(a·b / d)` with a 512-bit intermediate (`FullMath.mulDivRoundingUp`); reverts when the
/// rounded result exceeds 256 bits.
pub fn mul_div_rounding_up(a: U256, b: U256, d: U256) -> Result<U256> {
    let (q, inexact) = mul_div_rem(a, b, d)?;
    if inexact {
        return q.checked_add(U256::from(1u8)).ok_or(RESULT_TOO_LARGE);
    }
    Ok(q)
}

/// `ceil(x / y)` (`UnsafeMath.divRoundingUp`). The reference returns 0 for `y = 0` (EVM
/// division); every caller here guarantees `y > 0`, and a zero `y` is reported as overflow
/// rather than silently giving 0.
pub fn div_rounding_up(x: U256, y: U256) -> Result<U256> {
    if y.is_zero() {
        return Err(DIV_BY_ZERO);
    }
    let (q, inexact) = div_256(x, y);
    Ok(if inexact { q + U256::from(1u8) } else { q })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amm::testing::u;

    const Q128: U256 = U256::from_limbs([0, 0, 1, 0]);

    // Cases from Uniswap v3-core `test/FullMath.spec.ts`.
    #[test]
    fn reverts_on_zero_denominator_and_overflow() {
        assert_eq!(mul_div(Q128, u(5), U256::ZERO).unwrap_err().code(), "OVERFLOW");
        assert_eq!(mul_div(Q128, Q128, u(1)).unwrap_err().code(), "OVERFLOW");
        assert_eq!(mul_div(U256::MAX, U256::MAX, U256::MAX - u(1)).unwrap_err().code(), "OVERFLOW");
        assert_eq!(mul_div_rounding_up(Q128, Q128, U256::ZERO).unwrap_err().code(), "OVERFLOW");
        // floor fits exactly but rounding up would exceed uint256.
        let a = U256::from_str_radix("535006138814359", 10).unwrap();
        let b = U256::from_str_radix(
            "432862656469423142931042426214547535783388063929571229938474969",
            10,
        )
        .unwrap();
        assert_eq!(mul_div_rounding_up(a, b, u(2)).unwrap_err().code(), "OVERFLOW");
    }

    #[test]
    fn all_max_inputs() {
        assert_eq!(mul_div(U256::MAX, U256::MAX, U256::MAX).unwrap(), U256::MAX);
        assert_eq!(mul_div_rounding_up(U256::MAX, U256::MAX, U256::MAX).unwrap(), U256::MAX);
    }

    #[test]
    fn accurate_without_phantom_overflow() {
        let result = Q128 / u(3);
        let a = Q128 * u(50) / u(100);
        let b = Q128 * u(150) / u(100);
        assert_eq!(mul_div(Q128, a, b).unwrap(), result);
        assert_eq!(mul_div_rounding_up(Q128, a, b).unwrap(), result + u(1));
    }

    #[test]
    fn accurate_with_phantom_overflow() {
        let result = u(4375) * Q128 / u(1000);
        assert_eq!(mul_div(Q128, u(35) * Q128, u(8) * Q128).unwrap(), result);
        assert_eq!(mul_div_rounding_up(Q128, u(35) * Q128, u(8) * Q128).unwrap(), result);
        let repeating = Q128 / u(3);
        assert_eq!(mul_div(Q128, u(1000) * Q128, u(3000) * Q128).unwrap(), repeating);
        assert_eq!(mul_div_rounding_up(Q128, u(1000) * Q128, u(3000) * Q128).unwrap(), repeating + u(1));
    }

    #[test]
    fn limb_division_matches_ruint_on_random_operands() {
        use rand::{Rng, SeedableRng};
        type U512 = ruint::Uint<512, 8>;
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        let mut random = |bits: usize| {
            let limbs: [u64; 4] = rng.random();
            let x = U256::from_limbs(limbs);
            if bits == 0 { U256::ZERO } else { x >> (256 - bits) }
        };
        for i in 0..200_000 {
            let (ab, bb, db) = ((i * 7) % 257, (i * 13) % 257, 1 + (i * 31) % 256);
            let (a, b, d) = (random(ab), random(bb), random(db));
            if d.is_zero() {
                continue;
            }
            let wide = a.widening_mul::<256, 4, 512, 8>(b);
            let (q, r) = wide.div_rem(U512::from(d));
            let expected = if q > U512::from(U256::MAX) { None } else { Some((U256::from(q), !r.is_zero())) };
            let ours = mul_div_rem(a, b, d).ok();
            assert_eq!(ours, expected, "{a} * {b} / {d}");
        }
    }

    #[test]
    fn div_rounding_up_rounds() {
        assert_eq!(div_rounding_up(u(7), u(2)).unwrap(), u(4));
        assert_eq!(div_rounding_up(u(8), u(2)).unwrap(), u(4));
        assert_eq!(div_rounding_up(u(0), u(2)).unwrap(), u(0));
        assert!(div_rounding_up(u(1), u(0)).is_err());
    }
}
