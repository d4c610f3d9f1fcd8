//! Bindings for constant-product (Uniswap v2) maths.

use crate::convert::{guard, guard_js, narrow_u128, read_u128, small_uint, u128_count, write_u128, Result, Uint256};
use fluxion_core::amm::v2;
use fluxion_core::U256;
use napi::bindgen_prelude::BigUint64Array;
use napi_derive::napi;

/// The fee of a Uniswap v2 pair, in basis points.
const DEFAULT_FEE_BPS: f64 = 30.0;

fn fee(fee_bps: Option<f64>) -> Result<u32> {
    small_uint(fee_bps.unwrap_or(DEFAULT_FEE_BPS), v2::BPS - 1, "feeBps")
}

/// Output for an exact input, as Uniswap v2 `getAmountOut` (fee in basis points, default 30).
#[napi]
pub fn v2_get_amount_out(amount_in: Uint256, reserve_in: Uint256, reserve_out: Uint256, fee_bps: Option<f64>) -> Result<Uint256> {
    let fee = fee(fee_bps)?;
    guard(|| v2::get_amount_out(amount_in.0, reserve_in.0, reserve_out.0, fee).map(Uint256))
}

/// Input needed for an exact output, as Uniswap v2 `getAmountIn` (fee in basis points, default 30).
#[napi]
pub fn v2_get_amount_in(amount_out: Uint256, reserve_in: Uint256, reserve_out: Uint256, fee_bps: Option<f64>) -> Result<Uint256> {
    let fee = fee(fee_bps)?;
    guard(|| v2::get_amount_in(amount_out.0, reserve_in.0, reserve_out.0, fee).map(Uint256))
}

/// Quotes many exact inputs against one pair in one call. Amounts in and out are packed as
/// little-endian u128 (two words per amount). Fails as a whole, naming the first bad index.
#[napi]
pub fn v2_get_amounts_out_batch(
    reserve_in: Uint256,
    reserve_out: Uint256,
    amounts_in: &[u64],
    fee_bps: Option<f64>,
) -> Result<BigUint64Array> {
    let fee = fee(fee_bps)?;
    guard_js(|| {
        let count = u128_count(amounts_in, "amountsIn")?;
        let pool = v2::ConstantProductPool::new(reserve_in.0, reserve_out.0, fee).map_err(crate::convert::from_core)?;
        quote_batch(&pool, amounts_in, count, true)
    })
}

fn quote_batch(pool: &v2::ConstantProductPool, amounts_in: &[u64], count: usize, zero_for_one: bool) -> Result<BigUint64Array> {
    let mut out = vec![0u64; 2 * count];
    for i in 0..count {
        let amount = U256::from(read_u128(amounts_in, i));
        let quoted = pool
            .quote_exact_in(amount, zero_for_one)
            .map_err(|e| crate::convert::js_error(e.code(), format!("amountsIn[{i}]: {e}")))?;
        write_u128(&mut out, i, narrow_u128(quoted, "amount out")?);
    }
    Ok(BigUint64Array::new(out))
}

/// A constant-product pool held in native memory: quote and swap without resending state.
#[napi]
pub struct ConstantProductPool {
    pool: v2::ConstantProductPool,
}

#[napi]
impl ConstantProductPool {
    /// A pool from its reserves (each at most 2^112 − 1) and fee in basis points (default 30).
    #[napi(constructor)]
    pub fn new(reserve0: Uint256, reserve1: Uint256, fee_bps: Option<f64>) -> Result<Self> {
        let fee = fee(fee_bps)?;
        guard(|| v2::ConstantProductPool::new(reserve0.0, reserve1.0, fee).map(|pool| Self { pool }))
    }

    /// Reserve of token0.
    #[napi(getter)]
    pub fn reserve0(&self) -> Uint256 {
        Uint256(self.pool.reserve0)
    }

    /// Reserve of token1.
    #[napi(getter)]
    pub fn reserve1(&self) -> Uint256 {
        Uint256(self.pool.reserve1)
    }

    /// Fee in basis points.
    #[napi(getter)]
    pub fn fee_bps(&self) -> u32 {
        self.pool.fee_bps
    }

    /// Output for selling `amountIn` of token0 (`zeroForOne`) or token1; the pool is unchanged.
    #[napi]
    pub fn quote_exact_in(&self, amount_in: Uint256, zero_for_one: bool) -> Result<Uint256> {
        guard(|| self.pool.quote_exact_in(amount_in.0, zero_for_one).map(Uint256))
    }

    /// Input needed to buy `amountOut`; the pool is unchanged.
    #[napi]
    pub fn quote_exact_out(&self, amount_out: Uint256, zero_for_one: bool) -> Result<Uint256> {
        guard(|| self.pool.quote_exact_out(amount_out.0, zero_for_one).map(Uint256))
    }

    /// Quotes many exact inputs (packed little-endian u128) in one call.
    #[napi]
    pub fn quote_exact_in_batch(&self, amounts_in: &[u64], zero_for_one: bool) -> Result<BigUint64Array> {
        guard_js(|| {
            let count = u128_count(amounts_in, "amountsIn")?;
            quote_batch(&self.pool, amounts_in, count, zero_for_one)
        })
    }

    /// Swaps an exact input and returns the output; `SLIPPAGE_EXCEEDED` below `minOut`, and then
    /// the pool is unchanged.
    #[napi]
    pub fn swap_exact_in(&mut self, amount_in: Uint256, zero_for_one: bool, min_out: Uint256) -> Result<Uint256> {
        guard(|| self.pool.swap_exact_in(amount_in.0, zero_for_one, min_out.0).map(Uint256))
    }

    /// Swaps for an exact output and returns the input; `SLIPPAGE_EXCEEDED` above `maxIn`, and
    /// then the pool is unchanged.
    #[napi]
    pub fn swap_exact_out(&mut self, amount_out: Uint256, zero_for_one: bool, max_in: Uint256) -> Result<Uint256> {
        guard(|| self.pool.swap_exact_out(amount_out.0, zero_for_one, max_in.0).map(Uint256))
    }
}
