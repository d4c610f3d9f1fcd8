//! Constant-product pools, exact to Uniswap v2 `UniswapV2Library.getAmountOut/getAmountIn`.
//!
//! The reference hard-codes a 0.3 % fee as 997/1000; Fluxion takes any fee in basis points and
//! scales to 10 000, which gives identical results for 30 bps (both sides of the fraction are
//! multiplied by 10, so the floor does not move).

use crate::{Error, Result, U256};

/// Basis points in one whole.
pub const BPS: u32 = 10_000;
/// Largest reserve the v2 pair can hold (`uint112`).
pub const MAX_RESERVE: U256 = U256::from_limbs([u64::MAX, (1u64 << 48) - 1, 0, 0]);

fn fee_multiplier(fee_bps: u32) -> Result<U256> {
    if fee_bps >= BPS {
        return Err(Error::invalid(format!("fee {fee_bps} bps must be below {BPS}")));
    }
    Ok(U256::from(BPS - fee_bps))
}

fn check_reserves(reserve_in: U256, reserve_out: U256) -> Result<()> {
    if reserve_in.is_zero() || reserve_out.is_zero() {
        return Err(Error::InsufficientLiquidity("reserves must be positive"));
    }
    Ok(())
}

/// Output for an exact input: `floor(in·γ·Rout / (Rin·10000 + in·γ))` with `γ = 10000 − fee`.
/// Overflow of the 256-bit products reverts as in the reference's SafeMath.
pub fn get_amount_out(amount_in: U256, reserve_in: U256, reserve_out: U256, fee_bps: u32) -> Result<U256> {
    if amount_in.is_zero() {
        return Err(Error::invalid("amount in must be positive"));
    }
    check_reserves(reserve_in, reserve_out)?;
    let gamma = fee_multiplier(fee_bps)?;
    let overflow = || Error::Overflow("getAmountOut product exceeds uint256");
    let in_with_fee = amount_in.checked_mul(gamma).ok_or_else(overflow)?;
    let numerator = in_with_fee.checked_mul(reserve_out).ok_or_else(overflow)?;
    let denominator = reserve_in
        .checked_mul(U256::from(BPS))
        .and_then(|d| d.checked_add(in_with_fee))
        .ok_or_else(overflow)?;
    Ok(numerator / denominator)
}

/// Input needed for an exact output: `floor(Rin·out·10000 / ((Rout − out)·γ)) + 1`.
/// An output at or above the reserve cannot be paid.
pub fn get_amount_in(amount_out: U256, reserve_in: U256, reserve_out: U256, fee_bps: u32) -> Result<U256> {
    if amount_out.is_zero() {
        return Err(Error::invalid("amount out must be positive"));
    }
    check_reserves(reserve_in, reserve_out)?;
    if amount_out >= reserve_out {
        return Err(Error::InsufficientLiquidity("amount out must be below the output reserve"));
    }
    let gamma = fee_multiplier(fee_bps)?;
    let overflow = || Error::Overflow("getAmountIn product exceeds uint256");
    let numerator = reserve_in
        .checked_mul(amount_out)
        .and_then(|n| n.checked_mul(U256::from(BPS)))
        .ok_or_else(overflow)?;
    let denominator = (reserve_out - amount_out).checked_mul(gamma).ok_or_else(overflow)?;
    Ok(numerator / denominator + U256::from(1))
}

/// A constant-product pool's state: two reserves (each at most `uint112`) and a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstantProductPool {
    pub reserve0: U256,
    pub reserve1: U256,
    pub fee_bps: u32,
}

impl ConstantProductPool {
    /// A pool from its reserves; rejects empty or over-`uint112` reserves and fees ≥ 100 %.
    pub fn new(reserve0: U256, reserve1: U256, fee_bps: u32) -> Result<Self> {
        check_reserves(reserve0, reserve1)?;
        if reserve0 > MAX_RESERVE || reserve1 > MAX_RESERVE {
            return Err(Error::Overflow("reserve exceeds uint112"));
        }
        fee_multiplier(fee_bps)?;
        Ok(Self { reserve0, reserve1, fee_bps })
    }

    fn reserves(&self, zero_for_one: bool) -> (U256, U256) {
        if zero_for_one { (self.reserve0, self.reserve1) } else { (self.reserve1, self.reserve0) }
    }

    /// Output of selling `amount_in` of token0 (`zero_for_one`) or token1.
    pub fn quote_exact_in(&self, amount_in: U256, zero_for_one: bool) -> Result<U256> {
        let (r_in, r_out) = self.reserves(zero_for_one);
        get_amount_out(amount_in, r_in, r_out, self.fee_bps)
    }

    /// Input needed to buy `amount_out` of token1 (`zero_for_one`) or token0.
    pub fn quote_exact_out(&self, amount_out: U256, zero_for_one: bool) -> Result<U256> {
        let (r_in, r_out) = self.reserves(zero_for_one);
        get_amount_in(amount_out, r_in, r_out, self.fee_bps)
    }

