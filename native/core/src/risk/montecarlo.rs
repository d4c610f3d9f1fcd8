//! Correlated Monte Carlo losses: returns r = μ + Lz with Σ = LLᵀ (Cholesky) and z standard normal.
//!
//! Paths are generated in fixed blocks of [`BLOCK_PATHS`], each block from its own generator
//! seeded by (seed, block index). A path's numbers therefore depend only on the seed and its
//! index, so any split of the paths across workers gives the same losses, and the same VaR.

use super::var::{from_tail, merge_tails, tail_count, TopK, VarEs};
use super::{check_confidence, check_finite};
use crate::{Error, Result};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::sync::atomic::{AtomicU32, Ordering};

/// Paths per generator block: the unit in which work can be split without changing results.
pub const BLOCK_PATHS: u64 = 4096;

/// Lower-triangular Cholesky factor (row-major `n × n`) of a symmetric positive-definite matrix.
pub fn cholesky(covariance: &[f64], n: usize) -> Result<Vec<f64>> {
    if n == 0 || covariance.len() != n * n {
        return Err(Error::invalid(format!("covariance has {} entries, expected {n}×{n}", covariance.len())));
    }
    check_finite(covariance, "covariance")?;
    for i in 0..n {
        for j in 0..i {
            let (a, b) = (covariance[i * n + j], covariance[j * n + i]);
            if (a - b).abs() > 1e-12 * a.abs().max(b.abs()).max(1e-300) {
                return Err(Error::NotPositiveDefinite(format!("not symmetric at ({i}, {j}): {a} ≠ {b}")));
            }
        }
    }
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l[i * n + k] * l[j * n + k]).sum();
            if i == j {
                let d = covariance[i * n + i] - dot;
                if !(d > 0.0) {
                    return Err(Error::NotPositiveDefinite(format!("pivot {i} is {d}")));
                }
                l[i * n + i] = d.sqrt();
            } else {
                l[i * n + j] = (covariance[i * n + j] - dot) / l[j * n + j];
            }
        }
    }
    Ok(l)
}

/// How a scenario's returns become a loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revaluation {
    /// Arithmetic returns: loss = −Σ wᵢ rᵢ (consistent with delta-normal).
    Linear,
    /// Log returns, prices revalued: loss = −Σ wᵢ (e^{rᵢ} − 1).
    Exponential,
}

/// A portfolio and its return model over the VaR horizon.
#[derive(Debug, Clone)]
pub struct Model {
    n: usize,
    mean: Vec<f64>,
    chol: Vec<f64>,
    exposures: Vec<f64>,
    revaluation: Revaluation,
}

impl Model {
    /// A model from exposures (position values), mean returns and the covariance of returns,
    /// both over the horizon.
    pub fn new(exposures: &[f64], mean: &[f64], covariance: &[f64], revaluation: Revaluation) -> Result<Self> {
        let n = exposures.len();
        if mean.len() != n {
            return Err(Error::invalid(format!("{} means for {n} exposures", mean.len())));
        }
        check_finite(exposures, "exposures")?;
        check_finite(mean, "mean")?;
        let chol = cholesky(covariance, n)?;
        Ok(Self { n, mean: mean.to_vec(), chol, exposures: exposures.to_vec(), revaluation })
    }

    /// Number of assets.
    pub fn assets(&self) -> usize {
        self.n
    }

    /// Writes the losses of paths `first_path .. first_path + out.len()` into `out`.
    pub fn simulate(&self, seed: u64, first_path: u64, out: &mut [f64]) {
        let end = first_path + out.len() as u64;
        let mut slots = out.iter_mut();
        self.each_loss(seed, first_path, end, |loss| {
            if let Some(slot) = slots.next() {
                *slot = loss;
            }
        });
    }

    /// Calls `f` with the loss of each path `first .. end`, in order.
    #[inline]
    fn each_loss(&self, seed: u64, first: u64, end: u64, mut f: impl FnMut(f64)) {
        let n = self.n;
        let mut z = vec![0.0; n];
        let mut path = first;
        while path < end {
            let block = path / BLOCK_PATHS;
            let mut rng = block_rng(seed, block);
            // A shard that starts inside a block replays the skipped paths' draws.
            for _ in 0..(path % BLOCK_PATHS) * n as u64 {
                let _: f64 = StandardNormal.sample(&mut rng);
            }
            let block_end = ((block + 1) * BLOCK_PATHS).min(end);
            while path < block_end {
                for zi in z.iter_mut() {
                    *zi = StandardNormal.sample(&mut rng);
                }
                f(self.loss(&z));
                path += 1;
            }
        }
    }

