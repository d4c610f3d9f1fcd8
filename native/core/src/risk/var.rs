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

/// Merges shard tails (each its own k largest) into the k largest overall, sorted from the
/// largest. A few tails already sorted from the largest (as [`TopK::into_sorted`] leaves them)
/// merge in one pass over their heads; others go through a selection.
pub fn merge_tails(tails: &[&[f64]], k: usize) -> Vec<f64> {
    let descending = |t: &&[f64]| t.windows(2).all(|w| w[0].total_cmp(&w[1]).is_ge());
    if tails.len() > 16 || !tails.iter().all(descending) {
        let all: Vec<f64> = tails.iter().flat_map(|t| t.iter().copied()).collect();
        return largest(&all, k);
    }
    let total = tails.iter().map(|t| t.len()).sum::<usize>();
    let mut merged = Vec::with_capacity(k.min(total));
    let mut heads = vec![0usize; tails.len()];
    while merged.len() < k {
        // The largest head; ties go to the first tail, which does not change the values taken.
        let mut best: Option<usize> = None;
        for (t, tail) in tails.iter().enumerate() {
            if let Some(v) = tail.get(heads[t]) {
                if best.is_none_or(|b| v.total_cmp(&tails[b][heads[b]]).is_gt()) {
                    best = Some(t);
                }
            }
        }
        let Some(b) = best else { break };
        merged.push(tails[b][heads[b]]);
        heads[b] += 1;
    }
    merged
}

/// The k largest of a stream of values, kept without storing the stream: values above the
/// current k-th largest go to a buffer of 2k, which is cut back to its k largest by a selection
/// whenever it fills. Each value costs one comparison once the buffer has filled, and the
/// selections cost O(k) per k values kept. Values are ordered by `total_cmp`, as in [`largest`].
#[derive(Debug, Clone)]
pub struct TopK {
    k: usize,
    kept: Vec<f64>,
    /// The total-order key of the k-th largest value so far (the smallest key before that).
    floor: i64,
}

/// `f64::total_cmp`'s order as a signed integer.
#[inline(always)]
fn order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

impl TopK {
    /// An empty tail that will keep the `k` largest values pushed.
    pub fn new(k: usize) -> Self {
        Self { k, kept: Vec::with_capacity(2 * k), floor: i64::MIN }
    }

    /// Offers one value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if self.k > 0 && order_key(x) > self.floor {
            self.kept.push(x);
            if self.kept.len() == 2 * self.k {
                self.cut();
            }
        }
    }

    /// Offers every value of a slice.
    pub fn extend(&mut self, values: &[f64]) {
        for &x in values {
            self.push(x);
        }
    }

    /// Keeps the k largest and raises the floor to the k-th.
    fn cut(&mut self) {
        let k = self.k;
        self.kept.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
        self.kept.truncate(k);
        self.floor = order_key(self.kept[k - 1]);
    }

    /// The k largest values offered (fewer if fewer were offered), sorted from the largest.
    pub fn into_sorted(mut self) -> Vec<f64> {
        if self.kept.len() > self.k {
            self.cut();
        }
        self.kept.sort_unstable_by(|a, b| b.total_cmp(a));
        self.kept
    }
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
    fn streamed_top_k_equals_the_selection() {
        let values: Vec<f64> = (0..50_000).map(|i| (((i * 7919) % 10_007) as f64 - 5_000.0) * 0.25).chain([0.0, -0.0, 0.0]).collect();
        for k in [0, 1, 2, 3, 100, 4_999, 50_003, 60_000] {
            let mut top = TopK::new(k);
            top.extend(&values);
            assert_eq!(top.into_sorted(), largest(&values, k), "k = {k}");
        }
    }

    #[test]
    fn merging_sorted_tails_equals_merging_unsorted_ones() {
        let losses: Vec<f64> = (0..10_000).map(|i| ((i * 7919) % 10_007) as f64 * if i % 3 == 0 { -1.0 } else { 1.0 }).collect();
        for k in [1, 57, 1_000] {
            let sorted: Vec<Vec<f64>> = losses.chunks(777).map(|c| largest(c, k)).collect();
            let shuffled: Vec<Vec<f64>> = sorted.iter().map(|t| t.iter().rev().copied().collect()).collect();
            let (a, b): (Vec<&[f64]>, Vec<&[f64]>) = (sorted.iter().map(|t| t.as_slice()).collect(), shuffled.iter().map(|t| t.as_slice()).collect());
            assert_eq!(merge_tails(&a, k), largest(&losses, k));
            assert_eq!(merge_tails(&b, k), largest(&losses, k));
        }
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
