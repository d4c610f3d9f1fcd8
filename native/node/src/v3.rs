//! Bindings for concentrated-liquidity (Uniswap v3) maths and a native v3 pool.

use crate::convert::{guard, guard_js, invalid, js_error, narrow_u128, read_u128, small_uint, u128_count, write_u128, Int256, Result, Uint256};
use fluxion_core::amm::v3;
use fluxion_core::U256;
use napi::bindgen_prelude::{BigUint64Array, ToNapiValue};
use napi::sys;
use napi_derive::napi;
use std::ffi::CStr;

const MAX_UINT160_BITS: usize = 160;

/// A sqrt price argument: the reference types it `uint160`.
fn sqrt_price(value: Uint256, what: &str) -> Result<U256> {
    if value.0.bit_len() > MAX_UINT160_BITS {
        return Err(invalid(format!("{what} exceeds uint160")));
    }
    Ok(value.0)
}

/// A liquidity argument: `uint128`.
fn liquidity(value: Uint256, what: &str) -> Result<u128> {
    u128::try_from(value.0).map_err(|_| invalid(format!("{what} exceeds uint128")))
}

/// A tick passed as a JS number: an integer in `[MIN_TICK, MAX_TICK]`.
fn tick_arg(value: f64, what: &str) -> Result<i32> {
    let (lo, hi) = (v3::MIN_TICK as f64, v3::MAX_TICK as f64);
    if !(value.is_finite() && value.fract() == 0.0 && value >= lo && value <= hi) {
        return Err(invalid(format!("{what} must be an integer in [{lo}, {hi}], got {value}")));
    }
    Ok(value as i32)
}

fn fee_pips(value: f64) -> Result<u32> {
    small_uint(value, v3::PIPS - 1, "feePips")
}

/// `TickMath.getSqrtRatioAtTick`: sqrt(1.0001^tick) as Q64.96, rounded up.
#[napi]
pub fn v3_get_sqrt_ratio_at_tick(tick: f64) -> Result<Uint256> {
    let tick = tick_arg(tick, "tick")?;
    guard(|| v3::get_sqrt_ratio_at_tick(tick).map(Uint256))
}

/// `TickMath.getTickAtSqrtRatio`: the greatest tick whose sqrt ratio is at most the price.
/// The price must be in `[MIN_SQRT_RATIO, MAX_SQRT_RATIO)`.
#[napi]
pub fn v3_get_tick_at_sqrt_ratio(sqrt_price_x96: Uint256) -> Result<i32> {
    guard(|| v3::get_tick_at_sqrt_ratio(sqrt_price_x96.0))
}

/// `SqrtPriceMath.getNextSqrtPriceFromInput`: the price after `amountIn` of token0
/// (`zeroForOne`) or token1 goes in.
#[napi]
pub fn v3_get_next_sqrt_price_from_input(sqrt_price_x96: Uint256, liquidity_: Uint256, amount_in: Uint256, zero_for_one: bool) -> Result<Uint256> {
    let price = sqrt_price(sqrt_price_x96, "sqrtPriceX96")?;
    let l = liquidity(liquidity_, "liquidity")?;
    guard(|| v3::get_next_sqrt_price_from_input(price, l, amount_in.0, zero_for_one).map(Uint256))
}

/// `SqrtPriceMath.getNextSqrtPriceFromOutput`: the price after `amountOut` of token1
/// (`zeroForOne`) or token0 comes out. More than the liquidity holds is `INSUFFICIENT_LIQUIDITY`.
#[napi]
pub fn v3_get_next_sqrt_price_from_output(sqrt_price_x96: Uint256, liquidity_: Uint256, amount_out: Uint256, zero_for_one: bool) -> Result<Uint256> {
    let price = sqrt_price(sqrt_price_x96, "sqrtPriceX96")?;
    let l = liquidity(liquidity_, "liquidity")?;
    guard(|| v3::get_next_sqrt_price_from_output(price, l, amount_out.0, zero_for_one).map(Uint256))
}

