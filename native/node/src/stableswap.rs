//! Bindings for amplified (Curve StableSwap) maths, 2 to 4 coins.

use crate::convert::{
    from_core, guard, guard_js, invalid, js_error, narrow_u128, read_u128, small_uint, u128_count, write_u128, Result,
    Uint256,
};
use fluxion_core::amm::stableswap::{self as ss, Amplification, PoolParams, Variant};
use fluxion_core::U256;
use napi::bindgen_prelude::BigUint64Array;
use napi_derive::napi;

/// Parameters of a StableSwap pool, as its contract stores them.
#[napi(object)]
pub struct StableSwapParams {
    /// A · A_PRECISION, what the contract feeds get_D (Curve's `A_precise()`; for the 3pool and
    /// PancakeSwap, A itself).
    pub amp: Uint256,
    /// A_PRECISION: 100 for `curve-template` (the default there), 1 for `curve-3pool` and
    /// `pancakeswap` (their default).
    pub a_precision: Option<f64>,
    /// Swap fee in 1e-10 units (4e6 = 0.04 %), at most 5e9 (Curve's MAX_FEE). Default 0.
    pub fee: Option<f64>,
    /// Admin share of the fee in 1e-10 units, at most 1e10; it leaves the pool on each swap. Default 0.
    pub admin_fee: Option<f64>,
    /// Which contract to match to the wei (default `curve-template`): `curve-3pool`
    /// (StableSwap3Pool.vy), `curve-template` (SwapTemplateBase.vy / NG with a static fee) or
    /// `pancakeswap` (@pancakeswap/stable-swap-sdk, whose get_D divides by x·n + 1).
    #[napi(ts_type = "'curve-3pool' | 'curve-template' | 'pancakeswap'")]
    pub variant: Option<String>,
}

/// Parses a fee-like JS number: a non-negative integer up to `max` (which may exceed u32).
fn fee_units(value: Option<f64>, max: u64, what: &str) -> Result<u64> {
    let value = value.unwrap_or(0.0);
    if !(value.is_finite() && value.fract() == 0.0 && value >= 0.0 && value <= max as f64) {
        return Err(invalid(format!("{what} must be an integer in [0, {max}], got {value}")));
    }
    Ok(value as u64)
}

fn parse_params(params: &StableSwapParams) -> Result<PoolParams> {
    let variant = Variant::from_name(params.variant.as_deref().unwrap_or("curve-template")).map_err(from_core)?;
    let default_precision = if variant == Variant::CurveTemplate { 100.0 } else { 1.0 };
    let max_precision = ss::MAX_A_PRECISION as u32;
    let a_precision = small_uint(params.a_precision.unwrap_or(default_precision), max_precision, "aPrecision")?;
    let fee = fee_units(params.fee, ss::MAX_FEE, "fee")?;
    let admin_fee = fee_units(params.admin_fee, ss::MAX_ADMIN_FEE, "adminFee")?;
    let amp = Amplification::new(params.amp.0, a_precision as u64).map_err(from_core)?;
    PoolParams::new(amp, fee, admin_fee, variant).map_err(from_core)
}

fn index(value: f64, what: &str) -> Result<usize> {
    small_uint(value, (ss::MAX_COINS - 1) as u32, what).map(|v| v as usize)
}

fn words(values: &[Uint256]) -> Vec<U256> {
    values.iter().map(|v| v.0).collect()
}

/// The invariant D of normalised balances `xp` (each balance · rate / 1e18), as Curve's `get_D`:
/// Newton's method bounded at 255 iterations (`NO_CONVERGENCE` beyond).
#[napi]
pub fn stableswap_get_d(xp: Vec<Uint256>, params: StableSwapParams) -> Result<Uint256> {
    let p = parse_params(&params)?;
    guard(|| ss::get_d(&words(&xp), p.amp, p.variant).map(Uint256))
}

