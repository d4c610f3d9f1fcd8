//! Price moves and token amounts between prices, exact to Uniswap v3-core `SqrtPriceMath`.
//!
//! Rounding always favours the pool: amounts the pool receives round up, amounts it pays round
//! down, and the next price rounds so the pool never gives more than it should (token0 moves
//! round the price up, token1 moves round it down).

use super::full_math::{div_rounding_up, mul_div, mul_div_rounding_up};
use crate::{Error, Result, U256};

/// 2^96, the Q64.96 scale of sqrt prices.
pub const Q96: U256 = U256::from_limbs([0, 1 << 32, 0, 0]);
/// Largest `uint160`.
pub const MAX_UINT160: U256 = U256::from_limbs([u64::MAX, u64::MAX, u32::MAX as u64, 0]);

/// The reference's `SafeCast.toUint160`.
#[inline]
fn to_uint160(x: U256) -> Result<U256> {
    if x > MAX_UINT160 {
        return Err(Error::Overflow("sqrt price exceeds uint160"));
    }
    Ok(x)
}

/// Price after adding or removing `amount` of token0, rounded up
/// (`getNextSqrtPriceFromAmount0RoundingUp`): `L·√P / (L ± amount·√P)`.
pub fn get_next_sqrt_price_from_amount0_rounding_up(
    sqrt_price_x96: U256,
    liquidity: u128,
    amount: U256,
    add: bool,
) -> Result<U256> {
    if amount.is_zero() {
        return Ok(sqrt_price_x96);
    }
    let numerator1: U256 = U256::from(liquidity) << 96;
    let product = amount.checked_mul(sqrt_price_x96);
    if add {
        if let Some(product) = product {
            if let Some(denominator) = numerator1.checked_add(product) {
                return mul_div_rounding_up(numerator1, sqrt_price_x96, denominator);
            }
        }
        // Fallback when amount·√P overflows: L / (L/√P + amount), less precise, as the reference.
        let denominator = (numerator1 / sqrt_price_x96)
            .checked_add(amount)
            .ok_or(Error::Overflow("getNextSqrtPriceFromAmount0RoundingUp denominator"))?;
        div_rounding_up(numerator1, denominator)
    } else {
        // Removing token0 must leave a positive denominator, else the price would be unbounded.
        let product = product
            .filter(|p| numerator1 > *p)
            .ok_or(Error::InsufficientLiquidity("not enough token0 liquidity for the output"))?;
        to_uint160(mul_div_rounding_up(numerator1, sqrt_price_x96, numerator1 - product)?)
    }
}

/// Price after adding or removing `amount` of token1, rounded down
/// (`getNextSqrtPriceFromAmount1RoundingDown`): `√P ± amount / L`.
pub fn get_next_sqrt_price_from_amount1_rounding_down(
    sqrt_price_x96: U256,
    liquidity: u128,
    amount: U256,
    add: bool,
) -> Result<U256> {
    let liquidity = U256::from(liquidity);
    if liquidity.is_zero() {
        return Err(Error::InsufficientLiquidity("liquidity is zero"));
    }
    let fits_shift = amount <= MAX_UINT160;
    if add {
        let quotient =
            if fits_shift { (amount << 96) / liquidity } else { mul_div(amount, Q96, liquidity)? };
        let next = sqrt_price_x96
            .checked_add(quotient)
            .ok_or(Error::Overflow("getNextSqrtPriceFromAmount1RoundingDown sum"))?;
        to_uint160(next)
    } else {
        let quotient = if fits_shift {
            div_rounding_up(amount << 96, liquidity)?
        } else {
            mul_div_rounding_up(amount, Q96, liquidity)?
        };
        if sqrt_price_x96 <= quotient {
            return Err(Error::InsufficientLiquidity("not enough token1 liquidity for the output"));
        }
        Ok(sqrt_price_x96 - quotient)
    }
}

fn check_price_and_liquidity(sqrt_price_x96: U256, liquidity: u128) -> Result<()> {
    if sqrt_price_x96.is_zero() {
        return Err(Error::invalid("sqrt price must be positive"));
    }
    if liquidity == 0 {
        return Err(Error::InsufficientLiquidity("liquidity is zero"));
    }
    Ok(())
}

/// Price after an input of token0 (`zero_for_one`) or token1 (`getNextSqrtPriceFromInput`);
/// never overshoots the target so the pool keeps its rounding edge.
pub fn get_next_sqrt_price_from_input(
    sqrt_price_x96: U256,
    liquidity: u128,
    amount_in: U256,
    zero_for_one: bool,
) -> Result<U256> {
    check_price_and_liquidity(sqrt_price_x96, liquidity)?;
    if zero_for_one {
        get_next_sqrt_price_from_amount0_rounding_up(sqrt_price_x96, liquidity, amount_in, true)
    } else {
        get_next_sqrt_price_from_amount1_rounding_down(sqrt_price_x96, liquidity, amount_in, true)
    }
}

