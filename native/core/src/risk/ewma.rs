//! RiskMetrics EWMA: σ²ₜ = λσ²ₜ₋₁ + (1 − λ)r²ₜ₋₁, and covariances alike.
//!
//! Returns are assumed to have zero mean, as RiskMetrics does for daily horizons.

use super::check_finite;
use crate::{Error, Result};

/// RiskMetrics' decay for daily data.
pub const RISKMETRICS_DAILY_LAMBDA: f64 = 0.94;

fn check_lambda(lambda: f64) -> Result<()> {
    if !(lambda > 0.0 && lambda < 1.0) {
        return Err(Error::invalid(format!("lambda must be in (0, 1), got {lambda}")));
    }
    Ok(())
}

/// One EWMA step: the variance for the next period given this period's variance and return.
#[inline]
pub fn next_variance(variance: f64, ret: f64, lambda: f64) -> f64 {
    lambda * variance + (1.0 - lambda) * ret * ret
}

/// The variance forecast for every period: `out[t]` uses returns up to `t − 1`, so it is the
/// forecast a risk manager had before period `t` (what a backtest must compare `returns[t]` with).
/// `out[0]` is `initial_variance`.
pub fn variance_forecasts(returns: &[f64], lambda: f64, initial_variance: f64) -> Result<Vec<f64>> {
    check_lambda(lambda)?;
    check_finite(returns, "returns")?;
    if !(initial_variance.is_finite() && initial_variance >= 0.0) {
        return Err(Error::invalid(format!("initial variance must be finite and ≥ 0, got {initial_variance}")));
    }
    let mut out = Vec::with_capacity(returns.len());
    let mut variance = initial_variance;
    for &r in returns {
        out.push(variance);
        variance = next_variance(variance, r, lambda);
    }
    Ok(out)
}

/// EWMA covariance matrix (row-major `n × n`) after all observations, from `returns` laid out
/// row-major as `periods × n`, starting from `initial` (row-major `n × n`, or zeros).
pub fn covariance(returns: &[f64], n_assets: usize, lambda: f64, initial: Option<&[f64]>) -> Result<Vec<f64>> {
    check_lambda(lambda)?;
    if n_assets == 0 || returns.len() % n_assets != 0 {
        return Err(Error::invalid(format!(
            "returns length {} is not a multiple of the asset count {n_assets}",
            returns.len()
        )));
    }
    check_finite(returns, "returns")?;
    let mut cov = match initial {
        Some(m) if m.len() == n_assets * n_assets => {
            check_finite(m, "initial")?;
            m.to_vec()
        }
        Some(m) => return Err(Error::invalid(format!("initial covariance has {} entries, expected {}", m.len(), n_assets * n_assets))),
        None => vec![0.0; n_assets * n_assets],
    };
    for row in returns.chunks_exact(n_assets) {
        for i in 0..n_assets {
            for j in i..n_assets {
                let c = &mut cov[i * n_assets + j];
                *c = lambda * *c + (1.0 - lambda) * row[i] * row[j];
            }
        }
    }
    // Mirror the upper triangle so the result is exactly symmetric (float products are not
    // commutative once scaled, and a Cholesky factorisation checks symmetry).
    for i in 0..n_assets {
        for j in 0..i {
            cov[i * n_assets + j] = cov[j * n_assets + i];
        }
    }
    Ok(cov)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hull_textbook_example() {
        // Hull, Risk Management and Financial Institutions: λ = 0.9, σ = 1 %, return 2 % ⇒ σ = 1.14 %.
        let sigma = next_variance(0.01f64.powi(2), 0.02, 0.9).sqrt();
        assert!((sigma - 0.0114).abs() < 0.00005, "{sigma}");
        assert!((sigma - 0.00013f64.sqrt()).abs() < 1e-15);
    }

    #[test]
    fn forecasts_lag_returns_by_one_period() {
        let f = variance_forecasts(&[0.02, -0.01], 0.9, 0.0001).unwrap();
        assert_eq!(f[0], 0.0001);
        assert!((f[1] - 0.00013).abs() < 1e-18);
    }

    #[test]
    fn covariance_diagonal_equals_variance_recursion() {
        let returns = [0.01, -0.02, 0.03, 0.005, -0.01, 0.0];
        let cov = covariance(&returns, 2, 0.94, Some(&[1e-4, 0.0, 0.0, 2e-4])).unwrap();
        let mut v0 = 1e-4;
        for r in [0.01, 0.03, -0.01] {
            v0 = next_variance(v0, r, 0.94);
        }
        assert!((cov[0] - v0).abs() < 1e-18);
        assert_eq!(cov[1], cov[2]);
    }

    #[test]
    fn rejects_bad_lambda_nan_and_shape() {
        assert_eq!(variance_forecasts(&[0.1], 1.0, 0.0).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(variance_forecasts(&[f64::NAN], 0.9, 0.0).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(covariance(&[0.1, 0.2, 0.3], 2, 0.9, None).unwrap_err().code(), "INVALID_INPUT");
    }
}
