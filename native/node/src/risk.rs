//! Bindings for the risk core: VaR/ES, EWMA, Monte Carlo, backtests and account scans.
//! Bulk data crosses as typed arrays (Float64Array columns, possibly views of a SharedArrayBuffer).

use crate::convert::{guard, invalid, Result};
use fluxion_core::risk::{backtest, ewma, montecarlo, scan, var};
use napi::bindgen_prelude::{Float64Array, Uint32Array};
use napi_derive::napi;
use std::sync::atomic::AtomicU32;

/// A Value at Risk and Expected Shortfall pair, both as positive losses.
#[napi(object)]
pub struct VarEs {
    pub var: f64,
    pub es: f64,
}

impl From<var::VarEs> for VarEs {
    fn from(v: var::VarEs) -> Self {
        VarEs { var: v.var, es: v.es }
    }
}

/// Historical VaR and ES of a P&L sample (gains positive) at `confidence` in (0, 1):
/// k = ⌈n(1 − α)⌉, VaR the k-th largest loss, ES the mean of the k largest.
#[napi]
pub fn historical_var_es(pnl: &[f64], confidence: f64) -> Result<VarEs> {
    guard(|| var::historical(pnl, confidence).map(Into::into))
}

/// VaR and ES of a zero-mean normal loss with standard deviation `sigma`.
#[napi]
pub fn normal_var_es(sigma: f64, confidence: f64) -> Result<VarEs> {
    guard(|| var::normal(sigma, confidence).map(Into::into))
}

/// Delta-normal VaR and ES: z·√(wᵀΣw)·√h for exposures `w`, a daily row-major covariance and a
/// horizon in days.
#[napi]
pub fn delta_normal_var_es(exposures: &[f64], covariance: &[f64], confidence: f64, horizon_days: f64) -> Result<VarEs> {
    guard(|| var::delta_normal(exposures, covariance, confidence, horizon_days).map(Into::into))
}

/// Standard normal quantile (inverse CDF).
#[napi]
pub fn normal_quantile(p: f64) -> Result<f64> {
    if !(p > 0.0 && p < 1.0) {
        return Err(invalid(format!("p must be in (0, 1), got {p}")));
    }
    Ok(var::normal_quantile(p))
}

/// How many of `n` outcomes lie in the tail at `confidence`: ⌈n(1 − α)⌉, at least 1.
#[napi]
pub fn tail_count(n: u32, confidence: f64) -> Result<u32> {
    guard(|| var::tail_count(n as usize, confidence).map(|k| k as u32))
}

/// VaR and ES from shard tails (each a shard's k largest losses): exactly the full-sample answer.
#[napi]
pub fn var_es_from_tails(tails: Vec<Float64Array>, outcomes: f64, confidence: f64) -> Result<VarEs> {
    let n = count(outcomes, "outcomes")?;
    let refs: Vec<&[f64]> = tails.iter().map(|t| t.as_ref()).collect();
    guard(|| montecarlo::var_es_from_shards(&refs, n, confidence).map(Into::into))
}

fn count(value: f64, what: &str) -> Result<u64> {
    if !(value.is_finite() && value.fract() == 0.0 && value >= 0.0 && value <= 2f64.powi(53)) {
        return Err(invalid(format!("{what} must be a non-negative safe integer, got {value}")));
    }
    Ok(value as u64)
}

/// RiskMetrics EWMA variance forecasts: `out[t]` uses returns up to t − 1; `out[0]` is the
/// initial variance.
#[napi]
pub fn ewma_variance_forecasts(returns: &[f64], lambda: f64, initial_variance: f64) -> Result<Float64Array> {
    guard(|| ewma::variance_forecasts(returns, lambda, initial_variance).map(Float64Array::new))
}

/// EWMA covariance (row-major n × n) after all observations of `returns` (row-major periods × n).
#[napi]
pub fn ewma_covariance(returns: &[f64], assets: u32, lambda: f64, initial: Option<&[f64]>) -> Result<Float64Array> {
    guard(|| ewma::covariance(returns, assets as usize, lambda, initial).map(Float64Array::new))
}

/// Lower-triangular Cholesky factor (row-major) of a symmetric positive-definite matrix;
/// `NOT_POSITIVE_DEFINITE` otherwise.
#[napi]
pub fn cholesky(covariance: &[f64], n: u32) -> Result<Float64Array> {
    guard(|| montecarlo::cholesky(covariance, n as usize).map(Float64Array::new))
}

/// Monte Carlo paths per generator block: shards that start on a multiple skip no work.
#[napi]
pub const MONTE_CARLO_BLOCK_PATHS: u32 = montecarlo::BLOCK_PATHS as u32;

