//! Account scans over columnar tables: health factors, liquidation candidates, position-limit
//! breaches and stress scenarios.
//!
//! A table holds one column (`&[f64]`, one entry per account) per collateral and per debt asset,
//! the layout workers share through SharedArrayBuffer. Health factor as in Aave v3:
//! HF = Σ(Cᵢ·Pᵢ·LTᵢ) / Σ(Dⱼ·Pⱼ), liquidatable below 1, infinite without debt.

use super::check_finite;
use crate::{Error, Result};

/// Accounts per stress chunk: their balances and three partial sums stay in L1 across scenarios.
const STRESS_CHUNK: usize = 256;

/// A columnar table of account balances (amounts, not values).
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'a> {
    /// One column per collateral asset.
    pub collateral: &'a [&'a [f64]],
    /// One column per debt asset.
    pub debt: &'a [&'a [f64]],
}

/// Prices and risk parameters of the assets in an [`Accounts`] table.
#[derive(Debug, Clone, Copy)]
pub struct Market<'a> {
    pub collateral_prices: &'a [f64],
    /// Liquidation thresholds in (0, 1].
    pub liquidation_thresholds: &'a [f64],
    pub debt_prices: &'a [f64],
}

impl Accounts<'_> {
    /// Number of accounts (rows); checks every column has it.
    pub fn len(&self) -> Result<usize> {
        let n = self.collateral.first().or(self.debt.first()).map_or(0, |c| c.len());
        for (kind, cols) in [("collateral", self.collateral), ("debt", self.debt)] {
            if let Some(i) = cols.iter().position(|c| c.len() != n) {
                return Err(Error::invalid(format!("{kind} column {i} has {} rows, expected {n}", cols[i].len())));
            }
        }
        Ok(n)
    }

    /// Whether the table has no accounts.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }
}

impl Market<'_> {
    fn check(&self, accounts: &Accounts) -> Result<()> {
        let c = accounts.collateral.len();
        if self.collateral_prices.len() != c || self.liquidation_thresholds.len() != c {
            return Err(Error::invalid(format!(
                "{c} collateral columns but {} prices and {} thresholds",
                self.collateral_prices.len(),
                self.liquidation_thresholds.len()
            )));
        }
        if self.debt_prices.len() != accounts.debt.len() {
            return Err(Error::invalid(format!("{} debt columns but {} prices", accounts.debt.len(), self.debt_prices.len())));
        }
        check_prices(self.collateral_prices, "collateralPrices")?;
        check_prices(self.debt_prices, "debtPrices")?;
        if let Some(i) = self.liquidation_thresholds.iter().position(|t| !(*t > 0.0 && *t <= 1.0)) {
            return Err(Error::invalid(format!("liquidationThresholds[{i}] must be in (0, 1]")));
        }
        Ok(())
    }

    fn weights(&self) -> Vec<f64> {
        self.collateral_prices.iter().zip(self.liquidation_thresholds).map(|(p, t)| p * t).collect()
    }
}

fn check_prices(prices: &[f64], what: &str) -> Result<()> {
    check_finite(prices, what)?;
    match prices.iter().position(|p| *p <= 0.0) {
        Some(i) => Err(Error::invalid(format!("{what}[{i}] must be positive"))),
        None => Ok(()),
    }
}

/// Writes every account's health factor into `out` (`f64::INFINITY` without debt).
///
/// One pass over the table reads every column side by side, one sequential stream per column, so
/// the memory system fetches all of them at once: the scan runs at memory bandwidth (8 bytes read
/// per asset and 8 written per account). Tables of up to [`FUSED_COLLATERAL`] collateral and
/// [`FUSED_DEBT`] debt columns get a kernel compiled for their shape (the per-account sums unroll
/// and vectorise); wider ones take the same pass with a loop over the columns.
pub fn health_factors(accounts: &Accounts, market: &Market, out: &mut [f64]) -> Result<()> {
    let n = accounts.len()?;
    market.check(accounts)?;
    if out.len() != n {
        return Err(Error::invalid(format!("output has {} slots for {n} accounts", out.len())));
    }
    let weights = market.weights();
    let columns = HealthColumns { collateral: accounts.collateral, weights: &weights, debt: accounts.debt, debt_prices: market.debt_prices };
    columns.dispatch(out);
    Ok(())
}

