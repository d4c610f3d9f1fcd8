//! Bindings for price impact, slippage bounds and GMX v2 imbalance impact.

use crate::convert::{guard, small_uint, Int256, Result, Uint256};
use fluxion_core::amm::impact::{self, Signed};
use napi_derive::napi;

fn bps(value: f64) -> Result<u32> {
    small_uint(value, impact::BPS, "slippageBps")
}

fn to_js(s: Signed) -> Int256 {
    Int256 { negative: s.negative, magnitude: s.magnitude }
}

fn from_js(s: Int256) -> Signed {
    Signed::new(s.negative, s.magnitude)
}

/// Smallest acceptable output for a slippage tolerance in bps (0–10 000):
/// `ceil(expectedOut · (10000 − bps) / 10000)` — exact: accepts every output within tolerance and
/// none outside it.
#[napi]
pub fn min_out_for_slippage(expected_out: Uint256, slippage_bps: f64) -> Result<Uint256> {
    let bps = bps(slippage_bps)?;
    guard(|| impact::min_out_for_slippage(expected_out.0, bps).map(Uint256))
}

/// Largest acceptable input for a slippage tolerance in bps (0–10 000):
/// `floor(expectedIn · (10000 + bps) / 10000)`.
#[napi]
pub fn max_in_for_slippage(expected_in: Uint256, slippage_bps: f64) -> Result<Uint256> {
    let bps = bps(slippage_bps)?;
    guard(|| impact::max_in_for_slippage(expected_in.0, bps).map(Uint256))
}

/// Price impact of a fill against a reference price (quote per base, 1e18: a pool's mid price or
/// an oracle price), as a signed 1e18 fraction: value received / fair value paid − 1. Negative is a
/// cost; rounded toward −∞. `inputIsBase`: the trader paid base and received quote.
#[napi]
pub fn price_impact(amount_in: Uint256, amount_out: Uint256, reference_price: Uint256, input_is_base: bool) -> Result<Int256> {
    guard(|| impact::price_impact(amount_in.0, amount_out.0, reference_price.0, input_is_base).map(to_js))
}

/// GMX `Precision.applyExponentFactor`: `value^exponent` in 1e30 fixed point, exact (PRB-math
/// v2 `pow`); values below 1e30 give 0.
#[napi]
pub fn gmx_apply_exponent_factor(float_value: Uint256, exponent_factor: Uint256) -> Result<Uint256> {
    guard(|| impact::apply_exponent_factor(float_value.0, exponent_factor.0).map(Uint256))
}

/// GMX `PricingUtils.applyImpactFactor`: `factor · diff^exponent` (all 1e30).
#[napi]
pub fn gmx_apply_impact_factor(diff_usd: Uint256, impact_factor: Uint256, exponent_factor: Uint256) -> Result<Uint256> {
    guard(|| impact::apply_impact_factor(diff_usd.0, impact_factor.0, exponent_factor.0).map(Uint256))
}

/// GMX v2 swap price impact in USD (1e30, signed) for a two-token pool: USD value of each side,
/// signed USD change of each, positive / negative impact factors (positive capped at negative) and
/// the exponent factor. Same-side and crossover cases as `SwapPricingUtils._getPriceImpactUsd`.
#[napi]
pub fn gmx_swap_price_impact_usd(
    pool_usd_a: Uint256,
    pool_usd_b: Uint256,
    delta_usd_a: Int256,
    delta_usd_b: Int256,
    positive_factor: Uint256,
    negative_factor: Uint256,
    exponent_factor: Uint256,
) -> Result<Int256> {
    guard(|| {
        impact::swap_price_impact_usd(
            pool_usd_a.0,
            pool_usd_b.0,
            from_js(delta_usd_a),
            from_js(delta_usd_b),
            positive_factor.0,
            negative_factor.0,
            exponent_factor.0,
        )
        .map(to_js)
    })
}