/// Correlated Monte Carlo over a portfolio: r = μ + Lz, seeded and shardable. A path's numbers
/// depend only on the seed and its index, so any split across workers gives the same answer.
#[napi]
pub struct MonteCarloModel {
    model: montecarlo::Model,
}

#[napi]
impl MonteCarloModel {
    /// Exposures (position values), mean returns and covariance of returns over the horizon;
    /// `revaluation` is `"linear"` (loss = −Σwr, default) or `"exponential"` (loss = −Σw(eʳ − 1)).
    #[napi(constructor)]
    pub fn new(exposures: &[f64], mean: &[f64], covariance: &[f64], revaluation: Option<String>) -> Result<Self> {
        let revaluation = match revaluation.as_deref() {
            None | Some("linear") => montecarlo::Revaluation::Linear,
            Some("exponential") => montecarlo::Revaluation::Exponential,
            Some(other) => return Err(invalid(format!("revaluation must be \"linear\" or \"exponential\", got {other:?}"))),
        };
        guard(|| montecarlo::Model::new(exposures, mean, covariance, revaluation).map(|model| Self { model }))
    }

    /// Number of assets.
    #[napi(getter)]
    pub fn assets(&self) -> u32 {
        self.model.assets() as u32
    }

    /// VaR and ES over `paths` paths in this thread.
    #[napi]
    pub fn var_es(&self, seed: i64, paths: f64, confidence: f64) -> Result<VarEs> {
        let paths = count(paths, "paths")?;
        guard(|| self.model.var_es(seed as u64, paths, confidence).map(Into::into))
    }

    /// The `k` largest losses of paths `firstPath .. firstPath + paths` (one worker's shard).
    #[napi]
    pub fn shard_tail(&self, seed: i64, first_path: f64, paths: f64, k: u32) -> Result<Float64Array> {
        let (first, paths) = (count(first_path, "firstPath")?, count(paths, "paths")?);
        if paths > 1 << 31 {
            return Err(invalid("a shard holds at most 2^31 paths"));
        }
        guard(|| Ok(Float64Array::new(self.model.shard_tail(seed as u64, first, paths, k as usize))))
    }

    /// The `k` largest losses of the paths this thread claims from a run of `paths` paths shared
    /// with other threads. `nextBlock` is a one-element Uint32Array over a SharedArrayBuffer, 0 at
    /// the start of the run and the same for every thread of it: each thread takes the next
    /// generator block (MONTE_CARLO_BLOCK_PATHS paths) from it until none is left, so faster
    /// threads do more of the run. The tails of all threads merge (`varEsFromTails`) into exactly
    /// the single-thread answer.
    #[napi]
    pub fn claim_tail(&self, seed: i64, paths: f64, k: u32, next_block: Uint32Array) -> Result<Float64Array> {
        let paths = count(paths, "paths")?;
        // Claims past the end stay far below 2^32, so the cursor cannot wrap round to block 0.
        if paths > 1 << 43 {
            return Err(invalid("a claimed run holds at most 2^43 paths"));
        }
        if next_block.is_empty() {
            return Err(invalid("nextBlock must hold one element"));
        }
        // SAFETY: a typed array's element is aligned for its type, and napi keeps the buffer
        // alive for this call. Other threads touch the cursor only through atomic operations (this
        // function, or JS `Atomics`), which is what `AtomicU32::from_ptr` requires.
        let cursor = unsafe { AtomicU32::from_ptr(next_block.as_ptr() as *mut u32) };
        guard(|| Ok(Float64Array::new(self.model.claim_tail(seed as u64, paths, k as usize, cursor))))
    }

    /// Writes the losses of paths `firstPath .. firstPath + out.length` into `out`.
    #[napi]
    pub fn simulate(&self, seed: i64, first_path: f64, mut out: Float64Array) -> Result<()> {
        let first = count(first_path, "firstPath")?;
        // SAFETY: see `writable`.
        let out = unsafe { writable(&mut out) };
        guard(|| {
            self.model.simulate(seed as u64, first, out);
            Ok(())
        })
    }
}

/// A likelihood-ratio test result.
#[napi(object)]
pub struct LikelihoodRatio {
    pub lr: f64,
    pub p_value: f64,
    /// Degrees of freedom of the χ² reference distribution.
    pub dof: u32,
}

impl From<backtest::LikelihoodRatio> for LikelihoodRatio {
    fn from(r: backtest::LikelihoodRatio) -> Self {
        LikelihoodRatio { lr: r.lr, p_value: r.p_value, dof: r.dof }
    }
}

