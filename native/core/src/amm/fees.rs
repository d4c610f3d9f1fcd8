//! Dynamic fees.
//!
//! - [`curve_v2_fee`]: Curve v2's imbalance-dependent fee, `_fee(xp)` of the crypto pools:
//!   `f = fee_gamma / (fee_gamma + 1 − K)`, `K = Πx·Nᴺ / (Σx)ᴺ`, `fee = mid_fee·f + out_fee·(1 − f)`.
//!   N = 2 follows `CurveCryptoSwap2ETH._fee` (curvefi/twocrypto-ng `contracts/old`), N = 3
//!   follows tricrypto-ng `CurveCryptoMathOptimized3._reduction_coefficient` and
//!   `CurveTricryptoOptimized._fee`; the integer order of operations differs between them and is
//!   kept. Units: balances `xp` already scaled to a common 1e18 precision, `fee_gamma` in 1e18,
//!   `mid_fee` / `out_fee` and the result in 1e10 (1e10 = 100 %, as Curve's `FEE_DENOMINATOR`).
//! - [`VolatilityAccumulator`]: Trader Joe Liquidity Book's variable fee state
//!   (traderjoe-xyz/joe-v2 `PairParameterHelper`), and LB's fee-amount helpers (`FeeHelper`).
//!   Fees are 1e18 fractions (1e18 = 100 %); times are seconds; the accumulator and reference are in
//!   basis points of a bin move times 10 000 (`deltaId · 10 000`).

use crate::{Error, Result, U256};

/// 1e18.
const WAD: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);
/// Curve's fee denominator: 1e10 = 100 %.
pub const CURVE_FEE_DENOMINATOR: u64 = 10_000_000_000;

fn overflow() -> Error {
    Error::Overflow("Curve v2 fee intermediate exceeds uint256")
}

fn mul(a: U256, b: U256) -> Result<U256> {
    a.checked_mul(b).ok_or_else(overflow)
}

fn div(a: U256, b: U256) -> Result<U256> {
    if b.is_zero() {
        return Err(Error::invalid("Curve v2 fee: division by zero (fee_gamma = 0 at perfect balance)"));
    }
    Ok(a / b)
}

/// Curve v2 dynamic fee (1e10 units) for normalised balances `xp` (2 or 3 coins, 1e18 precision).
///
/// Validation: 2 or 3 positive balances, `mid_fee ≤ out_fee ≤ 1e10`, `fee_gamma ≤ 1e18`
/// (tricrypto accepts `fee_gamma = 0` and then uses `K` itself; the two-coin pool divides by zero
/// there only at perfect balance, which is reported as `INVALID_INPUT`).
pub fn curve_v2_fee(xp: &[U256], mid_fee: U256, out_fee: U256, fee_gamma: U256) -> Result<U256> {
    if !(xp.len() == 2 || xp.len() == 3) {
        return Err(Error::invalid(format!("Curve v2 fee needs 2 or 3 balances, got {}", xp.len())));
    }
    if xp.iter().any(|x| x.is_zero()) {
        return Err(Error::invalid("Curve v2 balances must be positive"));
    }
    if mid_fee > out_fee || out_fee > U256::from(CURVE_FEE_DENOMINATOR) {
        return Err(Error::invalid("Curve v2 fees need mid_fee <= out_fee <= 1e10"));
    }
    if fee_gamma > WAD {
        return Err(Error::invalid("Curve v2 fee_gamma must be at most 1e18"));
    }
    let sum = xp.iter().try_fold(U256::ZERO, |acc, x| acc.checked_add(*x)).ok_or_else(overflow)?;
    let f = if xp.len() == 2 {
        // fee_gamma·1e18 / (fee_gamma + 1e18 − 4e18·x0/S·x1/S), left to right as the reference.
        let k = div(mul(div(mul(mul(WAD, U256::from(4))?, xp[0])?, sum)?, xp[1])?, sum)?;
        let denominator = (fee_gamma + WAD).checked_sub(k).ok_or_else(overflow)?;
        div(mul(fee_gamma, WAD)?, denominator)?
    } else {
        let n = U256::from(3);
        let mut k = div(mul(mul(WAD, n)?, xp[0])?, sum)?;
        k = div(mul(mul(k, n)?, xp[1])?, sum)?;
        k = div(mul(mul(k, n)?, xp[2])?, sum)?;
        if fee_gamma.is_zero() {
            k
        } else {
            let denominator = (fee_gamma + WAD).checked_sub(k).ok_or_else(overflow)?;
            div(mul(fee_gamma, WAD)?, denominator)?
        }
    };
    let rest = WAD.checked_sub(f).ok_or_else(overflow)?;
    let total = mul(mid_fee, f)?.checked_add(mul(out_fee, rest)?).ok_or_else(overflow)?;
    Ok(total / WAD)
}

