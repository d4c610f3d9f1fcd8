//! Bindings for dynamic fees: Curve v2 `_fee` and Trader Joe Liquidity Book's volatility
//! accumulator.

use crate::convert::{guard, invalid, small_uint, Result, Uint256};
use fluxion_core::amm::fees;
use napi_derive::napi;

/// Largest LB timestamp (uint40), well inside JS's safe integers.
const MAX_TIMESTAMP: f64 = 1_099_511_627_775.0;

fn timestamp(value: f64) -> Result<u64> {
    if !(value.is_finite() && value.fract() == 0.0 && (0.0..=MAX_TIMESTAMP).contains(&value)) {
        return Err(invalid(format!("timestamp must be an integer number of seconds in [0, 2^40 - 1], got {value}")));
    }
    Ok(value as u64)
}

fn bin_id(value: f64) -> Result<u32> {
    small_uint(value, (1 << 24) - 1, "bin id")
}

/// Curve v2 dynamic fee in 1e10 units (1e10 = 100 %) for 2 or 3 balances already scaled to 1e18
/// (`xp`), with `midFee` ≤ `outFee` ≤ 1e10 and `feeGamma` ≤ 1e18: the 2-coin recipe of
/// `CurveCryptoSwap2ETH._fee`, the 3-coin recipe of tricrypto-ng.
#[napi]
pub fn curve_v2_fee(xp: Vec<Uint256>, mid_fee: Uint256, out_fee: Uint256, fee_gamma: Uint256) -> Result<Uint256> {
    guard(|| {
        let balances: Vec<_> = xp.iter().map(|x| x.0).collect();
        fees::curve_v2_fee(&balances, mid_fee.0, out_fee.0, fee_gamma.0).map(Uint256)
    })
}

/// Liquidity Book `FeeHelper.getFeeAmountFrom`: the fee inside an amount that includes it
/// (rounded up). `totalFee` is a 1e18 fraction, at most 0.1e18.
#[napi]
pub fn lb_fee_amount_from(amount_with_fees: Uint256, total_fee: Uint256) -> Result<Uint256> {
    guard(|| {
        let amount = u128::try_from(amount_with_fees.0).map_err(|_| fluxion_core::Error::invalid("amount must fit 128 bits"))?;
        fees::lb_fee_amount_from(amount, total_fee.0).map(|v| Uint256(fluxion_core::U256::from(v)))
    })
}

/// Liquidity Book `FeeHelper.getFeeAmount`: the fee to add on top of a net amount (rounded up).
#[napi]
pub fn lb_fee_amount(amount: Uint256, total_fee: Uint256) -> Result<Uint256> {
    guard(|| {
        let amount = u128::try_from(amount.0).map_err(|_| fluxion_core::Error::invalid("amount must fit 128 bits"))?;
        fees::lb_fee_amount(amount, total_fee.0).map(|v| Uint256(fluxion_core::U256::from(v)))
    })
}

/// Static fee parameters of a Liquidity Book pair (`setStaticFeeParameters`).
#[napi(object)]
pub struct LbFeeParameters {
    /// Base factor (uint16): base fee = baseFactor · binStep · 1e10.
    pub base_factor: f64,
    /// Filter period in seconds (≤ decayPeriod).
    pub filter_period: f64,
    /// Decay period in seconds (≤ 4095).
    pub decay_period: f64,
    /// Reduction factor in bps (≤ 10 000).
    pub reduction_factor: f64,
    /// Variable fee control (uint24).
    pub variable_fee_control: f64,
    /// Protocol share in bps (≤ 2 500).
    pub protocol_share: f64,
    /// Maximum volatility accumulator (≤ 2^20 − 1).
    pub max_volatility_accumulator: f64,
}

/// Trader Joe Liquidity Book volatility accumulator for one pair (`PairParameterHelper`): call
/// `updateReferences(now)` once per swap, `updateVolatilityAccumulator(id)` for each bin crossed
/// before reading `totalFee()`, then `setActiveId`. Fees are 1e18 fractions, times in seconds.
#[napi]
pub struct LiquidityBookVolatility {
    state: fees::VolatilityAccumulator,
}