/// `SqrtPriceMath.getAmount0Delta`: token0 between two sqrt prices for `liquidity`.
#[napi]
pub fn v3_get_amount0_delta(sqrt_ratio_a_x96: Uint256, sqrt_ratio_b_x96: Uint256, liquidity_: Uint256, round_up: bool) -> Result<Uint256> {
    let a = sqrt_price(sqrt_ratio_a_x96, "sqrtRatioAX96")?;
    let b = sqrt_price(sqrt_ratio_b_x96, "sqrtRatioBX96")?;
    let l = liquidity(liquidity_, "liquidity")?;
    guard(|| v3::get_amount0_delta(a, b, l, round_up).map(Uint256))
}

/// `SqrtPriceMath.getAmount1Delta`: token1 between two sqrt prices for `liquidity`.
#[napi]
pub fn v3_get_amount1_delta(sqrt_ratio_a_x96: Uint256, sqrt_ratio_b_x96: Uint256, liquidity_: Uint256, round_up: bool) -> Result<Uint256> {
    let a = sqrt_price(sqrt_ratio_a_x96, "sqrtRatioAX96")?;
    let b = sqrt_price(sqrt_ratio_b_x96, "sqrtRatioBX96")?;
    let l = liquidity(liquidity_, "liquidity")?;
    guard(|| v3::get_amount1_delta(a, b, l, round_up).map(Uint256))
}

/// `FullMath.mulDiv`: floor(a·b / denominator) with a 512-bit intermediate; `OVERFLOW` when the
/// denominator is 0 or the result exceeds uint256.
#[napi]
pub fn v3_mul_div(a: Uint256, b: Uint256, denominator: Uint256) -> Result<Uint256> {
    guard(|| v3::mul_div(a.0, b.0, denominator.0).map(Uint256))
}

/// `FullMath.mulDivRoundingUp`: ceil(a·b / denominator), same failures as `v3MulDiv`.
#[napi]
pub fn v3_mul_div_rounding_up(a: Uint256, b: Uint256, denominator: Uint256) -> Result<Uint256> {
    guard(|| v3::mul_div_rounding_up(a.0, b.0, denominator.0).map(Uint256))
}