    #[inline]
    fn loss(&self, z: &[f64]) -> f64 {
        let n = self.n;
        let mut pnl = 0.0;
        for i in 0..n {
            let row = &self.chol[i * n..i * n + i + 1];
            let r = self.mean[i] + row.iter().zip(z).map(|(l, z)| l * z).sum::<f64>();
            pnl += self.exposures[i]
                * match self.revaluation {
                    Revaluation::Linear => r,
                    Revaluation::Exponential => r.exp_m1(),
                };
        }
        -pnl
    }

    /// The k largest losses of a shard of paths (the part of a Monte Carlo run one worker does),
    /// sorted from the largest. Losses stream through a [`TopK`]: no buffer of all losses, and
    /// once it has filled almost every path costs one comparison.
    pub fn shard_tail(&self, seed: u64, first_path: u64, paths: u64, k: usize) -> Vec<f64> {
        let mut tail = TopK::new(k);
        self.each_loss(seed, first_path, first_path + paths, |loss| tail.push(loss));
        tail.into_sorted()
    }

    /// Like [`Self::shard_tail`] over paths `0 .. paths`, but the paths come from a cursor shared
    /// with other threads: each claims the next generator block (`next_block.fetch_add(1)`) until
    /// none is left. A faster thread takes more blocks, so a run ends when the work does, not
    /// when its slowest fixed share would. Whatever blocks a thread ends up with, the tails of all
    /// threads together hold the k largest losses of the run, so [`var_es_from_shards`] gives the
    /// single-thread answer exactly. The cursor starts at 0 for a run and only moves forward.
    pub fn claim_tail(&self, seed: u64, paths: u64, k: usize, next_block: &AtomicU32) -> Vec<f64> {
        let mut tail = TopK::new(k);
        loop {
            let first = next_block.fetch_add(1, Ordering::Relaxed) as u64 * BLOCK_PATHS;
            if first >= paths {
                break;
            }
            self.each_loss(seed, first, (first + BLOCK_PATHS).min(paths), |loss| tail.push(loss));
        }
        tail.into_sorted()
    }

    /// Monte Carlo VaR and ES over `paths` paths in this thread.
    pub fn var_es(&self, seed: u64, paths: u64, confidence: f64) -> Result<VarEs> {
        check_confidence(confidence)?;
        let k = tail_count(paths as usize, confidence)?;
        from_tail(&self.shard_tail(seed, 0, paths, k), k)
    }
}

fn block_rng(seed: u64, block: u64) -> Xoshiro256PlusPlus {
    // SplitMix-style mixing of (seed, block) so neighbouring blocks get unrelated streams.
    let mut x = seed ^ block.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Xoshiro256PlusPlus::seed_from_u64(x ^ (x >> 31))
}