/// Kupiec proportion-of-failures test: `exceptions` in `observations` at probability `p`.
#[napi]
pub fn kupiec_pof(observations: f64, exceptions: f64, p: f64) -> Result<LikelihoodRatio> {
    let (n, x) = (count(observations, "observations")?, count(exceptions, "exceptions")?);
    guard(|| backtest::kupiec_pof(n, x, p).map(Into::into))
}

/// Christoffersen independence test result with its transition counts.
#[napi(object)]
pub struct IndependenceTest {
    pub lr: f64,
    pub p_value: f64,
    pub dof: u32,
    pub n00: u32,
    pub n01: u32,
    pub n10: u32,
    pub n11: u32,
}

/// Christoffersen independence test over exception flags (non-zero = exception).
#[napi]
pub fn christoffersen_independence(exceptions: &[u8]) -> Result<IndependenceTest> {
    let flags: Vec<bool> = exceptions.iter().map(|e| *e != 0).collect();
    guard(|| {
        let (r, t) = backtest::christoffersen_independence(&flags)?;
        Ok(IndependenceTest { lr: r.lr, p_value: r.p_value, dof: r.dof, n00: t.n00 as u32, n01: t.n01 as u32, n10: t.n10 as u32, n11: t.n11 as u32 })
    })
}

/// Christoffersen conditional coverage (POF + independence, χ²₂).
#[napi]
pub fn conditional_coverage(exceptions: &[u8], p: f64) -> Result<LikelihoodRatio> {
    let flags: Vec<bool> = exceptions.iter().map(|e| *e != 0).collect();
    guard(|| backtest::conditional_coverage(&flags, p).map(Into::into))
}

/// A Basel traffic-light zone with the binomial CDF that decides it.
#[napi(object)]
pub struct TrafficLight {
    /// "green", "yellow" or "red".
    pub zone: String,
    pub cumulative_probability: f64,
}

/// Basel traffic light: green while F(x) < 95 %, red once F(x) ≥ 99.99 %.
#[napi]
pub fn traffic_light(observations: f64, exceptions: f64, p: f64) -> Result<TrafficLight> {
    let (n, x) = (count(observations, "observations")?, count(exceptions, "exceptions")?);
    guard(|| backtest::traffic_light(n, x, p).map(|(z, cdf)| TrafficLight { zone: z.as_str().into(), cumulative_probability: cdf }))
}

/// Prices and risk parameters of the assets in an account table.
#[napi(object)]
pub struct ScanMarket {
    pub collateral_prices: Float64Array,
    /// Liquidation thresholds in (0, 1].
    pub liquidation_thresholds: Float64Array,
    pub debt_prices: Float64Array,
}

impl ScanMarket {
    fn view(&self) -> scan::Market<'_> {
        scan::Market {
            collateral_prices: self.collateral_prices.as_ref(),
            liquidation_thresholds: self.liquidation_thresholds.as_ref(),
            debt_prices: self.debt_prices.as_ref(),
        }
    }
}

/// The output array as a mutable slice.
///
/// # Safety
/// JS cannot run while this synchronous call does; another worker may share the buffer, but each
/// writes only its own shard's range, so no two writers touch the same element.
unsafe fn writable(out: &mut Float64Array) -> &mut [f64] {
    unsafe { out.as_mut() }
}

fn columns(cols: &[Float64Array]) -> Vec<&[f64]> {
    cols.iter().map(|c| c.as_ref()).collect()
}

/// Writes each account's health factor (Aave: Σ C·P·LT / Σ D·P; Infinity without debt) into
/// `out`. Columns are one Float64Array per asset, e.g. views of a SharedArrayBuffer.
#[napi]
pub fn health_factors(collateral: Vec<Float64Array>, debt: Vec<Float64Array>, market: ScanMarket, mut out: Float64Array) -> Result<()> {
    let (c, d) = (columns(&collateral), columns(&debt));
    // SAFETY: see `writable`.
    let out = unsafe { writable(&mut out) };
    guard(|| scan::health_factors(&scan::Accounts { collateral: &c, debt: &d }, &market.view(), out))
}

/// Liquidation rules (Aave v3.3 style).
#[napi(object)]
pub struct LiquidationRules {
    /// Share of a debt one liquidation may repay (0.5).
    pub close_factor: f64,
    /// At or below this health factor the whole debt may be repaid (0.95).
    pub full_close_health_factor: f64,
    /// Positions whose debt and collateral values are both below this may be closed in full.
    pub small_position_value: f64,
    /// No liquidation may leave debt or collateral worth less than this unless one is cleared.
    pub min_leftover_value: f64,
}

