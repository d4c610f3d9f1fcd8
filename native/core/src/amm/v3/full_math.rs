//! 512-bit intermediate multiply-divide, as Uniswap v3-core `FullMath` and `UnsafeMath`.
//!
//! `mul_div(a, b, d)` is `floor(a·b / d)` computed without losing the high bits of `a·b`; the
//! reference reverts when `d` is zero or the quotient does not fit 256 bits, and so do these
//! (with [`Error::Overflow`]).

use crate::{Error, Result, U256};
use ruint::Uint;

type U512 = Uint<512, 8>;

const DIV_BY_ZERO: Error = Error::Overflow("mulDiv denominator is zero");
const RESULT_TOO_LARGE: Error = Error::Overflow("mulDiv result exceeds uint256");

/// The full 512-bit product of two 256-bit numbers, as (low, high) halves.
#[inline]
fn full_product(a: U256, b: U256) -> U512 {
    a.widening_mul::<256, 4, 512, 8>(b)
}

#[inline]
fn high_half_is_zero(p: &U512) -> bool {
    let l = p.as_limbs();
    (l[4] | l[5] | l[6] | l[7]) == 0
}

#[inline]
fn low_half(p: &U512) -> U256 {
    let l = p.as_limbs();
    U256::from_limbs([l[0], l[1], l[2], l[3]])
}

/// Quotient and remainder of `a·b / d`, failing when `d` is zero or the quotient exceeds 256 bits.
#[inline]
fn mul_div_rem(a: U256, b: U256, d: U256) -> Result<(U256, bool)> {
    if d.is_zero() {
        return Err(DIV_BY_ZERO);
    }
    let product = full_product(a, b);
    if high_half_is_zero(&product) {
        // The product fits 256 bits: one 256-bit division (the common case).
        let (q, r) = low_half(&product).div_rem(d);
        return Ok((q, !r.is_zero()));
    }
    let high = U256::from_limbs({
        let l = product.as_limbs();
        [l[4], l[5], l[6], l[7]]
    });
    // The quotient fits 256 bits exactly when the high half is below the denominator.
    if high >= d {
        return Err(RESULT_TOO_LARGE);
    }
    let (q, r) = product.div_rem(U512::from(d));
    Ok((low_half(&q), !r.is_zero()))
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
    let (q, r) = x.div_rem(y);
    Ok(if r.is_zero() { q } else { q + U256::from(1u8) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(v: u128) -> U256 {
        U256::from(v)
    }
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
    fn div_rounding_up_rounds() {
        assert_eq!(div_rounding_up(u(7), u(2)).unwrap(), u(4));
        assert_eq!(div_rounding_up(u(8), u(2)).unwrap(), u(4));
        assert_eq!(div_rounding_up(u(0), u(2)).unwrap(), u(0));
        assert!(div_rounding_up(u(1), u(0)).is_err());
    }
}
