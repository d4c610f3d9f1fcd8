//! VaR backtests: Kupiec proportion of failures, Christoffersen independence and conditional
//! coverage (likelihood ratios, χ² p-values), and the Basel traffic light.

use crate::{Error, Result};
use statrs::distribution::{Binomial, ChiSquared, ContinuousCDF, DiscreteCDF};

/// A likelihood-ratio statistic and its p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LikelihoodRatio {
    pub lr: f64,
    pub p_value: f64,
    /// Degrees of freedom of the χ² reference distribution.
    pub dof: u32,
}

impl LikelihoodRatio {
    fn new(lr: f64, dof: u32) -> Self {
        // LR is ≥ 0 in exact arithmetic; clamp rounding noise so the CDF gets a valid argument.
        let lr = lr.max(0.0);
        let chi = ChiSquared::new(dof as f64).expect("dof is 1 or 2");
        Self { lr, p_value: chi.sf(lr), dof }
    }

    /// Whether the model is rejected at `significance` (e.g. 0.05: LR above 3.841 for one dof).
    pub fn rejects(&self, significance: f64) -> bool {
        self.p_value < significance
    }
}

/// x·ln(y) with the convention 0·ln 0 = 0.
fn xlny(x: f64, y: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x * y.ln() }
}

fn check_probability(p: f64) -> Result<()> {
    if !(p > 0.0 && p < 1.0) {
        return Err(Error::invalid(format!("exception probability must be in (0, 1), got {p}")));
    }
    Ok(())
}

/// Kupiec POF: LR = −2 ln[(1 − p)^(n−x) p^x / ((1 − x/n)^(n−x) (x/n)^x)] ~ χ²₁.
pub fn kupiec_pof(observations: u64, exceptions: u64, p: f64) -> Result<LikelihoodRatio> {
    check_probability(p)?;
    if observations == 0 || exceptions > observations {
        return Err(Error::invalid(format!("{exceptions} exceptions in {observations} observations")));
    }
    let (n, x) = (observations as f64, exceptions as f64);
    let null = xlny(n - x, 1.0 - p) + xlny(x, p);
    let observed = xlny(n - x, 1.0 - x / n) + xlny(x, x / n);
    Ok(LikelihoodRatio::new(-2.0 * (null - observed), 1))
}

/// Transition counts of an exception sequence: `nij` counts day pairs (i yesterday, j today).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Transitions {
    pub n00: u64,
    pub n01: u64,
    pub n10: u64,
    pub n11: u64,
}

impl Transitions {
    /// Counts transitions in a sequence of exception flags.
    pub fn count(exceptions: &[bool]) -> Self {
        let mut t = Self::default();
        for pair in exceptions.windows(2) {
            match (pair[0], pair[1]) {
                (false, false) => t.n00 += 1,
                (false, true) => t.n01 += 1,
                (true, false) => t.n10 += 1,
                (true, true) => t.n11 += 1,
            }
        }
        t
    }
}

/// Christoffersen independence: do exceptions cluster? LR ~ χ²₁.
pub fn christoffersen_independence(exceptions: &[bool]) -> Result<(LikelihoodRatio, Transitions)> {
    if exceptions.len() < 2 {
        return Err(Error::invalid("at least two observations are needed"));
    }
    let t = Transitions::count(exceptions);
    let (n00, n01, n10, n11) = (t.n00 as f64, t.n01 as f64, t.n10 as f64, t.n11 as f64);
    let pi0 = if n00 + n01 > 0.0 { n01 / (n00 + n01) } else { 0.0 };
    let pi1 = if n10 + n11 > 0.0 { n11 / (n10 + n11) } else { 0.0 };
    let pi = (n01 + n11) / (n00 + n01 + n10 + n11);
    let restricted = xlny(n00 + n10, 1.0 - pi) + xlny(n01 + n11, pi);
    let unrestricted = xlny(n00, 1.0 - pi0) + xlny(n01, pi0) + xlny(n10, 1.0 - pi1) + xlny(n11, pi1);
    Ok((LikelihoodRatio::new(-2.0 * (restricted - unrestricted), 1), t))
}

/// Conditional coverage: POF + independence ~ χ²₂.
pub fn conditional_coverage(exceptions: &[bool], p: f64) -> Result<LikelihoodRatio> {
    let x = exceptions.iter().filter(|e| **e).count() as u64;
    let pof = kupiec_pof(exceptions.len() as u64, x, p)?;
    let (ind, _) = christoffersen_independence(exceptions)?;
    Ok(LikelihoodRatio::new(pof.lr + ind.lr, 2))
}

