//! Value at Risk and Expected Shortfall.
//!
//! Conventions: losses are positive numbers (loss = −P&L). At confidence α over `n` outcomes,
//! `k = ⌈n(1 − α)⌉` (at least 1); historical VaR is the k-th largest loss and ES the mean of the
//! k largest losses (those at or beyond VaR). Because both depend only on the k largest losses,
//! shards of a sample can each keep their k largest and the merged tails give exactly the
//! full-sample answer ([`merge_tails`]).

use super::{check_confidence, check_finite};
use crate::{Error, Result};
use statrs::distribution::{Continuous, ContinuousCDF, Normal};

/// A VaR and ES pair, both as positive losses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VarEs {
    pub var: f64,
    pub es: f64,
}

/// How many of `n` outcomes lie in the tail at `confidence`: `⌈n(1 − α)⌉`, at least 1.
pub fn tail_count(n: usize, confidence: f64) -> Result<usize> {
    check_confidence(confidence)?;
    if n == 0 {
        return Err(Error::invalid("at least one outcome is needed"));
    }
    // The epsilon keeps float noise from adding one: 1000 × (1 − 0.975) = 25.000000000000021.
    let k = ((n as f64) * (1.0 - confidence) - 1e-9).ceil().max(1.0) as usize;
    Ok(k.min(n))
}

/// The `k` largest values of `losses`, sorted from the largest. O(n) selection, then a sort of k.
pub fn largest(losses: &[f64], k: usize) -> Vec<f64> {
    let k = k.min(losses.len());
    let mut v = losses.to_vec();
    if k < v.len() {
        v.select_nth_unstable_by(k, |a, b| b.total_cmp(a));
        v.truncate(k);
    }
    v.sort_unstable_by(|a, b| b.total_cmp(a));
    v
}

/// Merges shard tails (each its own k largest, any order) into the k largest overall.
pub fn merge_tails(tails: &[&[f64]], k: usize) -> Vec<f64> {
    let all: Vec<f64> = tails.iter().flat_map(|t| t.iter().copied()).collect();
    largest(&all, k)
}

/// VaR and ES from the k largest losses (sorted from the largest).
pub fn from_tail(tail: &[f64], k: usize) -> Result<VarEs> {
    if k == 0 || tail.len() < k {
        return Err(Error::invalid(format!("tail holds {} losses, {k} needed", tail.len())));
    }
    let var = tail[k - 1];
    let es = tail[..k].iter().sum::<f64>() / k as f64;
    Ok(VarEs { var, es })
}

/// Historical VaR and ES of a P&L sample (gains positive).
pub fn historical(pnl: &[f64], confidence: f64) -> Result<VarEs> {
    check_finite(pnl, "pnl")?;
    let k = tail_count(pnl.len(), confidence)?;
    let losses: Vec<f64> = pnl.iter().map(|p| -p).collect();
    from_tail(&largest(&losses, k), k)
}