/// Liquidation candidates as columns (one entry per unsafe account).
#[napi(object)]
pub struct LiquidationCandidates {
    pub account: Uint32Array,
    pub health_factor: Float64Array,
    pub debt_asset: Uint32Array,
    pub collateral_asset: Uint32Array,
    pub debt_to_cover: Float64Array,
    pub collateral_to_seize: Float64Array,
    pub bonus_value: Float64Array,
}

/// Every account with HF < 1 and the largest liquidation the rules allow on it (largest debt
/// against largest collateral, close factor, bonus, no dust). `firstAccount` offsets the reported
/// indices when the columns are one shard of a larger table.
#[napi]
pub fn liquidation_candidates(
    collateral: Vec<Float64Array>,
    debt: Vec<Float64Array>,
    market: ScanMarket,
    bonuses: &[f64],
    rules: LiquidationRules,
    first_account: Option<u32>,
) -> Result<LiquidationCandidates> {
    let (c, d) = (columns(&collateral), columns(&debt));
    let rules = scan::LiquidationRules {
        close_factor: rules.close_factor,
        full_close_health_factor: rules.full_close_health_factor,
        small_position_value: rules.small_position_value,
        min_leftover_value: rules.min_leftover_value,
    };
    let offset = first_account.unwrap_or(0);
    guard(|| {
        let found = scan::liquidation_candidates(&scan::Accounts { collateral: &c, debt: &d }, &market.view(), bonuses, &rules)?;
        let col = |f: &dyn Fn(&scan::LiquidationCandidate) -> f64| Float64Array::new(found.iter().map(f).collect());
        let idx = |f: &dyn Fn(&scan::LiquidationCandidate) -> u32| Uint32Array::new(found.iter().map(f).collect());
        Ok(LiquidationCandidates {
            account: idx(&|c| c.account as u32 + offset),
            health_factor: col(&|c| c.health_factor),
            debt_asset: idx(&|c| c.debt_asset as u32),
            collateral_asset: idx(&|c| c.collateral_asset as u32),
            debt_to_cover: col(&|c| c.debt_to_cover),
            collateral_to_seize: col(&|c| c.collateral_to_seize),
            bonus_value: col(&|c| c.bonus_value),
        })
    })
}

/// Accounts whose debt value in some asset exceeds its limit, with the first asset breached.
#[napi(object)]
pub struct PositionLimitBreaches {
    pub account: Uint32Array,
    pub asset: Uint32Array,
}

/// Position-limit scan: accounts whose debt value in any asset exceeds that asset's limit.
#[napi]
pub fn position_limit_breaches(debt: Vec<Float64Array>, debt_prices: &[f64], limits: &[f64]) -> Result<PositionLimitBreaches> {
    let d = columns(&debt);
    guard(|| {
        let found = scan::position_limit_breaches(&scan::Accounts { collateral: &[], debt: &d }, debt_prices, limits)?;
        Ok(PositionLimitBreaches {
            account: Uint32Array::new(found.iter().map(|(a, _)| *a as u32).collect()),
            asset: Uint32Array::new(found.iter().map(|(_, s)| *s as u32).collect()),
        })
    })
}

/// Per scenario of a stress scan: accounts with HF < 1, insolvent accounts and the shortfall.
#[napi(object)]
pub struct StressOutcomes {
    pub unsafe_accounts: Float64Array,
    pub insolvent_accounts: Float64Array,
    pub shortfall: Float64Array,
}

/// Stress scan: `shocks` is row-major scenarios × (collateral + debt) relative price moves
/// (−0.2 = a 20 % fall), collateral assets first. Each account is read once for all scenarios.
#[napi]
pub fn stress_scan(collateral: Vec<Float64Array>, debt: Vec<Float64Array>, market: ScanMarket, shocks: &[f64]) -> Result<StressOutcomes> {
    let (c, d) = (columns(&collateral), columns(&debt));
    let width = c.len() + d.len();
    if width == 0 || shocks.len() % width != 0 {
        return Err(invalid(format!("shocks length {} is not a multiple of the asset count {width}", shocks.len())));
    }
    let mut out = vec![scan::StressOutcome::default(); shocks.len() / width];
    guard(|| {
        scan::stress(&scan::Accounts { collateral: &c, debt: &d }, &market.view(), shocks, &mut out)?;
        Ok(StressOutcomes {
            unsafe_accounts: Float64Array::new(out.iter().map(|o| o.unsafe_accounts as f64).collect()),
            insolvent_accounts: Float64Array::new(out.iter().map(|o| o.insolvent_accounts as f64).collect()),
            shortfall: Float64Array::new(out.iter().map(|o| o.shortfall).collect()),
        })
    })
}