/// Basel traffic-light zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Green,
    Yellow,
    Red,
}

impl Zone {
    /// Lower-case name, for reports and JS.
    pub fn as_str(&self) -> &'static str {
        match self {
            Zone::Green => "green",
            Zone::Yellow => "yellow",
            Zone::Red => "red",
        }
    }
}

/// Basel zone of `exceptions` in `observations` at exception probability `p`, with the binomial
/// CDF F(x) that decides it: green while F(x) < 95 %, red once F(x) ≥ 99.99 %. For 250 days at
/// 99 % this gives green 0–4, yellow 5–9, red 10+.
pub fn traffic_light(observations: u64, exceptions: u64, p: f64) -> Result<(Zone, f64)> {
    check_probability(p)?;
    if observations == 0 || exceptions > observations {
        return Err(Error::invalid(format!("{exceptions} exceptions in {observations} observations")));
    }
    let cdf = Binomial::new(p, observations).map_err(|e| Error::invalid(e.to_string()))?.cdf(exceptions);
    let zone = if cdf < 0.95 {
        Zone::Green
    } else if cdf < 0.9999 {
        Zone::Yellow
    } else {
        Zone::Red
    };
    Ok((zone, cdf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kupiec_published_example() {
        // ANCHORS.md: n = 1043, x = 57, p = 0.05 ⇒ LR = 0.46147, p-value 0.49694.
        let r = kupiec_pof(1043, 57, 0.05).unwrap();
        assert!((r.lr - 0.46147).abs() < 5e-6, "{}", r.lr);
        assert!((r.p_value - 0.49694).abs() < 5e-6, "{}", r.p_value);
        assert!(!r.rejects(0.05));
    }

    #[test]
    fn kupiec_rejects_above_critical_value() {
        // 3.841 is the 95 % point of χ²₁: a p-value below 0.05 exactly when LR exceeds it.
        let r = kupiec_pof(250, 10, 0.01).unwrap();
        assert!(r.lr > 3.841 && r.rejects(0.05));
        let zero = kupiec_pof(250, 0, 0.01).unwrap();
        assert!((zero.lr - (-2.0 * 250.0 * 0.99f64.ln())).abs() < 1e-12);
    }

    #[test]
    fn traffic_light_basel_table() {
        // ANCHORS.md: 250 days at 99 %: F(4) = 89.22 %, F(5) = 95.88 %, F(9) = 99.97 %.
        let zone = |x| traffic_light(250, x, 0.01).unwrap();
        assert!((zone(4).1 - 0.8922).abs() < 5e-5);
        assert!((zone(5).1 - 0.9588).abs() < 5e-5);
        assert!((zone(9).1 - 0.9997).abs() < 5e-5);
        for x in 0..=4 {
            assert_eq!(zone(x).0, Zone::Green);
        }
        for x in 5..=9 {
            assert_eq!(zone(x).0, Zone::Yellow);
        }
        for x in 10..=20 {
            assert_eq!(zone(x).0, Zone::Red);
        }
    }

    #[test]
    fn independence_detects_clustering() {
        let mut clustered = vec![false; 500];
        for i in 100..110 {
            clustered[i] = true;
        }
        let (lr, t) = christoffersen_independence(&clustered).unwrap();
        assert_eq!((t.n01, t.n11, t.n10), (1, 9, 1));
        assert!(lr.rejects(0.05));
        let mut spread = vec![false; 500];
        for i in (0..500).step_by(50) {
            spread[i] = true;
        }
        assert!(!christoffersen_independence(&spread).unwrap().0.rejects(0.05));
    }

    #[test]
    fn conditional_coverage_is_the_sum_with_two_dof() {
        let mut e = vec![false; 250];
        e[10] = true;
        e[11] = true;
        e[200] = true;
        let cc = conditional_coverage(&e, 0.01).unwrap();
        let pof = kupiec_pof(250, 3, 0.01).unwrap();
        let ind = christoffersen_independence(&e).unwrap().0;
        assert!((cc.lr - pof.lr - ind.lr).abs() < 1e-12);
        assert_eq!(cc.dof, 2);
    }

    #[test]
    fn rejects_bad_counts_and_probabilities() {
        assert_eq!(kupiec_pof(10, 11, 0.01).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(kupiec_pof(10, 1, 1.0).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(traffic_light(0, 0, 0.01).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(christoffersen_independence(&[true]).unwrap_err().code(), "INVALID_INPUT");
    }
}