/// Largest total fee LB's `FeeHelper` accepts (10 %, `Constants.MAX_FEE`).
pub const LB_MAX_FEE: U256 = U256::from_limbs([100_000_000_000_000_000, 0, 0, 0]);
/// LB basis points (`Constants.BASIS_POINT_MAX`).
pub const LB_BASIS_POINT_MAX: u64 = 10_000;
const MASK_UINT12: u32 = (1 << 12) - 1;
const MASK_UINT20: u32 = (1 << 20) - 1;
const MASK_UINT24: u32 = (1 << 24) - 1;
const MAX_UINT40: u64 = (1 << 40) - 1;

/// Trader Joe Liquidity Book's volatility accumulator and fee parameters for one pair
/// (`PairParameterHelper`, the packed `bytes32` parameters unpacked into fields).
///
/// A swap calls [`update_references`](Self::update_references) once with the block time, then for
/// every bin it touches [`update_volatility_accumulator`](Self::update_volatility_accumulator) with
/// that bin's id before reading [`total_fee`](Self::total_fee), and finally stores the new active
/// id — exactly the order of `LBPair.swap`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VolatilityAccumulator {
    /// Base fee factor: base fee = `base_factor · bin_step · 1e10` (1e18 = 100 %).
    pub base_factor: u16,
    /// Seconds within which a new swap keeps the references (high-frequency filter), ≤ decay.
    pub filter_period: u16,
    /// Seconds after which the volatility reference resets to 0 (≤ 4095).
    pub decay_period: u16,
    /// Share of the accumulator kept as reference between filter and decay, in bps (≤ 10 000).
    pub reduction_factor: u16,
    /// Variable fee control `A` (uint24): variable fee = `⌈(acc·bin_step)²·A / 100⌉`.
    pub variable_fee_control: u32,
    /// Protocol share of the fee in bps (≤ 2 500); carried, not used by the fee itself.
    pub protocol_share: u16,
    /// Cap of the accumulator (≤ 2²⁰ − 1).
    pub max_volatility_accumulator: u32,
    /// Current accumulator (uint20).
    pub volatility_accumulator: u32,
    /// Volatility reference (uint20).
    pub volatility_reference: u32,
    /// Id reference (uint24).
    pub id_reference: u32,
    /// Time of the last update, seconds (uint40).
    pub time_of_last_update: u64,
    /// Active bin id (uint24).
    pub active_id: u32,
    /// Bin step in bps of price per bin.
    pub bin_step: u16,
}