/// VaR and ES from shard tails produced by [`Model::shard_tail`] with the same `k`.
pub fn var_es_from_shards(tails: &[&[f64]], paths: u64, confidence: f64) -> Result<VarEs> {
    let k = tail_count(paths as usize, confidence)?;
    from_tail(&merge_tails(tails, k), k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::var::{delta_normal, normal_quantile};
    use statrs::distribution::{Continuous, Normal};

    fn ten_asset_covariance() -> Vec<f64> {
        let n = 10;
        let vols: Vec<f64> = (0..n).map(|i| 0.01 + 0.002 * i as f64).collect();
        let mut cov = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                let rho = if i == j { 1.0 } else { 0.3 };
                cov[i * n + j] = rho * vols[i] * vols[j];
            }
        }
        cov
    }

    #[test]
    fn cholesky_reproduces_the_matrix() {
        let cov = ten_asset_covariance();
        let l = cholesky(&cov, 10).unwrap();
        for i in 0..10 {
            for j in 0..10 {
                let s: f64 = (0..10).map(|k| l[i * 10 + k] * l[j * 10 + k]).sum();
                assert!((s - cov[i * 10 + j]).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn cholesky_rejects_indefinite_and_asymmetric() {
        assert_eq!(cholesky(&[1.0, 2.0, 2.0, 1.0], 2).unwrap_err().code(), "NOT_POSITIVE_DEFINITE");
        assert_eq!(cholesky(&[1.0, 0.1, 0.2, 1.0], 2).unwrap_err().code(), "NOT_POSITIVE_DEFINITE");
        assert_eq!(cholesky(&[1.0, f64::NAN, f64::NAN, 1.0], 2).unwrap_err().code(), "INVALID_INPUT");
    }

    #[test]
    fn linear_monte_carlo_var_is_within_three_standard_errors_of_delta_normal() {
        let cov = ten_asset_covariance();
        let w: Vec<f64> = (0..10).map(|i| 1_000.0 * (1.0 + i as f64)).collect();
        let model = Model::new(&w, &[0.0; 10], &cov, Revaluation::Linear).unwrap();
        let (alpha, paths) = (0.99, 400_000u64);
        let mc = model.var_es(42, paths, alpha).unwrap();
        let analytic = delta_normal(&w, &cov, alpha, 1.0).unwrap();
        // Standard error of the α-quantile: √(α(1 − α)/n) / f(q), f the loss density at q.
        let sigma = analytic.var / normal_quantile(alpha);
        let density = Normal::new(0.0, sigma).unwrap().pdf(analytic.var);
        let se = (alpha * (1.0 - alpha) / paths as f64).sqrt() / density;
        assert!((mc.var - analytic.var).abs() < 3.0 * se, "mc {} analytic {} se {se}", mc.var, analytic.var);
    }

    #[test]
    fn same_seed_same_answer_whatever_the_split() {
        let cov = ten_asset_covariance();
        let model = Model::new(&[1.0; 10], &[0.0; 10], &cov, Revaluation::Exponential).unwrap();
        let paths = 3 * BLOCK_PATHS + 1000;
        let k = tail_count(paths as usize, 0.975).unwrap();
        let whole = model.shard_tail(7, 0, paths, k);
        for cuts in [vec![0, paths], vec![0, BLOCK_PATHS, paths], vec![0, 1000, 5000, 9999, paths]] {
            let tails: Vec<Vec<f64>> = cuts.windows(2).map(|w| model.shard_tail(7, w[0], w[1] - w[0], k)).collect();
            let refs: Vec<&[f64]> = tails.iter().map(|t| t.as_slice()).collect();
            assert_eq!(merge_tails(&refs, k), whole);
        }
        assert_ne!(model.shard_tail(8, 0, paths, k), whole);
    }

    #[test]
    fn threads_claiming_blocks_give_the_single_thread_answer() {
        let model = Model::new(&[1.0; 10], &[0.0; 10], &ten_asset_covariance(), Revaluation::Linear).unwrap();
        for (paths, confidence) in [(10 * BLOCK_PATHS + 123, 0.99), (BLOCK_PATHS / 2, 0.9), (3 * BLOCK_PATHS, 0.999)] {
            let k = tail_count(paths as usize, confidence).unwrap();
            let whole = model.var_es(11, paths, confidence).unwrap();
            for threads in [1, 2, 3, 5] {
                let cursor = AtomicU32::new(0);
                let tails: Vec<Vec<f64>> = std::thread::scope(|s| {
                    let handles: Vec<_> = (0..threads).map(|_| s.spawn(|| model.claim_tail(11, paths, k, &cursor))).collect();
                    handles.into_iter().map(|h| h.join().unwrap()).collect()
                });
                let refs: Vec<&[f64]> = tails.iter().map(|t| t.as_slice()).collect();
                assert_eq!(var_es_from_shards(&refs, paths, confidence).unwrap(), whole, "{paths} paths, {threads} threads");
            }
        }
    }

    #[test]
    fn streamed_tail_equals_the_k_largest_of_all_losses() {
        let model = Model::new(&[1.0, -2.0], &[0.0, 0.001], &[0.04, 0.01, 0.01, 0.09], Revaluation::Exponential).unwrap();
        for (first, paths, k) in [(0, 10_000, 100), (1234, 9_000, 1), (5000, 50, 50), (0, 3 * BLOCK_PATHS, 0)] {
            let mut all = vec![0.0; paths as usize];
            model.simulate(3, first, &mut all);
            assert_eq!(model.shard_tail(3, first, paths, k), crate::risk::var::largest(&all, k), "{first} {paths} {k}");
        }
    }

    #[test]
    fn rejects_mismatched_shapes() {
        let err = Model::new(&[1.0, 2.0], &[0.0], &[1.0, 0.0, 0.0, 1.0], Revaluation::Linear).unwrap_err();
        assert_eq!(err.code(), "INVALID_INPUT");
    }
}
