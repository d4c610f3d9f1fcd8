//! AMM curves, each integer-exact to its on-chain reference.
//!
//! | module | reference |
//! |---|---|
//! | [`v2`] | Uniswap v2 `UniswapV2Library` |
//! | [`v3`] | Uniswap v3-core `FullMath`, `TickMath`, `SqrtPriceMath`, `SwapMath`, `UniswapV3Pool.swap` |
//! | [`stableswap`] | Curve `StableSwap3Pool.vy` and the A_PRECISION templates |
//! | [`pmm`] | DODO V2 `PMMPricing` / `DODOMath` |
//! | [`impact`] | price impact against mid and oracle; slippage bounds |
//! | [`fees`] | dynamic fees: Curve v2, Trader Joe volatility accumulator, GMX v2 imbalance impact |

pub mod fees;
pub mod impact;
pub mod pmm;
pub mod stableswap;
pub mod v2;
pub mod v3;