/// The normalised balance of coin `j` after coin `i`'s is set to `x`, holding D (Curve's `get_y`).
#[napi]
pub fn stableswap_get_y(i: f64, j: f64, x: Uint256, xp: Vec<Uint256>, params: StableSwapParams) -> Result<Uint256> {
    let p = parse_params(&params)?;
    let (i, j) = (index(i, "i")?, index(j, "j")?);
    guard(|| ss::get_y(i, j, x.0, &words(&xp), p.amp, p.variant).map(Uint256))
}

/// Output of selling `dx` of coin `i` for coin `j` as the contract's `get_dy` view computes it
/// (balances in token units, rates normalising each coin to 1e18). For `curve-3pool` this is the
/// 3pool's view, which can be a wei off its `exchange` (curve-contract issue 51);
/// `StableSwapPool.quoteExactIn` gives what `exchange` pays.
#[napi]
pub fn stableswap_get_dy(
    i: f64,
    j: f64,
    dx: Uint256,
    balances: Vec<Uint256>,
    rates: Vec<Uint256>,
    params: StableSwapParams,
) -> Result<Uint256> {
    let p = parse_params(&params)?;
    let (i, j) = (index(i, "i")?, index(j, "j")?);
    guard(|| ss::get_dy(i, j, dx.0, &words(&balances), &words(&rates), &p).map(Uint256))
}

/// Input of coin `i` estimated to buy `dy` of coin `j`, as Curve NG's `get_dx` view (static fee).
/// An estimate like the reference's; `StableSwapPool.quoteExactOut` gives the smallest input that
/// really pays `dy`.
#[napi]
pub fn stableswap_get_dx(
    i: f64,
    j: f64,
    dy: Uint256,
    balances: Vec<Uint256>,
    rates: Vec<Uint256>,
    params: StableSwapParams,
) -> Result<Uint256> {
    let p = parse_params(&params)?;
    let (i, j) = (index(i, "i")?, index(j, "j")?);
    guard(|| ss::get_dx(i, j, dy.0, &words(&balances), &words(&rates), &p).map(Uint256))
}

/// A StableSwap pool (2 to 4 coins) held in native memory: quote and swap without resending state.
/// Swaps move balances exactly as the contract's `exchange` does, admin fee included.
#[napi]
pub struct StableSwapPool {
    pool: ss::StableSwapPool,
}

#[napi]
impl StableSwapPool {
    /// A pool from balances in token units and rates (`1e18 · 10^(18 − decimals)`, or an oracle
    /// rate), equal lengths of 2 to 4, all positive, and its parameters.
    #[napi(constructor)]
    pub fn new(balances: Vec<Uint256>, rates: Vec<Uint256>, params: StableSwapParams) -> Result<Self> {
        let p = parse_params(&params)?;
        guard(|| ss::StableSwapPool::new(&words(&balances), &words(&rates), p).map(|pool| Self { pool }))
    }

    /// Balances in token units.
    #[napi(getter)]
    pub fn balances(&self) -> Vec<Uint256> {
        self.pool.balances().iter().map(|b| Uint256(*b)).collect()
    }

    /// Rates normalising each coin to 1e18.
    #[napi(getter)]
    pub fn rates(&self) -> Vec<Uint256> {
        self.pool.rates().iter().map(|r| Uint256(*r)).collect()
    }

    /// A · A_PRECISION.
    #[napi(getter)]
    pub fn amp(&self) -> Uint256 {
        Uint256(self.pool.params().amp.amp)
    }

    /// A_PRECISION.
    #[napi(getter)]
    pub fn a_precision(&self) -> u32 {
        self.pool.params().amp.a_precision.to::<u32>()
    }

    /// Swap fee in 1e-10 units.
    #[napi(getter)]
    pub fn fee(&self) -> f64 {
        self.pool.params().fee as f64
    }