/// Collateral columns up to which [`health_factors`] uses a kernel compiled for the shape.
pub const FUSED_COLLATERAL: usize = 8;
/// Debt columns up to which [`health_factors`] uses a kernel compiled for the shape.
pub const FUSED_DEBT: usize = 4;

/// The inputs of a health-factor pass: columns with their per-asset weights (P·LT, P).
struct HealthColumns<'a> {
    collateral: &'a [&'a [f64]],
    weights: &'a [f64],
    debt: &'a [&'a [f64]],
    debt_prices: &'a [f64],
}

impl HealthColumns<'_> {
    fn dispatch(&self, out: &mut [f64]) {
        macro_rules! by_debt {
            ($c:literal) => {
                match self.debt.len() {
                    0 => self.fused::<$c, 0>(out),
                    1 => self.fused::<$c, 1>(out),
                    2 => self.fused::<$c, 2>(out),
                    3 => self.fused::<$c, 3>(out),
                    4 => self.fused::<$c, 4>(out),
                    _ => self.any_shape(out),
                }
            };
        }
        match self.collateral.len() {
            0 => by_debt!(0),
            1 => by_debt!(1),
            2 => by_debt!(2),
            3 => by_debt!(3),
            4 => by_debt!(4),
            5 => by_debt!(5),
            6 => by_debt!(6),
            7 => by_debt!(7),
            8 => by_debt!(8),
            _ => self.any_shape(out),
        }
    }

    /// The pass for exactly `C` collateral and `D` debt columns. Sums run in column order from
    /// zero, as in [`Self::any_shape`], so every kernel gives bit-identical results.
    #[inline(never)]
    fn fused<const C: usize, const D: usize>(&self, out: &mut [f64]) {
        let n = out.len();
        let coll: [&[f64]; C] = std::array::from_fn(|i| &self.collateral[i][..n]);
        let debt: [&[f64]; D] = std::array::from_fn(|j| &self.debt[j][..n]);
        let w: [f64; C] = std::array::from_fn(|i| self.weights[i]);
        let p: [f64; D] = std::array::from_fn(|j| self.debt_prices[j]);
        for (a, hf) in out.iter_mut().enumerate() {
            let mut weighted = 0.0;
            for i in 0..C {
                weighted += coll[i][a] * w[i];
            }
            let mut owed = 0.0;
            for j in 0..D {
                owed += debt[j][a] * p[j];
            }
            *hf = health(weighted, owed);
        }
    }

    /// The same pass for any number of columns.
    fn any_shape(&self, out: &mut [f64]) {
        for (a, hf) in out.iter_mut().enumerate() {
            let weighted = self.collateral.iter().zip(self.weights).fold(0.0, |s, (col, w)| s + col[a] * w);
            let owed = self.debt.iter().zip(self.debt_prices).fold(0.0, |s, (col, p)| s + col[a] * p);
            *hf = health(weighted, owed);
        }
    }
}

#[inline(always)]
fn health(weighted: f64, owed: f64) -> f64 {
    if owed > 0.0 {
        weighted / owed
    } else {
        f64::INFINITY
    }
}

/// Liquidation rules, Aave v3.3 style.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiquidationRules {
    /// Share of a debt that one liquidation may repay (0.5 in Aave).
    pub close_factor: f64,
    /// At or below this health factor the whole debt may be repaid (0.95 in Aave).
    pub full_close_health_factor: f64,
    /// Positions whose debt and collateral values are both below this may be closed in full.
    pub small_position_value: f64,
    /// A liquidation may not leave debt or collateral worth less than this (the no-dust rule):
    /// it is then widened to clear the debt, or the collateral, in full.
    pub min_leftover_value: f64,
}