/// Price after an output of token1 (`zero_for_one`) or token0 (`getNextSqrtPriceFromOutput`).
/// An output the liquidity cannot pay is `INSUFFICIENT_LIQUIDITY`.
pub fn get_next_sqrt_price_from_output(
    sqrt_price_x96: U256,
    liquidity: u128,
    amount_out: U256,
    zero_for_one: bool,
) -> Result<U256> {
    check_price_and_liquidity(sqrt_price_x96, liquidity)?;
    if zero_for_one {
        get_next_sqrt_price_from_amount1_rounding_down(sqrt_price_x96, liquidity, amount_out, false)
    } else {
        get_next_sqrt_price_from_amount0_rounding_up(sqrt_price_x96, liquidity, amount_out, false)
    }
}

#[inline]
fn sorted(a: U256, b: U256) -> (U256, U256) {
    if a > b { (b, a) } else { (a, b) }
}

/// Token0 between two prices: `L·2^96·(√B − √A) / (√B·√A)` (`getAmount0Delta`), rounded up or down.
pub fn get_amount0_delta(sqrt_ratio_a_x96: U256, sqrt_ratio_b_x96: U256, liquidity: u128, round_up: bool) -> Result<U256> {
    let (lower, upper) = sorted(sqrt_ratio_a_x96, sqrt_ratio_b_x96);
    if lower.is_zero() {
        return Err(Error::invalid("sqrt price must be positive"));
    }
    let numerator1: U256 = U256::from(liquidity) << 96;
    let numerator2 = upper - lower;
    if round_up {
        div_rounding_up(mul_div_rounding_up(numerator1, numerator2, upper)?, lower)
    } else {
        Ok(mul_div(numerator1, numerator2, upper)? / lower)
    }
}