    /// Moves the reserves by a trade already quoted; the pair refuses reserves past `uint112`.
    fn apply(&mut self, amount_in: U256, amount_out: U256, zero_for_one: bool) -> Result<()> {
        let (r_in, r_out) = self.reserves(zero_for_one);
        let new_in = r_in.checked_add(amount_in).filter(|r| *r <= MAX_RESERVE);
        let new_in = new_in.ok_or(Error::Overflow("reserve would exceed uint112"))?;
        let new_out = r_out - amount_out;
        if zero_for_one {
            (self.reserve0, self.reserve1) = (new_in, new_out);
        } else {
            (self.reserve1, self.reserve0) = (new_in, new_out);
        }
        Ok(())
    }

    /// Swaps an exact input, failing with `SlippageExceeded` (and changing nothing) when the
    /// output is below `min_out`. Returns the output.
    pub fn swap_exact_in(&mut self, amount_in: U256, zero_for_one: bool, min_out: U256) -> Result<U256> {
        let out = self.quote_exact_in(amount_in, zero_for_one)?;
        crate::amm::impact::check_min_out(out, min_out)?;
        self.apply(amount_in, out, zero_for_one)?;
        Ok(out)
    }

    /// Swaps for an exact output, failing with `SlippageExceeded` (and changing nothing) when the
    /// input would exceed `max_in`. Returns the input.
    pub fn swap_exact_out(&mut self, amount_out: U256, zero_for_one: bool, max_in: U256) -> Result<U256> {
        let amount_in = self.quote_exact_out(amount_out, zero_for_one)?;
        crate::amm::impact::check_max_in(amount_in, max_in)?;
        self.apply(amount_in, amount_out, zero_for_one)?;
        Ok(amount_in)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amm::testing::{E18, u};


    #[test]
    fn get_amount_out_matches_published_vector() {
        // ANCHORS.md: in 1e18, reserves 5e18 / 10e18 ⇒ 1662497915624478906 (Uniswap v2-periphery tests).
        assert_eq!(get_amount_out(u(E18), u(5 * E18), u(10 * E18), 30).unwrap(), u(1662497915624478906));
    }

    #[test]
    fn get_amount_in_rounds_up_by_one_wei() {
        // Uniswap v2-periphery `getAmountIn`: out 1 from reserves 100/100 needs 2.
        assert_eq!(get_amount_in(u(1), u(100), u(100), 30).unwrap(), u(2));
        assert_eq!(get_amount_out(u(2), u(100), u(100), 30).unwrap(), u(1));
    }

    #[test]
    fn fee_in_bps_equals_997_over_1000() {
        let (a, r0, r1) = (u(123_456_789), u(987_654_321_000), u(55_555_555_555));
        let reference = a * u(997) * r1 / (r0 * u(1000) + a * u(997));
        assert_eq!(get_amount_out(a, r0, r1, 30).unwrap(), reference);
    }

    #[test]
    fn rejects_zero_amounts_and_reserves() {
        assert_eq!(get_amount_out(u(0), u(1), u(1), 30).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(get_amount_out(u(1), u(0), u(1), 30).unwrap_err().code(), "INSUFFICIENT_LIQUIDITY");
        assert_eq!(get_amount_in(u(0), u(1), u(1), 30).unwrap_err().code(), "INVALID_INPUT");
    }

    #[test]
    fn output_equal_to_reserve_is_insufficient_liquidity() {
        let err = get_amount_in(u(100), u(100), u(100), 30).unwrap_err();
        assert_eq!(err.code(), "INSUFFICIENT_LIQUIDITY");
    }

    #[test]
    fn overflowing_products_revert() {
        assert_eq!(get_amount_out(U256::MAX, u(1), u(1), 30).unwrap_err().code(), "OVERFLOW");
    }

    #[test]
    fn fee_of_one_hundred_percent_is_invalid() {
        assert_eq!(get_amount_out(u(1), u(1), u(1), 10_000).unwrap_err().code(), "INVALID_INPUT");
    }

    #[test]
    fn pool_swap_moves_reserves_and_keeps_k_growing() {
        let mut pool = ConstantProductPool::new(u(5 * E18), u(10 * E18), 30).unwrap();
        let k0 = pool.reserve0 * pool.reserve1;
        let out = pool.swap_exact_in(u(E18), true, u(0)).unwrap();
        assert_eq!(out, u(1662497915624478906));
        assert_eq!(pool.reserve0, u(6 * E18));
        assert_eq!(pool.reserve1, u(10 * E18 - 1662497915624478906));
        assert!(pool.reserve0 * pool.reserve1 > k0);
    }

    #[test]
    fn pool_swap_past_slippage_changes_nothing() {
        let mut pool = ConstantProductPool::new(u(5 * E18), u(10 * E18), 30).unwrap();
        let before = pool;
        let err = pool.swap_exact_in(u(E18), true, u(1662497915624478907)).unwrap_err();
        assert_eq!(err.code(), "SLIPPAGE_EXCEEDED");
        assert_eq!(pool, before);
        let err = pool.swap_exact_out(u(E18), false, u(1)).unwrap_err();
        assert_eq!(err.code(), "SLIPPAGE_EXCEEDED");
        assert_eq!(pool, before);
    }

    #[test]
    fn pool_rejects_reserves_above_uint112() {
        let err = ConstantProductPool::new(MAX_RESERVE + u(1), u(1), 30).unwrap_err();
        assert_eq!(err.code(), "OVERFLOW");
    }
}
