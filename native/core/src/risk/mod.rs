//! Risk maths in f64: for measuring risk, never for moving money.
//!
//! | module | what |
//! |---|---|
//! | [`ewma`] | RiskMetrics exponentially weighted variance and covariance |
//! | [`var`] | Value at Risk and Expected Shortfall: historical, delta-normal, tails that merge exactly |
//! | [`montecarlo`] | Cholesky factor and correlated Monte Carlo losses, seeded and shardable |
//! | [`backtest`] | Kupiec POF, Christoffersen independence and conditional coverage, Basel traffic light |
//! | [`scan`] | health factors, liquidation candidates and stress scans over columnar account tables |

pub mod backtest;
pub mod ewma;
pub mod montecarlo;
pub mod scan;
pub mod var;

use crate::{Error, Result};

/// Checks a confidence level is strictly inside (0, 1).
pub(crate) fn check_confidence(confidence: f64) -> Result<()> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(Error::invalid(format!("confidence must be in (0, 1), got {confidence}")));
    }
    Ok(())
}

/// Checks every value is finite, naming the first that is not.
pub(crate) fn check_finite(values: &[f64], what: &str) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::invalid(format!("{what}[{i}] is not a finite number ({})", values[i]))),
        None => Ok(()),
    }
}