/// The largest liquidation allowed on an unsafe account: repay `debt_to_cover` of one debt
/// asset, seize `collateral_to_seize` of one collateral asset (bonus included).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiquidationCandidate {
    pub account: usize,
    pub health_factor: f64,
    pub debt_asset: usize,
    pub collateral_asset: usize,
    pub debt_to_cover: f64,
    pub collateral_to_seize: f64,
    /// Value of the bonus the liquidator earns (seized value − repaid value).
    pub bonus_value: f64,
}

/// Finds every account with HF < 1 and sizes its liquidation against its largest debt and largest
/// collateral (by value). `bonuses` are per collateral asset, e.g. 1.05 for a 5 % bonus.
pub fn liquidation_candidates(
    accounts: &Accounts,
    market: &Market,
    bonuses: &[f64],
    rules: &LiquidationRules,
) -> Result<Vec<LiquidationCandidate>> {
    let n = accounts.len()?;
    if bonuses.len() != accounts.collateral.len() {
        return Err(Error::invalid(format!("{} bonuses for {} collateral columns", bonuses.len(), accounts.collateral.len())));
    }
    if let Some(i) = bonuses.iter().position(|b| !(b.is_finite() && *b >= 1.0)) {
        return Err(Error::invalid(format!("bonuses[{i}] must be ≥ 1")));
    }
    if !(rules.close_factor > 0.0 && rules.close_factor <= 1.0) {
        return Err(Error::invalid("closeFactor must be in (0, 1]"));
    }
    let mut hf = vec![0.0; n];
    health_factors(accounts, market, &mut hf)?;
    let mut found = Vec::new();
    for (account, &h) in hf.iter().enumerate().filter(|(_, h)| **h < 1.0) {
        // (index of the largest position by value, its value, the total value)
        let largest = |cols: &[&[f64]], prices: &[f64]| -> (usize, f64, f64) {
            let mut best = (0, 0.0, 0.0);
            for (i, (col, p)) in cols.iter().zip(prices).enumerate() {
                let v = col[account] * p;
                best.2 += v;
                if v > best.1 {
                    (best.0, best.1) = (i, v);
                }
            }
            best
        };
        let (d, debt_value, total_debt) = largest(accounts.debt, market.debt_prices);
        let (c, coll_value, total_coll) = largest(accounts.collateral, market.collateral_prices);
        if coll_value <= 0.0 {
            continue; // nothing to seize: bad debt, not a liquidation
        }
        let (p_debt, p_coll, bonus) = (market.debt_prices[d], market.collateral_prices[c], bonuses[c]);
        let small = total_debt < rules.small_position_value && total_coll < rules.small_position_value;
        let factor = if h <= rules.full_close_health_factor || small { 1.0 } else { rules.close_factor };
        // Collateral caps a liquidation; repayment shrinks to what the seizable collateral buys.
        let size = |cover: f64| -> (f64, f64) {
            let seize = cover * bonus;
            if seize > coll_value { (coll_value / bonus, coll_value) } else { (cover, seize) }
        };
        let (mut cover_value, mut seize_value) = size(debt_value * factor);
        // No dust (Aave 3.3): unless the debt or the collateral is cleared, both leftovers must be
        // worth at least the minimum; otherwise the liquidation widens to the whole debt.
        let clears = cover_value >= debt_value || seize_value >= coll_value;
        let dusty = debt_value - cover_value < rules.min_leftover_value || coll_value - seize_value < rules.min_leftover_value;
        if !clears && dusty {
            (cover_value, seize_value) = size(debt_value);
        }
        found.push(LiquidationCandidate {
            account,
            health_factor: h,
            debt_asset: d,
            collateral_asset: c,
            debt_to_cover: cover_value / p_debt,
            collateral_to_seize: seize_value / p_coll,
            bonus_value: seize_value - cover_value,
        });
    }
    Ok(found)
}