/// Builds a plain JS object from static property names in one `napi_define_properties` call.
/// (The derived conversion allocates a C string per property; results are returned per quote, so
/// this is on the hot path.)
unsafe fn plain_object<const N: usize>(env: sys::napi_env, fields: [(&'static CStr, sys::napi_value); N]) -> napi::Result<sys::napi_value> {
    let failed = |what: &str| napi::Error::new(napi::Status::GenericFailure, format!("could not {what}"));
    let mut object = std::ptr::null_mut();
    if unsafe { sys::napi_create_object(env, &mut object) } != sys::Status::napi_ok {
        return Err(failed("create an object"));
    }
    let attributes = sys::PropertyAttributes::writable | sys::PropertyAttributes::enumerable | sys::PropertyAttributes::configurable;
    let descriptors = fields.map(|(name, value)| sys::napi_property_descriptor {
        utf8name: name.as_ptr(),
        name: std::ptr::null_mut(),
        method: None,
        getter: None,
        setter: None,
        value,
        attributes,
        data: std::ptr::null_mut(),
    });
    if unsafe { sys::napi_define_properties(env, object, N, descriptors.as_ptr()) } != sys::Status::napi_ok {
        return Err(failed("set the result's properties"));
    }
    Ok(object)
}

/// A bigint from a U256: values below 2^64 through `napi_create_bigint_uint64`, which skips the
/// exception scope that `napi_create_bigint_words` sets up (several times faster); wider values
/// through the shared conversion.
unsafe fn bigint(env: sys::napi_env, value: U256) -> napi::Result<sys::napi_value> {
    let limbs = value.as_limbs();
    if (limbs[1] | limbs[2] | limbs[3]) == 0 {
        let mut out = std::ptr::null_mut();
        if unsafe { sys::napi_create_bigint_uint64(env, limbs[0], &mut out) } == sys::Status::napi_ok {
            return Ok(out);
        }
    }
    unsafe { Uint256::to_napi_value(env, Uint256(value)) }
}

/// One swap step inside a single liquidity range.
#[napi(object, object_to_js = false)]
pub struct SwapStepResult {
    /// Price after the step.
    pub sqrt_ratio_next_x96: Uint256,
    /// Input without the fee, rounded up.
    pub amount_in: Uint256,
    /// Output, rounded down.
    pub amount_out: Uint256,
    /// Fee on the input, rounded up.
    pub fee_amount: Uint256,
}

/// `SwapMath.computeSwapStep`: `amountRemaining` is signed as in the reference (positive: exact
/// input, negative: exact output); the direction follows from the two prices; fee in pips (1e-6).
#[napi]
pub fn v3_compute_swap_step(
    sqrt_ratio_current_x96: Uint256,
    sqrt_ratio_target_x96: Uint256,
    liquidity_: Uint256,
    amount_remaining: Int256,
    fee_pips_: f64,
) -> Result<SwapStepResult> {
    let current = sqrt_price(sqrt_ratio_current_x96, "sqrtRatioCurrentX96")?;
    let target = sqrt_price(sqrt_ratio_target_x96, "sqrtRatioTargetX96")?;
    let l = liquidity(liquidity_, "liquidity")?;
    let fee = fee_pips(fee_pips_)?;
    guard(|| {
        let step = v3::compute_swap_step(current, target, l, amount_remaining.magnitude, !amount_remaining.negative, fee)?;
        Ok(SwapStepResult {
            sqrt_ratio_next_x96: Uint256(step.sqrt_ratio_next_x96),
            amount_in: Uint256(step.amount_in),
            amount_out: Uint256(step.amount_out),
            fee_amount: Uint256(step.fee_amount),
        })
    })
}

/// An initialized tick: its index and the liquidity added when the price crosses it upward.
#[napi(object)]
pub struct TickLiquidity {
    /// Tick index, a multiple of the pool's spacing.
    pub tick: f64,
    /// Liquidity added crossing upward (removed crossing downward), an int128.
    pub liquidity_net: Int256,
}

impl ToNapiValue for SwapStepResult {
    unsafe fn to_napi_value(env: sys::napi_env, v: Self) -> napi::Result<sys::napi_value> {
        unsafe {
            plain_object(
                env,
                [
                    (c"sqrtRatioNextX96", bigint(env, v.sqrt_ratio_next_x96.0)?),
                    (c"amountIn", bigint(env, v.amount_in.0)?),
                    (c"amountOut", bigint(env, v.amount_out.0)?),
                    (c"feeAmount", bigint(env, v.fee_amount.0)?),
                ],
            )
        }
    }
}

/// The result of a whole v3 swap and the pool's state after it.
#[napi(object, object_to_js = false)]
pub struct V3SwapResult {
    /// Total paid to the pool, fees included.
    pub amount_in: Uint256,
    /// Total paid by the pool.
    pub amount_out: Uint256,
    /// Fees included in `amountIn`.
    pub fee_amount: Uint256,
    /// Sqrt price after the swap (Q64.96).
    pub sqrt_price_after: Uint256,
    /// Tick after the swap, as the pool stores it.
    pub tick_after: i32,
    /// In-range liquidity after the swap.
    pub liquidity_after: Uint256,
    /// Initialized ticks crossed.
    pub ticks_crossed: u32,
}

impl ToNapiValue for V3SwapResult {
    unsafe fn to_napi_value(env: sys::napi_env, v: Self) -> napi::Result<sys::napi_value> {
        unsafe {
            plain_object(
                env,
                [
                    (c"amountIn", bigint(env, v.amount_in.0)?),
                    (c"amountOut", bigint(env, v.amount_out.0)?),
                    (c"feeAmount", bigint(env, v.fee_amount.0)?),
                    (c"sqrtPriceAfter", bigint(env, v.sqrt_price_after.0)?),
                    (c"tickAfter", i32::to_napi_value(env, v.tick_after)?),
                    (c"liquidityAfter", bigint(env, v.liquidity_after.0)?),
                    (c"ticksCrossed", u32::to_napi_value(env, v.ticks_crossed)?),
                ],
            )
        }
    }
}

impl From<v3::SwapResult> for V3SwapResult {
    fn from(r: v3::SwapResult) -> Self {
        V3SwapResult {
            amount_in: Uint256(r.amount_in),
            amount_out: Uint256(r.amount_out),
            fee_amount: Uint256(r.fee_amount),
            sqrt_price_after: Uint256(r.sqrt_price_x96),
            tick_after: r.tick,
            liquidity_after: Uint256(U256::from(r.liquidity)),
            ticks_crossed: r.ticks_crossed,
        }
    }
}

fn price_limit(limit: Option<Uint256>) -> Result<Option<U256>> {
    limit.map(|l| sqrt_price(l, "sqrtPriceLimitX96")).transpose()
}

/// A Uniswap v3 pool held in native memory: its price, tick, in-range liquidity, fee and
/// initialized ticks. Quotes and swaps follow `UniswapV3Pool.swap` to the wei, including where
/// each step stops (next initialized tick or tick-bitmap word edge).
#[napi]
pub struct ConcentratedLiquidityPool {
    pool: v3::ConcentratedLiquidityPool,
}

#[napi]
impl ConcentratedLiquidityPool {
    /// A pool from its state: `sqrtPriceX96` (in [MIN_SQRT_RATIO, MAX_SQRT_RATIO)), in-range
    /// `liquidity`, `feePips` (1e-6, below 1e6), `tickSpacing` (1..16383) and the initialized
    /// ticks, which must be sorted, unique, multiples of the spacing, in range, and consistent
    /// (running sum of `liquidityNet` within uint128, zero in total, equal to `liquidity` at the
    /// current tick). `tick` defaults to `getTickAtSqrtRatio(sqrtPriceX96)`; pass the pool's
    /// `slot0.tick` when the price sits exactly on a tick crossed downward.
    #[napi(constructor)]
    pub fn new(
        sqrt_price_x96: Uint256,
        liquidity_: Uint256,
        fee_pips_: f64,
        tick_spacing: f64,
        ticks: Vec<TickLiquidity>,
        tick: Option<f64>,
    ) -> Result<Self> {
        let price = sqrt_price(sqrt_price_x96, "sqrtPriceX96")?;
        let l = liquidity(liquidity_, "liquidity")?;
        let fee = fee_pips(fee_pips_)?;
        let spacing = small_uint(tick_spacing, v3::pool::MAX_TICK_SPACING as u32, "tickSpacing")? as i32;
        let tick = tick.map(|t| tick_arg(t, "tick")).transpose()?;
        let mut list = Vec::with_capacity(ticks.len());
        for (i, t) in ticks.iter().enumerate() {
            let index = tick_arg(t.tick, &format!("ticks[{i}].tick"))?;
            let magnitude = i128::try_from(t.liquidity_net.magnitude)
                .map_err(|_| invalid(format!("ticks[{i}].liquidityNet exceeds int128")))?;
            let liquidity_net = if t.liquidity_net.negative { -magnitude } else { magnitude };
            list.push(v3::InitializedTick { index, liquidity_net });
        }
        guard(|| v3::ConcentratedLiquidityPool::new(price, l, fee, spacing, &list, tick).map(|pool| Self { pool }))
    }

    /// Current sqrt price (Q64.96).
    #[napi(getter)]
    pub fn sqrt_price_x96(&self) -> Uint256 {
        Uint256(self.pool.sqrt_price_x96())
    }

    /// Current tick, as the pool stores it.
    #[napi(getter)]
    pub fn tick(&self) -> i32 {
        self.pool.tick()
    }

    /// In-range liquidity.
    #[napi(getter)]
    pub fn liquidity(&self) -> Uint256 {
        Uint256(U256::from(self.pool.liquidity()))
    }

    /// Fee in pips (1e-6).
    #[napi(getter)]
    pub fn fee_pips(&self) -> u32 {
        self.pool.fee_pips()
    }

    /// Tick spacing.
    #[napi(getter)]
    pub fn tick_spacing(&self) -> i32 {
        self.pool.tick_spacing()
    }

    /// The initialized ticks, ascending.
    #[napi(getter)]
    pub fn ticks(&self) -> Vec<TickLiquidity> {
        self.pool
            .ticks()
            .map(|t| TickLiquidity {
                tick: t.index as f64,
                liquidity_net: Int256 { negative: t.liquidity_net < 0, magnitude: U256::from(t.liquidity_net.unsigned_abs()) },
            })
            .collect()
    }

    /// Quote for selling exactly `amountIn` of token0 (`zeroForOne`) or token1, stopping at
    /// `sqrtPriceLimitX96` if given (it must lie on the swap's side of the price:
    /// `PRICE_LIMIT` otherwise). The pool is unchanged; `amountIn` of the result is what was used.
    #[napi]
    pub fn quote_exact_in(&self, amount_in: Uint256, zero_for_one: bool, sqrt_price_limit_x96: Option<Uint256>) -> Result<V3SwapResult> {
        let limit = price_limit(sqrt_price_limit_x96)?;
        guard(|| self.pool.quote_exact_in(amount_in.0, zero_for_one, limit).map(V3SwapResult::from))
    }

    /// Only the output of selling exactly `amountIn`: the same swap as `quoteExactIn`, for callers
    /// (routers, quoters) that need the amount alone and not the pool state after it.
    #[napi]
    pub fn quote_amount_out(&self, amount_in: Uint256, zero_for_one: bool, sqrt_price_limit_x96: Option<Uint256>) -> Result<Uint256> {
        let limit = price_limit(sqrt_price_limit_x96)?;
        guard(|| self.pool.quote_exact_in(amount_in.0, zero_for_one, limit).map(|r| Uint256(r.amount_out)))
    }

    /// Quote for buying exactly `amountOut` of token1 (`zeroForOne`) or token0. Without a price
    /// limit the whole output must be available (`INSUFFICIENT_LIQUIDITY` otherwise, as the
    /// periphery's quoter); with one, a partial fill is returned as the pool gives it.
    #[napi]
    pub fn quote_exact_out(&self, amount_out: Uint256, zero_for_one: bool, sqrt_price_limit_x96: Option<Uint256>) -> Result<V3SwapResult> {
        let limit = price_limit(sqrt_price_limit_x96)?;
        guard(|| self.pool.quote_exact_out(amount_out.0, zero_for_one, limit).map(V3SwapResult::from))
    }

    /// Swaps exactly `amountIn` and moves the pool to the new state; `SLIPPAGE_EXCEEDED` when the
    /// output is below `minOut`, and then (as on any error) the pool is unchanged.
    #[napi]
    pub fn swap_exact_in(&mut self, amount_in: Uint256, zero_for_one: bool, min_out: Uint256, sqrt_price_limit_x96: Option<Uint256>) -> Result<V3SwapResult> {
        let limit = price_limit(sqrt_price_limit_x96)?;
        guard(|| self.pool.swap_exact_in(amount_in.0, zero_for_one, limit, min_out.0).map(V3SwapResult::from))
    }

    /// Swaps for exactly `amountOut` and moves the pool to the new state; `SLIPPAGE_EXCEEDED`
    /// when the input is above `maxIn`, and then (as on any error) the pool is unchanged.
    #[napi]
    pub fn swap_exact_out(&mut self, amount_out: Uint256, zero_for_one: bool, max_in: Uint256, sqrt_price_limit_x96: Option<Uint256>) -> Result<V3SwapResult> {
        let limit = price_limit(sqrt_price_limit_x96)?;
        guard(|| self.pool.swap_exact_out(amount_out.0, zero_for_one, limit, max_in.0).map(V3SwapResult::from))
    }

    /// Quotes many exact inputs (packed little-endian u128, two words each) from the current
    /// state in one call and returns the outputs packed the same way. Fails as a whole, naming
    /// the first bad index.
    #[napi]
    pub fn quote_exact_in_batch(&self, amounts_in: &[u64], zero_for_one: bool) -> Result<BigUint64Array> {
        guard_js(|| {
            let count = u128_count(amounts_in, "amountsIn")?;
            let mut out = vec![0u64; 2 * count];
            for i in 0..count {
                let amount = U256::from(read_u128(amounts_in, i));
                let quote = self
                    .pool
                    .quote_exact_in(amount, zero_for_one, None)
                    .map_err(|e| js_error(e.code(), format!("amountsIn[{i}]: {e}")))?;
                write_u128(&mut out, i, narrow_u128(quote.amount_out, "amount out")?);
            }
            Ok(BigUint64Array::new(out))
        })
    }
}