/// Standard normal quantile.
pub fn normal_quantile(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

/// VaR and ES of a zero-mean normal loss with standard deviation `sigma`:
/// VaR = z·σ, ES = σ·φ(z)/(1 − α).
pub fn normal(sigma: f64, confidence: f64) -> Result<VarEs> {
    check_confidence(confidence)?;
    if !(sigma.is_finite() && sigma >= 0.0) {
        return Err(Error::invalid(format!("sigma must be finite and ≥ 0, got {sigma}")));
    }
    let n = Normal::standard();
    let z = n.inverse_cdf(confidence);
    Ok(VarEs { var: z * sigma, es: sigma * n.pdf(z) / (1.0 - confidence) })
}

/// Portfolio standard deviation √(wᵀΣw) for exposures `w` and a row-major covariance `Σ`.
pub fn portfolio_sigma(exposures: &[f64], covariance: &[f64]) -> Result<f64> {
    let n = exposures.len();
    if n == 0 || covariance.len() != n * n {
        return Err(Error::invalid(format!("covariance has {} entries, expected {} for {n} exposures", covariance.len(), n * n)));
    }
    check_finite(exposures, "exposures")?;
    check_finite(covariance, "covariance")?;
    let mut q = 0.0;
    for i in 0..n {
        let row = &covariance[i * n..(i + 1) * n];
        q += exposures[i] * row.iter().zip(exposures).map(|(c, w)| c * w).sum::<f64>();
    }
    if q < 0.0 {
        return Err(Error::NotPositiveDefinite(format!("wᵀΣw = {q} is negative")));
    }
    Ok(q.sqrt())
}

/// Delta-normal VaR and ES: VaR = z·√(wᵀΣw)·√h with a daily covariance and a horizon in days.
pub fn delta_normal(exposures: &[f64], covariance: &[f64], confidence: f64, horizon_days: f64) -> Result<VarEs> {
    if !(horizon_days.is_finite() && horizon_days > 0.0) {
        return Err(Error::invalid(format!("horizon must be a positive number of days, got {horizon_days}")));
    }
    normal(portfolio_sigma(exposures, covariance)? * horizon_days.sqrt(), confidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_quantiles_match_published_values() {
        // ANCHORS.md: z95 = 1.644854, z99 = 2.326348.
        assert!((normal_quantile(0.95) - 1.644854).abs() < 5e-7);
        assert!((normal_quantile(0.99) - 2.326348).abs() < 5e-7);
    }

    #[test]
    fn normal_es_975_is_2_337803_sigma() {
        // ANCHORS.md: normal ES97.5 = 2.337803σ (the FRTB rationale: ≈ VaR99).
        let r = normal(1.0, 0.975).unwrap();
        assert!((r.es - 2.337803).abs() < 5e-7, "{}", r.es);
    }

    #[test]
    fn historical_uses_kth_worst_loss() {
        // 100 outcomes at 95 %: k = 5, VaR = 5th worst loss, ES = mean of the 5 worst.
        let pnl: Vec<f64> = (1..=100).map(|i| i as f64 - 50.0).collect(); // worst: −49, −48, ...
        let r = historical(&pnl, 0.95).unwrap();
        assert_eq!(r.var, 45.0);
        assert_eq!(r.es, (49.0 + 48.0 + 47.0 + 46.0 + 45.0) / 5.0);
    }

    #[test]
    fn tail_count_is_ceiling() {
        assert_eq!(tail_count(250, 0.99).unwrap(), 3);
        assert_eq!(tail_count(100, 0.99).unwrap(), 1);
        assert_eq!(tail_count(1000, 0.975).unwrap(), 25);
        assert_eq!(tail_count(10, 0.999).unwrap(), 1);
    }

    #[test]
    fn merged_shard_tails_equal_the_whole_sample() {
        let losses: Vec<f64> = (0..10_000).map(|i| ((i * 7919) % 10_007) as f64).collect();
        let k = tail_count(losses.len(), 0.99).unwrap();
        let tails: Vec<Vec<f64>> = losses.chunks(1234).map(|c| largest(c, k)).collect();
        let refs: Vec<&[f64]> = tails.iter().map(|t| t.as_slice()).collect();
        assert_eq!(from_tail(&merge_tails(&refs, k), k).unwrap(), from_tail(&largest(&losses, k), k).unwrap());
    }

    #[test]
    fn delta_normal_two_assets() {
        // σp² = 1²·0.04 + 2²·0.09 + 2·1·2·0.5·0.2·0.3 = 0.04 + 0.36 + 0.12 = 0.52.
        let cov = [0.04, 0.03, 0.03, 0.09];
        let r = delta_normal(&[1.0, 2.0], &cov, 0.99, 4.0).unwrap();
        assert!((r.var - 2.326348 * 0.52f64.sqrt() * 2.0).abs() < 1e-5);
    }

    #[test]
    fn rejects_bad_confidence_nan_and_shapes() {
        assert_eq!(historical(&[1.0], 1.0).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(historical(&[1.0], 0.0).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(historical(&[f64::NAN], 0.9).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(historical(&[], 0.9).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(delta_normal(&[1.0], &[1.0, 0.0], 0.9, 1.0).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(delta_normal(&[1.0, 1.0], &[1.0, 0.0, 0.0, -5.0], 0.9, 1.0).unwrap_err().code(), "NOT_POSITIVE_DEFINITE");
    }
}
