//! Concentrated liquidity, integer-exact to Uniswap v3-core.
//!
//! | module | reference |
//! |---|---|
//! | [`full_math`] | `FullMath.mulDiv` / `mulDivRoundingUp`, `UnsafeMath.divRoundingUp` |
//! | [`tick_math`] | `TickMath.getSqrtRatioAtTick` / `getTickAtSqrtRatio` |
//! | [`sqrt_price_math`] | `SqrtPriceMath` (next price from amounts, amount deltas) |
//! | [`swap_math`] | `SwapMath.computeSwapStep` |
//! | [`pool`] | `UniswapV3Pool.swap` over a sorted list of initialized ticks |
//!
//! Sqrt prices are Q64.96 (`uint160`) in a [`U256`](crate::U256), liquidity is `u128`, fees are
//! in pips (1e-6). Inputs round up and outputs down, as on chain.

pub mod full_math;
pub mod pool;
pub mod sqrt_price_math;
pub mod swap_math;
pub mod tick_math;

pub use full_math::{mul_div, mul_div_rounding_up};
pub use pool::{ConcentratedLiquidityPool, InitializedTick, SwapResult};
pub use sqrt_price_math::{get_amount0_delta, get_amount1_delta, get_next_sqrt_price_from_input, get_next_sqrt_price_from_output};
pub use swap_math::{compute_swap_step, SwapStep, PIPS};
pub use tick_math::{get_sqrt_ratio_at_tick, get_tick_at_sqrt_ratio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK};