impl VolatilityAccumulator {
    /// Static parameters as `setStaticFeeParameters` validates them, with the accumulator and
    /// references at zero, the id reference at `active_id`, and the clock at `now`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        base_factor: u16,
        filter_period: u16,
        decay_period: u16,
        reduction_factor: u16,
        variable_fee_control: u32,
        protocol_share: u16,
        max_volatility_accumulator: u32,
        active_id: u32,
        bin_step: u16,
        now: u64,
    ) -> Result<Self> {
        if filter_period > decay_period
            || u32::from(decay_period) > MASK_UINT12
            || u64::from(reduction_factor) > LB_BASIS_POINT_MAX
            || protocol_share > 2_500
            || max_volatility_accumulator > MASK_UINT20
            || variable_fee_control > MASK_UINT24
        {
            return Err(Error::invalid(
                "LB static fee parameters: need filter <= decay <= 4095, reduction <= 10000, protocol share <= 2500, max accumulator < 2^20, variable fee control < 2^24",
            ));
        }
        if active_id > MASK_UINT24 {
            return Err(Error::invalid("LB active id must fit 24 bits"));
        }
        if now > MAX_UINT40 {
            return Err(Error::invalid("LB timestamp must fit 40 bits"));
        }
        if bin_step == 0 {
            return Err(Error::invalid("LB bin step must be positive"));
        }
        Ok(Self {
            base_factor,
            filter_period,
            decay_period,
            reduction_factor,
            variable_fee_control,
            protocol_share,
            max_volatility_accumulator,
            volatility_accumulator: 0,
            volatility_reference: 0,
            id_reference: active_id,
            time_of_last_update: now,
            active_id,
            bin_step,
        })
    }

    /// `getBaseFee`: `base_factor · bin_step · 1e10`.
    pub fn base_fee(&self) -> U256 {
        U256::from(self.base_factor) * U256::from(self.bin_step) * U256::from(10_000_000_000u64)
    }

    /// `getVariableFee`: `⌈(accumulator · bin_step)² · A / 100⌉` (0 when `A` = 0).
    pub fn variable_fee(&self) -> U256 {
        if self.variable_fee_control == 0 {
            return U256::ZERO;
        }
        let prod = U256::from(self.volatility_accumulator) * U256::from(self.bin_step);
        (prod * prod * U256::from(self.variable_fee_control) + U256::from(99)) / U256::from(100)
    }

    /// `getTotalFee`: base + variable fee (1e18 = 100 %; the parameter widths keep it in u128).
    pub fn total_fee(&self) -> U256 {
        self.base_fee() + self.variable_fee()
    }

    /// `updateReferences(timestamp)`: after at least `filter_period` seconds the id reference moves
    /// to the active id and the volatility reference decays to `accumulator · reduction / 10 000`
    /// (or to 0 after `decay_period`). Rejects a time before the last update or beyond 40 bits,
    /// and changes nothing then.
    pub fn update_references(&mut self, timestamp: u64) -> Result<()> {
        if timestamp > MAX_UINT40 {
            return Err(Error::invalid("LB timestamp must fit 40 bits"));
        }
        let dt = timestamp
            .checked_sub(self.time_of_last_update)
            .ok_or_else(|| Error::invalid("LB timestamp is before the last update"))?;
        if dt >= u64::from(self.filter_period) {
            self.id_reference = self.active_id;
            self.volatility_reference = if dt < u64::from(self.decay_period) {
                // reduction ≤ 10 000 keeps this ≤ the accumulator, so within 20 bits.
                (u64::from(self.volatility_accumulator) * u64::from(self.reduction_factor) / LB_BASIS_POINT_MAX) as u32
            } else {
                0
            };
        }
        self.time_of_last_update = timestamp;
        Ok(())
    }

    /// `updateVolatilityAccumulator(activeId)`: `min(reference + |id − id_ref| · 10 000, max)`.
    pub fn update_volatility_accumulator(&mut self, active_id: u32) -> Result<()> {
        if active_id > MASK_UINT24 {
            return Err(Error::invalid("LB active id must fit 24 bits"));
        }
        let delta_id = u64::from(active_id.abs_diff(self.id_reference));
        let acc = u64::from(self.volatility_reference) + delta_id * LB_BASIS_POINT_MAX;
        self.volatility_accumulator = acc.min(u64::from(self.max_volatility_accumulator)) as u32;
        Ok(())
    }

    /// `updateVolatilityParameters(activeId, timestamp)`: references, then accumulator. On error
    /// nothing changes.
    pub fn update_volatility_parameters(&mut self, active_id: u32, timestamp: u64) -> Result<()> {
        let mut next = *self;
        next.update_references(timestamp)?;
        next.update_volatility_accumulator(active_id)?;
        *self = next;
        Ok(())
    }

    /// `setActiveId`: the bin the pair's price now sits in.
    pub fn set_active_id(&mut self, active_id: u32) -> Result<()> {
        if active_id > MASK_UINT24 {
            return Err(Error::invalid("LB active id must fit 24 bits"));
        }
        self.active_id = active_id;
        Ok(())
    }
}

fn check_lb_fee(total_fee: U256) -> Result<()> {
    if total_fee > LB_MAX_FEE {
        return Err(Error::invalid("LB total fee exceeds 10 % (FeeHelper__FeeTooLarge)"));
    }
    Ok(())
}

/// LB `FeeHelper.getFeeAmountFrom`: the fee inside an amount that already includes it,
/// `⌈amount · fee / 1e18⌉`.
pub fn lb_fee_amount_from(amount_with_fees: u128, total_fee: U256) -> Result<u128> {
    check_lb_fee(total_fee)?;
    let fee = (U256::from(amount_with_fees) * total_fee + WAD - U256::from(1)) / WAD;
    Ok(fee.to::<u128>())
}