    /// Admin share of the fee in 1e-10 units.
    #[napi(getter)]
    pub fn admin_fee(&self) -> f64 {
        self.pool.params().admin_fee as f64
    }

    /// The contract this pool matches: `curve-3pool`, `curve-template` or `pancakeswap`.
    #[napi(getter, ts_return_type = "'curve-3pool' | 'curve-template' | 'pancakeswap'")]
    pub fn variant(&self) -> String {
        self.pool.params().variant.name().to_string()
    }

    /// Number of coins.
    #[napi(getter)]
    pub fn coin_count(&self) -> u32 {
        self.pool.coin_count() as u32
    }

    /// The invariant D of the current balances.
    #[napi]
    pub fn invariant(&self) -> Result<Uint256> {
        guard(|| self.pool.invariant().map(Uint256))
    }

    /// Output of selling `dx` of coin `i` for coin `j`, exactly what the contract's `exchange`
    /// pays; the pool is unchanged.
    #[napi]
    pub fn quote_exact_in(&self, i: f64, j: f64, dx: Uint256) -> Result<Uint256> {
        let (i, j) = (index(i, "i")?, index(j, "j")?);
        guard(|| self.pool.quote_exact_in(i, j, dx.0).map(Uint256))
    }

    /// The smallest input of coin `i` whose exchange pays at least `dy` of coin `j`; the pool is
    /// unchanged.
    #[napi]
    pub fn quote_exact_out(&self, i: f64, j: f64, dy: Uint256) -> Result<Uint256> {
        let (i, j) = (index(i, "i")?, index(j, "j")?);
        guard(|| self.pool.quote_exact_out(i, j, dy.0).map(Uint256))
    }

    /// Quotes many exact inputs of coin `i` for coin `j` (packed little-endian u128, two words per
    /// amount) against the current state, computing D once. Fails as a whole, naming the first
    /// bad index.
    #[napi]
    pub fn quote_exact_in_batch(&self, i: f64, j: f64, amounts_in: &[u64]) -> Result<BigUint64Array> {
        let (i, j) = (index(i, "i")?, index(j, "j")?);
        guard_js(|| {
            let count = u128_count(amounts_in, "amountsIn")?;
            let quoter = self.pool.quoter().map_err(from_core)?;
            let mut out = vec![0u64; 2 * count];
            for k in 0..count {
                let dx = U256::from(read_u128(amounts_in, k));
                let dy = quoter
                    .quote_exact_in(i, j, dx)
                    .map_err(|e| js_error(e.code(), format!("amountsIn[{k}]: {e}")))?;
                write_u128(&mut out, k, narrow_u128(dy, "amount out")?);
            }
            Ok(BigUint64Array::new(out))
        })
    }

    /// Swaps `dx` of coin `i` for coin `j` as `exchange` does and returns the output, which equals
    /// `quoteExactIn`; `SLIPPAGE_EXCEEDED` below `minDy`, and then the pool is unchanged.
    #[napi]
    pub fn swap_exact_in(&mut self, i: f64, j: f64, dx: Uint256, min_dy: Uint256) -> Result<Uint256> {
        let (i, j) = (index(i, "i")?, index(j, "j")?);
        guard(|| self.pool.swap_exact_in(i, j, dx.0, min_dy.0).map(Uint256))
    }

    /// Buys at least `dy` of coin `j` with the input `quoteExactOut` gives, executed as
    /// `exchange(i, j, dx)` (the trader receives `quoteExactIn(dx) ≥ dy`); returns `dx`.
    /// `SLIPPAGE_EXCEEDED` above `maxDx`, and then the pool is unchanged.
    #[napi]
    pub fn swap_exact_out(&mut self, i: f64, j: f64, dy: Uint256, max_dx: Uint256) -> Result<Uint256> {
        let (i, j) = (index(i, "i")?, index(j, "j")?);
        guard(|| self.pool.swap_exact_out(i, j, dy.0, max_dx.0).map(Uint256))
    }
}