/// Accounts whose debt value in any asset exceeds that asset's limit, with the first asset breached.
pub fn position_limit_breaches(accounts: &Accounts, debt_prices: &[f64], limits: &[f64]) -> Result<Vec<(usize, usize)>> {
    let n = accounts.len()?;
    if debt_prices.len() != accounts.debt.len() || limits.len() != accounts.debt.len() {
        return Err(Error::invalid("one price and one limit per debt column are needed"));
    }
    check_prices(debt_prices, "debtPrices")?;
    check_finite(limits, "limits")?;
    Ok((0..n)
        .filter_map(|a| {
            accounts.debt.iter().zip(debt_prices).zip(limits).position(|((col, p), lim)| col[a] * p > *lim).map(|asset| (a, asset))
        })
        .collect())
}

/// What one stress scenario does to the book.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StressOutcome {
    /// Accounts with HF < 1 after the shock.
    pub unsafe_accounts: u64,
    /// Accounts whose collateral is worth less than their debt (no threshold applied).
    pub insolvent_accounts: u64,
    /// Σ max(0, debt value − collateral value): the bad debt the shock would leave.
    pub shortfall: f64,
}

/// Applies each scenario's relative price shocks (row-major `scenarios × (collateral + debt)`
/// assets, collateral first; −0.2 means a 20 % fall) and reports what each does. Each account is
/// read once for all scenarios, so the scan costs one pass over memory.
pub fn stress(accounts: &Accounts, market: &Market, shocks: &[f64], out: &mut [StressOutcome]) -> Result<()> {
    let n = accounts.len()?;
    market.check(accounts)?;
    let (nc, nd) = (accounts.collateral.len(), accounts.debt.len());
    let width = nc + nd;
    if shocks.len() != out.len() * width {
        return Err(Error::invalid(format!("{} shocks for {} scenarios × {width} assets", shocks.len(), out.len())));
    }
    check_finite(shocks, "shocks")?;
    if let Some(i) = shocks.iter().position(|s| *s <= -1.0) {
        return Err(Error::invalid(format!("shocks[{i}] must be above −1 (a price cannot fall to zero or below)")));
    }
    // Per scenario: shocked price·LT, shocked price, for collateral; shocked price for debt.
    let mut lt_value = Vec::with_capacity(out.len() * nc);
    let mut coll_price = Vec::with_capacity(out.len() * nc);
    let mut debt_price = Vec::with_capacity(out.len() * nd);
    for s in shocks.chunks_exact(width) {
        for i in 0..nc {
            let p = market.collateral_prices[i] * (1.0 + s[i]);
            coll_price.push(p);
            lt_value.push(p * market.liquidation_thresholds[i]);
        }
        for j in 0..nd {
            debt_price.push(market.debt_prices[j] * (1.0 + s[nc + j]));
        }
    }
    out.fill(StressOutcome::default());
    // Accounts go through in chunks copied into L1; each scenario then runs over the chunk in
    // straight loops the compiler vectorises. Memory is read once whatever the scenario count.
    let mut coll_chunk = vec![0.0; nc * STRESS_CHUNK];
    let mut debt_chunk = vec![0.0; nd * STRESS_CHUNK];
    let (mut weighted, mut coll, mut debt) = ([0.0; STRESS_CHUNK], [0.0; STRESS_CHUNK], [0.0; STRESS_CHUNK]);
    for start in (0..n).step_by(STRESS_CHUNK) {
        let len = STRESS_CHUNK.min(n - start);
        for (i, col) in accounts.collateral.iter().enumerate() {
            coll_chunk[i * STRESS_CHUNK..i * STRESS_CHUNK + len].copy_from_slice(&col[start..start + len]);
        }
        for (j, col) in accounts.debt.iter().enumerate() {
            debt_chunk[j * STRESS_CHUNK..j * STRESS_CHUNK + len].copy_from_slice(&col[start..start + len]);
        }
        for (s, o) in out.iter_mut().enumerate() {
            let (weighted, coll, debt) = (&mut weighted[..len], &mut coll[..len], &mut debt[..len]);
            weighted.fill(0.0);
            coll.fill(0.0);
            debt.fill(0.0);
            for i in 0..nc {
                let (w, p) = (lt_value[s * nc + i], coll_price[s * nc + i]);
                for (x, (wa, ca)) in coll_chunk[i * STRESS_CHUNK..i * STRESS_CHUNK + len].iter().zip(weighted.iter_mut().zip(coll.iter_mut())) {
                    *wa += x * w;
                    *ca += x * p;
                }
            }
            for j in 0..nd {
                let p = debt_price[s * nd + j];
                for (x, da) in debt_chunk[j * STRESS_CHUNK..j * STRESS_CHUNK + len].iter().zip(debt.iter_mut()) {
                    *da += x * p;
                }
            }
            let (mut unsafe_accounts, mut insolvent, mut shortfall) = (0u64, 0u64, 0.0);
            for a in 0..len {
                unsafe_accounts += (weighted[a] < debt[a]) as u64;
                let gap = debt[a] - coll[a];
                insolvent += (gap > 0.0) as u64;
                shortfall += gap.max(0.0);
            }
            o.unsafe_accounts += unsafe_accounts;
            o.insolvent_accounts += insolvent;
            o.shortfall += shortfall;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: LiquidationRules =
        LiquidationRules { close_factor: 0.5, full_close_health_factor: 0.95, small_position_value: 2_000.0, min_leftover_value: 1_000.0 };

    #[test]
    fn health_factor_is_aave_formula() {
        // 10 ETH at 2,000 with LT 0.8 and 1 BTC at 30,000 with LT 0.7 against 20,000 USD debt:
        // HF = (10·2000·0.8 + 1·30000·0.7) / 20000 = 37000 / 20000 = 1.85.
        let (eth, btc, usd) = ([10.0, 0.0], [1.0, 0.0], [20_000.0, 0.0]);
        let accounts = Accounts { collateral: &[&eth, &btc], debt: &[&usd] };
        let market = Market { collateral_prices: &[2_000.0, 30_000.0], liquidation_thresholds: &[0.8, 0.7], debt_prices: &[1.0] };
        let mut hf = [0.0; 2];
        health_factors(&accounts, &market, &mut hf).unwrap();
        assert!((hf[0] - 1.85).abs() < 1e-12);
        assert_eq!(hf[1], f64::INFINITY);
    }

    #[test]
    fn every_kernel_shape_matches_the_formula_bit_for_bit() {
        // Shapes with a compiled kernel, and wider ones (9 collateral, 5 debt) that take the loop.
        let n = 1_037;
        let column = |k: usize| -> Vec<f64> { (0..n).map(|a| ((a * (k + 3) + k) % 101) as f64 * 0.37 * (k % 3) as f64).collect() };
        for (nc, nd) in [(0, 1), (1, 0), (1, 1), (4, 2), (8, 4), (9, 2), (3, 5), (9, 5)] {
            let coll: Vec<Vec<f64>> = (0..nc).map(column).collect();
            let debt: Vec<Vec<f64>> = (0..nd).map(|j| column(nc + j)).collect();
            let (c, d): (Vec<&[f64]>, Vec<&[f64]>) = (coll.iter().map(|v| v.as_slice()).collect(), debt.iter().map(|v| v.as_slice()).collect());
            let prices: Vec<f64> = (0..nc.max(nd)).map(|i| 1.5 + i as f64 * 1_000.25).collect();
            let thresholds: Vec<f64> = (0..nc).map(|i| 0.6 + 0.05 * i as f64).collect();
            let market = Market { collateral_prices: &prices[..nc], liquidation_thresholds: &thresholds, debt_prices: &prices[..nd] };
            let mut hf = vec![0.0; n];
            health_factors(&Accounts { collateral: &c, debt: &d }, &market, &mut hf).unwrap();
            for a in 0..n {
                let mut weighted = 0.0;
                for i in 0..nc {
                    weighted += coll[i][a] * (prices[i] * thresholds[i]);
                }
                let mut owed = 0.0;
                for j in 0..nd {
                    owed += debt[j][a] * prices[j];
                }
                let expected = if owed > 0.0 { weighted / owed } else { f64::INFINITY };
                assert_eq!(hf[a].to_bits(), expected.to_bits(), "shape ({nc}, {nd}) account {a}");
            }
        }
    }

    #[test]
    fn liquidation_uses_close_factor_bonus_and_full_close_below_095() {
        // Account 0: HF 0.96 → half the debt. Account 1: HF 0.9 → all of it. Account 2: safe.
        let coll = [12_000.0, 11_250.0, 50_000.0];
        let debt = [10_000.0, 10_000.0, 10_000.0];
        let accounts = Accounts { collateral: &[&coll], debt: &[&debt] };
        let market = Market { collateral_prices: &[1.0], liquidation_thresholds: &[0.8], debt_prices: &[1.0] };
        let found = liquidation_candidates(&accounts, &market, &[1.05], &RULES).unwrap();
        assert_eq!(found.len(), 2);
        assert!((found[0].health_factor - 0.96).abs() < 1e-12);
        assert!((found[0].debt_to_cover - 5_000.0).abs() < 1e-9);
        assert!((found[0].collateral_to_seize - 5_250.0).abs() < 1e-9);
        assert!((found[0].bonus_value - 250.0).abs() < 1e-9);
        assert!((found[1].debt_to_cover - 10_000.0).abs() < 1e-9);
        assert!((found[1].collateral_to_seize - 10_500.0).abs() < 1e-9);
    }

    #[test]
    fn liquidation_leaves_no_dust_and_is_capped_by_collateral() {
        // HF 0.955: half of 1,800 would leave 900 of debt, below the 1,000 minimum: repay it all.
        let (coll, debt) = ([2_150.0], [1_800.0]);
        let accounts = Accounts { collateral: &[&coll], debt: &[&debt] };
        let market = Market { collateral_prices: &[1.0], liquidation_thresholds: &[0.8], debt_prices: &[1.0] };
        let rules = LiquidationRules { small_position_value: 0.0, ..RULES };
        let c = liquidation_candidates(&accounts, &market, &[1.1], &rules).unwrap()[0];
        assert!((c.debt_to_cover - 1_800.0).abs() < 1e-9);
        // The debt is cleared, so the 170 of collateral left is the borrower's, dust or not.
        assert!((c.collateral_to_seize - 1_980.0).abs() < 1e-9);
        // Underwater: collateral caps the seizure and the repayment shrinks to match.
        let (coll, debt) = ([9_000.0], [10_000.0]);
        let accounts = Accounts { collateral: &[&coll], debt: &[&debt] };
        let c = liquidation_candidates(&accounts, &market, &[1.125], &rules).unwrap()[0];
        assert!((c.collateral_to_seize - 9_000.0).abs() < 1e-9);
        assert!((c.debt_to_cover - 8_000.0).abs() < 1e-9);
    }

    #[test]
    fn stress_counts_unsafe_and_shortfall() {
        let coll = [10.0, 10.0];
        let debt = [12_000.0, 5_000.0];
        let accounts = Accounts { collateral: &[&coll], debt: &[&debt] };
        let market = Market { collateral_prices: &[2_000.0], liquidation_thresholds: &[0.8], debt_prices: &[1.0] };
        let shocks = [0.0, 0.0, -0.3, 0.0, -0.5, 0.0];
        let mut out = [StressOutcome::default(); 3];
        stress(&accounts, &market, &shocks, &mut out).unwrap();
        assert_eq!(out[0], StressOutcome { unsafe_accounts: 0, insolvent_accounts: 0, shortfall: 0.0 });
        // −30 %: account 0 has 14,000·0.8 = 11,200 < 12,000 → unsafe, not insolvent.
        assert_eq!((out[1].unsafe_accounts, out[1].insolvent_accounts), (1, 0));
        // −50 %: account 0 collateral 10,000 < 12,000 → insolvent with 2,000 shortfall.
        assert_eq!((out[2].unsafe_accounts, out[2].insolvent_accounts), (1, 1));
        assert!((out[2].shortfall - 2_000.0).abs() < 1e-9);
    }

    #[test]
    fn stress_chunks_agree_with_a_per_account_count() {
        let n = 3 * STRESS_CHUNK + 5;
        let c0: Vec<f64> = (0..n).map(|a| (a % 13) as f64).collect();
        let c1: Vec<f64> = (0..n).map(|a| (a % 7) as f64 * 0.1).collect();
        let d0: Vec<f64> = (0..n).map(|a| (a % 11) as f64 * 900.0).collect();
        let accounts = Accounts { collateral: &[&c0, &c1], debt: &[&d0] };
        let market = Market { collateral_prices: &[1_000.0, 20_000.0], liquidation_thresholds: &[0.8, 0.7], debt_prices: &[1.0] };
        let shocks = [0.0, 0.0, 0.0, -0.2, -0.4, 0.1];
        let mut out = [StressOutcome::default(); 2];
        stress(&accounts, &market, &shocks, &mut out).unwrap();
        for (s, o) in out.iter().enumerate() {
            let sh = &shocks[s * 3..s * 3 + 3];
            let (p0, p1, pd) = (1_000.0 * (1.0 + sh[0]), 20_000.0 * (1.0 + sh[1]), 1.0 + sh[2]);
            let unsafe_count = (0..n).filter(|&a| c0[a] * p0 * 0.8 + c1[a] * p1 * 0.7 < d0[a] * pd).count() as u64;
            let insolvent = (0..n).filter(|&a| c0[a] * p0 + c1[a] * p1 < d0[a] * pd).count() as u64;
            assert_eq!((o.unsafe_accounts, o.insolvent_accounts), (unsafe_count, insolvent), "scenario {s}");
        }
        assert!(out[1].unsafe_accounts > out[0].unsafe_accounts);
    }

    #[test]
    fn position_limits_report_the_first_breached_asset() {
        let (a, b) = ([100.0, 1.0], [1.0, 300.0]);
        let accounts = Accounts { collateral: &[], debt: &[&a, &b] };
        assert_eq!(position_limit_breaches(&accounts, &[2.0, 1.0], &[150.0, 250.0]).unwrap(), vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn rejects_mismatched_columns_nan_prices_and_bad_shocks() {
        let (c, short) = ([1.0, 2.0], [1.0]);
        let accounts = Accounts { collateral: &[&c], debt: &[&short] };
        let market = Market { collateral_prices: &[1.0], liquidation_thresholds: &[0.8], debt_prices: &[1.0] };
        let mut hf = [0.0; 2];
        assert_eq!(health_factors(&accounts, &market, &mut hf).unwrap_err().code(), "INVALID_INPUT");
        let d = [1.0, 1.0];
        let accounts = Accounts { collateral: &[&c], debt: &[&d] };
        let nan = Market { collateral_prices: &[f64::NAN], ..market };
        assert_eq!(health_factors(&accounts, &nan, &mut hf).unwrap_err().code(), "INVALID_INPUT");
        let mut out = [StressOutcome::default()];
        assert_eq!(stress(&accounts, &market, &[-1.0, 0.0], &mut out).unwrap_err().code(), "INVALID_INPUT");
    }
}
