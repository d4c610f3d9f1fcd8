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

/// Shorthands shared by the AMM modules' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::U256;

    /// 10^18, one token of 18 decimals.
    pub const E18: u128 = 1_000_000_000_000_000_000;

    /// A U256 from a u128.
    pub fn u(v: u128) -> U256 {
        U256::from(v)
    }

    /// A U256 from a decimal string (for values beyond u128).
    pub fn dec(v: &str) -> U256 {
        U256::from_str_radix(v, 10).expect("a decimal integer")
    }
}