/// LB `FeeHelper.getFeeAmount`: the fee to add on top of a net amount,
/// `⌈amount · fee / (1e18 − fee)⌉`.
pub fn lb_fee_amount(amount: u128, total_fee: U256) -> Result<u128> {
    check_lb_fee(total_fee)?;
    let denominator = WAD - total_fee;
    let fee = (U256::from(amount) * total_fee + denominator - U256::from(1)) / denominator;
    u128::try_from(fee).map_err(|_| Error::Overflow("LB fee amount exceeds uint128"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amm::testing::{E18, u};


    #[test]
    fn curve_v2_fee_is_mid_fee_at_balance_and_tends_to_out_fee() {
        // At perfect balance K = 1 ⇒ f = 1 ⇒ fee = mid_fee for any fee_gamma.
        let (mid, out, gamma) = (u(3_000_000), u(30_000_000), u(500_000_000_000_000));
        assert_eq!(curve_v2_fee(&[u(E18), u(E18)], mid, out, gamma).unwrap(), mid);
        assert_eq!(curve_v2_fee(&[u(E18), u(E18), u(E18)], mid, out, gamma).unwrap(), mid);
        let skewed = curve_v2_fee(&[u(E18), u(100 * E18)], mid, out, gamma).unwrap();
        assert!(skewed > mid && skewed <= out);
    }

    #[test]
    fn curve_v2_fee_follows_the_integer_recipes() {
        // Independent evaluation of the reference expressions for xp = (1e18, 3e18[, 2e18]).
        let (mid, out, gamma) = (u(26_000_000), u(45_000_000), u(230_000_000_000_000));
        let s2 = u(4 * E18);
        let k2 = u(4 * E18) * u(E18) / s2 * u(3 * E18) / s2; // 0.75e18
        assert_eq!(k2, u(750_000_000_000_000_000));
        let f2 = gamma * u(E18) / (gamma + u(E18) - k2);
        let fee2 = (mid * f2 + out * (u(E18) - f2)) / u(E18);
        assert_eq!(curve_v2_fee(&[u(E18), u(3 * E18)], mid, out, gamma).unwrap(), fee2);
        let s3 = u(6 * E18);
        let mut k3 = u(3 * E18) * u(E18) / s3;
        k3 = k3 * u(3) * u(3 * E18) / s3;
        k3 = k3 * u(3) * u(2 * E18) / s3;
        let f3 = gamma * u(E18) / (gamma + u(E18) - k3);
        let fee3 = (mid * f3 + out * (u(E18) - f3)) / u(E18);
        assert_eq!(curve_v2_fee(&[u(E18), u(3 * E18), u(2 * E18)], mid, out, gamma).unwrap(), fee3);
    }

    #[test]
    fn curve_v2_fee_rejects_bad_input() {
        let e = |xp: &[U256], m: u128, o: u128, g: u128| curve_v2_fee(xp, u(m), u(o), u(g)).unwrap_err().code();
        assert_eq!(e(&[u(1)], 1, 2, 1), "INVALID_INPUT");
        assert_eq!(e(&[u(1), U256::ZERO], 1, 2, 1), "INVALID_INPUT");
        assert_eq!(e(&[u(1), u(1)], 3, 2, 1), "INVALID_INPUT");
        assert_eq!(e(&[u(1), u(1)], 1, 2, E18 + 1), "INVALID_INPUT");
        assert_eq!(e(&[u(E18), u(E18)], 1, 2, 0), "INVALID_INPUT");
        assert_eq!(curve_v2_fee(&[U256::MAX, u(1)], u(1), u(2), u(1)).unwrap_err().code(), "OVERFLOW");
    }

    fn lb() -> VolatilityAccumulator {
        // joe-v2 test/helpers/TestHelper.sol DEFAULT_* pair parameters: bin step 10, base factor
        // 5000, filter 30 s, decay 600 s, reduction 5000, variable fee control 40000, protocol
        // share 1000, max accumulator 350000.
        VolatilityAccumulator::new(5_000, 30, 600, 5_000, 40_000, 1_000, 350_000, 8_388_608, 10, 1_000).unwrap()
    }

    #[test]
    fn lb_base_and_variable_fee_rounding() {
        let mut p = lb();
        assert_eq!(p.base_fee(), u(5_000 * 10 * 10_000_000_000)); // 0.05 %
        assert_eq!(p.variable_fee(), U256::ZERO);
        p.update_volatility_parameters(8_388_608 + 3, 1_010).unwrap();
        assert_eq!(p.volatility_accumulator, 30_000);
        // (30000·10)²·40000/100 = 3.6e13 exactly.
        assert_eq!(p.variable_fee(), u(36_000_000_000_000));
        assert_eq!(p.total_fee(), u(536_000_000_000_000));
        p.volatility_accumulator = 1;
        p.bin_step = 25;
        p.variable_fee_control = 3;
        assert_eq!(p.variable_fee(), u(19)); // ⌈625·3/100⌉ = ⌈18.75⌉
    }

    #[test]
    fn lb_references_follow_filter_and_decay() {
        let mut p = lb();
        p.update_volatility_parameters(8_388_608 + 5, 1_000).unwrap();
        assert_eq!(p.volatility_accumulator, 50_000);
        p.set_active_id(8_388_608 + 5).unwrap();
        // Within the filter period: references kept, accumulator grows with the distance.
        p.update_volatility_parameters(8_388_608 + 7, 1_010).unwrap();
        assert_eq!((p.id_reference, p.volatility_reference, p.volatility_accumulator), (8_388_608, 0, 70_000));
        p.set_active_id(8_388_608 + 7).unwrap();
        // Between filter and decay: id reference moves, reference = 70000·5000/10000.
        p.update_volatility_parameters(8_388_608 + 8, 1_100).unwrap();
        assert_eq!((p.id_reference, p.volatility_reference, p.volatility_accumulator), (8_388_615, 35_000, 45_000));
        // Capped at the maximum.
        p.update_volatility_parameters(8_388_615 + 100, 1_101).unwrap();
        assert_eq!(p.volatility_accumulator, 350_000);
        p.set_active_id(8_388_615 + 100).unwrap();
        // After the decay period the reference resets.
        p.update_volatility_parameters(8_388_715, 5_000).unwrap();
        assert_eq!((p.id_reference, p.volatility_reference, p.volatility_accumulator), (8_388_715, 0, 0));
        let before = p;
        assert_eq!(p.update_volatility_parameters(1, 4_999).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(p.update_volatility_parameters(1 << 24, 6_000).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(p, before);
    }

    #[test]
    fn lb_fee_helpers_round_up() {
        let fee = u(3 * E18 / 1000); // 0.3 %
        assert_eq!(lb_fee_amount_from(1_000, fee).unwrap(), 3);
        assert_eq!(lb_fee_amount_from(1_001, fee).unwrap(), 4); // 3.003 ⇒ 4
        assert_eq!(lb_fee_amount(997, fee).unwrap(), 3); // 997·0.003/0.997 = 3
        assert_eq!(lb_fee_amount(1, LB_MAX_FEE + u(1)).unwrap_err().code(), "INVALID_INPUT");
    }

    #[test]
    fn lb_static_parameters_are_validated() {
        let e = |r: Result<VolatilityAccumulator>| r.unwrap_err().code();
        assert_eq!(e(VolatilityAccumulator::new(1, 601, 600, 0, 0, 0, 0, 0, 1, 0)), "INVALID_INPUT");
        assert_eq!(e(VolatilityAccumulator::new(1, 0, 4096, 0, 0, 0, 0, 0, 1, 0)), "INVALID_INPUT");
        assert_eq!(e(VolatilityAccumulator::new(1, 0, 1, 10_001, 0, 0, 0, 0, 1, 0)), "INVALID_INPUT");
        assert_eq!(e(VolatilityAccumulator::new(1, 0, 1, 0, 0, 2_501, 0, 0, 1, 0)), "INVALID_INPUT");
        assert_eq!(e(VolatilityAccumulator::new(1, 0, 1, 0, 0, 0, 1 << 20, 0, 1, 0)), "INVALID_INPUT");
        assert_eq!(e(VolatilityAccumulator::new(1, 0, 1, 0, 1 << 24, 0, 0, 0, 1, 0)), "INVALID_INPUT");
    }
}