#[napi]
impl LiquidityBookVolatility {
    /// Parameters, the active bin id (uint24), bin step (1–65 535 bps) and current time (seconds).
    #[napi(constructor)]
    pub fn new(parameters: LbFeeParameters, active_id: f64, bin_step: f64, now: f64) -> Result<Self> {
        let p = &parameters;
        let base_factor = small_uint(p.base_factor, u16::MAX as u32, "baseFactor")? as u16;
        let filter_period = small_uint(p.filter_period, u16::MAX as u32, "filterPeriod")? as u16;
        let decay_period = small_uint(p.decay_period, u16::MAX as u32, "decayPeriod")? as u16;
        let reduction_factor = small_uint(p.reduction_factor, u16::MAX as u32, "reductionFactor")? as u16;
        let variable_fee_control = small_uint(p.variable_fee_control, (1 << 24) - 1, "variableFeeControl")?;
        let protocol_share = small_uint(p.protocol_share, u16::MAX as u32, "protocolShare")? as u16;
        let max_acc = small_uint(p.max_volatility_accumulator, (1 << 20) - 1, "maxVolatilityAccumulator")?;
        let active_id = bin_id(active_id)?;
        let bin_step = small_uint(bin_step, u16::MAX as u32, "binStep")? as u16;
        let now = timestamp(now)?;
        guard(|| {
            fees::VolatilityAccumulator::new(
                base_factor,
                filter_period,
                decay_period,
                reduction_factor,
                variable_fee_control,
                protocol_share,
                max_acc,
                active_id,
                bin_step,
                now,
            )
            .map(|state| Self { state })
        })
    }

    /// Current volatility accumulator.
    #[napi(getter)]
    pub fn volatility_accumulator(&self) -> u32 {
        self.state.volatility_accumulator
    }

    /// Volatility reference.
    #[napi(getter)]
    pub fn volatility_reference(&self) -> u32 {
        self.state.volatility_reference
    }

    /// Id reference.
    #[napi(getter)]
    pub fn id_reference(&self) -> u32 {
        self.state.id_reference
    }

    /// Active bin id.
    #[napi(getter)]
    pub fn active_id(&self) -> u32 {
        self.state.active_id
    }

    /// Time of the last update (seconds).
    #[napi(getter)]
    pub fn time_of_last_update(&self) -> f64 {
        self.state.time_of_last_update as f64
    }

    /// Base fee (1e18 = 100 %).
    #[napi]
    pub fn base_fee(&self) -> Uint256 {
        Uint256(self.state.base_fee())
    }

    /// Variable fee (1e18 = 100 %), rounded up as LB does.
    #[napi]
    pub fn variable_fee(&self) -> Uint256 {
        Uint256(self.state.variable_fee())
    }

    /// Base + variable fee (1e18 = 100 %).
    #[napi]
    pub fn total_fee(&self) -> Uint256 {
        Uint256(self.state.total_fee())
    }

    /// `updateReferences(timestamp)`; `INVALID_INPUT` for a time before the last update.
    #[napi]
    pub fn update_references(&mut self, now: f64) -> Result<()> {
        let now = timestamp(now)?;
        guard(|| self.state.update_references(now))
    }

    /// `updateVolatilityAccumulator(activeId)` for a bin the swap is in.
    #[napi]
    pub fn update_volatility_accumulator(&mut self, active_id: f64) -> Result<()> {
        let id = bin_id(active_id)?;
        guard(|| self.state.update_volatility_accumulator(id))
    }

    /// `updateVolatilityParameters(activeId, timestamp)`: references then accumulator; on error
    /// nothing changes.
    #[napi]
    pub fn update_volatility_parameters(&mut self, active_id: f64, now: f64) -> Result<()> {
        let id = bin_id(active_id)?;
        let now = timestamp(now)?;
        guard(|| self.state.update_volatility_parameters(id, now))
    }

    /// Stores the bin the price now sits in.
    #[napi]
    pub fn set_active_id(&mut self, active_id: f64) -> Result<()> {
        let id = bin_id(active_id)?;
        guard(|| self.state.set_active_id(id))
    }
}