/// Token1 between two prices: `L·(√B − √A) / 2^96` (`getAmount1Delta`), rounded up or down.
pub fn get_amount1_delta(sqrt_ratio_a_x96: U256, sqrt_ratio_b_x96: U256, liquidity: u128, round_up: bool) -> Result<U256> {
    let (lower, upper) = sorted(sqrt_ratio_a_x96, sqrt_ratio_b_x96);
    let difference = upper - lower;
    // mulDiv(L, Δ, 2^96) is a shift of the 512-bit product; the remainder is its low 96 bits.
    let product = U256::from(liquidity).widening_mul::<256, 4, 512, 8>(difference);
    let quotient: ruint::Uint<512, 8> = product >> 96;
    let limbs = quotient.as_limbs();
    if (limbs[4] | limbs[5] | limbs[6] | limbs[7]) != 0 {
        return Err(Error::Overflow("getAmount1Delta exceeds uint256"));
    }
    let mut amount = U256::from_limbs([limbs[0], limbs[1], limbs[2], limbs[3]]);
    let remainder_nonzero = (product.as_limbs()[0] | (product.as_limbs()[1] & ((1u64 << 32) - 1))) != 0;
    if round_up && remainder_nonzero {
        amount = amount.checked_add(U256::from(1u8)).ok_or(Error::Overflow("getAmount1Delta exceeds uint256"))?;
    }
    Ok(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amm::testing::{E18, dec, u};
    use crate::amm::v3::tick_math::{MAX_SQRT_RATIO, MIN_SQRT_RATIO};

    /// encodePriceSqrt(1, 1)
    const ONE: U256 = Q96;

    #[test]
    fn published_next_price_from_input_vectors() {
        // /work/shared/ANCHORS.md (v3-core test/SqrtPriceMath.spec.ts).
        assert_eq!(
            get_next_sqrt_price_from_input(ONE, E18, u(E18 / 10), false).unwrap(),
            dec("87150978765690771352898345369")
        );
        assert_eq!(
            get_next_sqrt_price_from_input(ONE, E18, u(E18 / 10), true).unwrap(),
            dec("72025602285694852357767227579")
        );
    }

    #[test]
    fn next_price_from_input_edges() {
        // v3-core SqrtPriceMath.spec.ts getNextSqrtPriceFromInput.
        assert_eq!(get_next_sqrt_price_from_input(U256::ZERO, 1, u(E18 / 10), false).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(get_next_sqrt_price_from_input(u(1), 0, u(E18 / 10), true).unwrap_err().code(), "INSUFFICIENT_LIQUIDITY");
        // input amount overflows the price
        let price = MAX_UINT160;
        assert_eq!(get_next_sqrt_price_from_input(price, 1024, u(1024), false).unwrap_err().code(), "OVERFLOW");
        // any input amount cannot underflow the price
        assert_eq!(get_next_sqrt_price_from_input(u(1), 1, U256::from(1u8) << 255, true).unwrap(), u(1));
        // zero amount returns the price unchanged
        assert_eq!(get_next_sqrt_price_from_input(ONE, E18 / 10, U256::ZERO, true).unwrap(), ONE);
        assert_eq!(get_next_sqrt_price_from_input(ONE, E18 / 10, U256::ZERO, false).unwrap(), ONE);
        // minimum price from max inputs
        let max_amount_no_overflow = U256::MAX - ((U256::from(u128::MAX) << 96) / MAX_UINT160);
        assert_eq!(get_next_sqrt_price_from_input(MAX_UINT160, u128::MAX, max_amount_no_overflow, true).unwrap(), u(1));
        // amountIn > type(uint96).max and zeroForOne
        assert_eq!(
            get_next_sqrt_price_from_input(ONE, 10 * E18, U256::from(1u8) << 100, true).unwrap(),
            dec("624999999995069620")
        );
        assert_eq!(
            get_next_sqrt_price_from_input(ONE, 1, U256::MAX / u(2), true).unwrap(),
            u(1)
        );
    }

    #[test]
    fn next_price_from_output_edges() {
        // v3-core SqrtPriceMath.spec.ts getNextSqrtPriceFromOutput.
        let price = dec("20282409603651670423947251286016");
        let liquidity = 1024u128;
        // output equal to the virtual reserves of token0 fails, and any larger amount too
        assert_eq!(get_next_sqrt_price_from_output(price, liquidity, u(4), false).unwrap_err().code(), "INSUFFICIENT_LIQUIDITY");
        assert_eq!(get_next_sqrt_price_from_output(price, liquidity, u(5), false).unwrap_err().code(), "INSUFFICIENT_LIQUIDITY");
        // token1 reserves: 262144
        assert_eq!(get_next_sqrt_price_from_output(price, liquidity, u(262144), true).unwrap_err().code(), "INSUFFICIENT_LIQUIDITY");
        assert_eq!(get_next_sqrt_price_from_output(price, liquidity, u(262145), true).unwrap_err().code(), "INSUFFICIENT_LIQUIDITY");
        // just less than the reserves succeeds
        assert_eq!(get_next_sqrt_price_from_output(price, liquidity, u(262143), true).unwrap(), dec("77371252455336267181195264"));
        // published: 0.1 token1 out, 0.1 token0 out
        assert_eq!(get_next_sqrt_price_from_output(ONE, E18, u(E18 / 10), false).unwrap(), dec("88031291682515930659493278152"));
        assert_eq!(get_next_sqrt_price_from_output(ONE, E18, u(E18 / 10), true).unwrap(), dec("71305346262837903834189555302"));
        // impossible outputs with liquidity 1
        assert!(get_next_sqrt_price_from_output(ONE, 1, U256::MAX, true).is_err());
        assert!(get_next_sqrt_price_from_output(ONE, 1, U256::MAX, false).is_err());
        assert_eq!(get_next_sqrt_price_from_output(ONE, E18 / 10, U256::ZERO, true).unwrap(), ONE);
    }

    #[test]
    fn amount_deltas() {
        // v3-core SqrtPriceMath.spec.ts getAmount0Delta / getAmount1Delta.
        assert_eq!(get_amount0_delta(ONE, dec("87150978765690771352898345369"), 0, true).unwrap(), U256::ZERO);
        assert_eq!(get_amount0_delta(ONE, ONE, E18, true).unwrap(), U256::ZERO);
        let p121_100 = dec("87150978765690771352898345369");
        let up = get_amount0_delta(ONE, p121_100, E18, true).unwrap();
        assert_eq!(up, dec("90909090909090910"));
        let down = get_amount0_delta(ONE, p121_100, E18, false).unwrap();
        assert_eq!(down, up - u(1));
        let up1 = get_amount1_delta(ONE, p121_100, E18, true).unwrap();
        assert_eq!(up1, dec("100000000000000000"));
        assert_eq!(get_amount1_delta(ONE, p121_100, E18, false).unwrap(), up1 - u(1));
        // works for prices that overflow: 2^90 and 2^96 times sqrt of 1.1e18 (spec case)
        // encodePriceSqrt(2^90, 1) = 2^141 and encodePriceSqrt(2^96, 1) = 2^144.
        let a = U256::from(1u8) << 141;
        let b = U256::from(1u8) << 144;
        let up = get_amount0_delta(a, b, E18, true).unwrap();
        let down = get_amount0_delta(a, b, E18, false).unwrap();
        assert_eq!(up, down + u(1));
        assert_eq!(get_amount0_delta(U256::ZERO, ONE, 1, true).unwrap_err().code(), "INVALID_INPUT");
        let _ = (MIN_SQRT_RATIO, MAX_SQRT_RATIO);
    }

    #[test]
    fn swap_computation_vector() {
        // v3-core SqrtPriceMath.spec.ts "swap computation": sqrtP and liquidity from a mainnet
        // failure, 406 token0 in (zeroForOne).
        let sqrt_p = dec("1025574284609383690408304870162715216695788925244");
        let liquidity = 50015962439936049619261659728067971248u128;
        let sqrt_q = get_next_sqrt_price_from_input(sqrt_p, liquidity, u(406), true).unwrap();
        assert_eq!(sqrt_q, dec("1025574284609383582644711336373707553698163132913"));
        assert_eq!(get_amount0_delta(sqrt_q, sqrt_p, liquidity, true).unwrap(), u(406));
    }
}
