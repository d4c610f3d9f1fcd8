//! Bindings for the oracle-anchored PMM (DODO V2 `PMMPricing` / `DODOMath`, DPP bookkeeping).

use crate::convert::{from_core, guard, guard_js, js_error, Int256, narrow_u128, read_u128, small_uint, u128_count, write_u128, Result, Uint256, Uint256Tuple};
use fluxion_core::amm::pmm;
use fluxion_core::U256;
use napi::bindgen_prelude::BigUint64Array;
use napi_derive::napi;
use std::cell::Cell;

/// `DODOMath._GeneralIntegrate(V0, V1, V2, i, k)`: the other token's amount for moving from V1 to
/// V2 around target V0 (1e18 fixed point, rounded down).
#[napi]
pub fn pmm_general_integrate(v0: Uint256, v1: Uint256, v2: Uint256, i: Uint256, k: Uint256) -> Result<Uint256> {
    guard(|| pmm::general_integrate(v0.0, v1.0, v2.0, i.0, k.0).map(Uint256))
}

/// `DODOMath._SolveQuadraticFunctionForTrade(V0, V1, delta, i, k)`: the amount paid out when
/// `delta` is sold into the curve (closed forms for k = 0 and k = 1).
#[napi]
pub fn pmm_solve_quadratic_for_trade(v0: Uint256, v1: Uint256, delta: Uint256, i: Uint256, k: Uint256) -> Result<Uint256> {
    guard(|| pmm::solve_quadratic_for_trade(v0.0, v1.0, delta.0, i.0, k.0).map(Uint256))
}

/// `DODOMath._SolveQuadraticFunctionForTarget(V1, delta, i, k)`: the target implied by a reserve
/// and the amount of the other token it has taken in.
#[napi]
pub fn pmm_solve_quadratic_for_target(v1: Uint256, delta: Uint256, i: Uint256, k: Uint256) -> Result<Uint256> {
    guard(|| pmm::solve_quadratic_for_target(v1.0, delta.0, i.0, k.0).map(Uint256))
}

/// Stateless `querySellBase` / `querySellQuote` of a DPP given its stored state (reserves, stored
/// targets, R as 0/1/2, fee rates): the amount the trader receives after fees. `sellBase` picks the
/// direction. For repeated quotes on one pool, `OraclePool` avoids re-validating the state.
#[napi]
#[allow(clippy::too_many_arguments)]
pub fn pmm_query_sell(
    i: Uint256,
    k: Uint256,
    base_reserve: Uint256,
    quote_reserve: Uint256,
    base_target: Uint256,
    quote_target: Uint256,
    r_state: f64,
    lp_fee_rate: Uint256,
    mt_fee_rate: Uint256,
    amount: Uint256,
    sell_base: bool,
) -> Result<Uint256> {
    let r_code = small_uint(r_state, 2, "rState")?;
    guard(|| {
        let r = pmm::RState::from_code(r_code)?;
        let pool = pmm::OraclePool::from_state(i.0, k.0, base_reserve.0, quote_reserve.0, base_target.0, quote_target.0, r, lp_fee_rate.0, mt_fee_rate.0)?;
        let quote = if sell_base { pool.quote_sell_base(amount.0)? } else { pool.quote_sell_quote(amount.0)? };
        Ok(Uint256(quote.receive))
    })
}

/// A PMM quote: what the trader gets, the fees, and the state the trade leads to.
#[napi(object)]
pub struct PmmQuote {
    /// Paid to the trader, after both fees.
    pub receive: Uint256,
    /// Maintainer fee (paid out of the pool).
    pub mt_fee: Uint256,
    /// LP fee (stays in the pool).
    pub lp_fee: Uint256,
    /// R after the trade: 0 = ONE, 1 = ABOVE_ONE, 2 = BELOW_ONE.
    pub new_r: u32,
    /// The adjusted target stored on the traded side if R changes (B0 selling base, Q0 selling quote).
    pub new_target: Uint256,
}

impl From<pmm::PmmQuote> for PmmQuote {
    fn from(q: pmm::PmmQuote) -> Self {
        PmmQuote {
            receive: Uint256(q.receive),
            mt_fee: Uint256(q.mt_fee),
            lp_fee: Uint256(q.lp_fee),
            new_r: q.new_r.code(),
            new_target: Uint256(q.new_target),
        }
    }
}

/// The PMM state as DODO's `getPMMState` returns it: targets adjusted to the reserves.
#[napi(object)]
pub struct PmmState {
    /// Oracle price (quote per base, 1e18).
    pub i: Uint256,
    /// Slippage k (1e18 = 1).
    pub k: Uint256,
    /// Base reserve.
    pub b: Uint256,
    /// Quote reserve.
    pub q: Uint256,
    /// Base target (adjusted).
    pub b0: Uint256,
    /// Quote target (adjusted).
    pub q0: Uint256,
    /// R: 0 = ONE, 1 = ABOVE_ONE, 2 = BELOW_ONE.
    pub r: u32,
}

/// Fluxion's hybrid oracle pool, exact to a DODO V2 private pool (DPP): the price is anchored at
/// oracle price `i` (quote per base, 1e18), `k` in [0, 1e18] blends a fixed-price market (k = 0)
/// with constant product (k = 1). Fees are 1e18 fractions taken on the output. Held in native memory.
///
/// The pool remembers its last detailed quote (`quoteFill`, `quoteSell*Detailed`) with the state it
/// was computed on: a swap of exactly that sale on that unchanged state settles it without
/// computing the curve again (same inputs, same state, same deterministic result).
#[napi]
pub struct OraclePool {
    pool: pmm::OraclePool,
    // A quote leaves the pool as it is, so it takes `&self`; the memo is interior state.
    last_quote: Cell<Option<pmm::QuotedSale>>,
}

impl OraclePool {
    fn wrap(pool: pmm::OraclePool) -> Self {
        Self { pool, last_quote: Cell::new(None) }
    }

    /// A detailed quote, remembered for the swap that may follow (a failed quote forgets).
    fn quote_remembered(&self, amount: Uint256, sell_base: bool) -> fluxion_core::Result<pmm::PmmQuote> {
        self.last_quote.set(None);
        let sale = self.pool.quote_sale(amount.0, sell_base)?;
        self.last_quote.set(Some(sale));
        Ok(*sale.quote())
    }

    fn swap(&mut self, amount: Uint256, sell_base: bool, min_out: Uint256) -> fluxion_core::Result<pmm::PmmQuote> {
        self.pool.swap(amount.0, sell_base, min_out.0, self.last_quote.get().as_ref())
    }
}

fn quote_batch(pool: &pmm::OraclePool, amounts_in: &[u64], sell_base: bool) -> Result<BigUint64Array> {
    let count = u128_count(amounts_in, "amountsIn")?;
    let state = pool.state().map_err(from_core)?;
    let mut out = vec![0u64; 2 * count];
    for index in 0..count {
        let amount = U256::from(read_u128(amounts_in, index));
        let quote = pool
            .quote_at(&state, amount, sell_base)
            .map_err(|e| js_error(e.code(), format!("amountsIn[{index}]: {e}")))?;
        write_u128(&mut out, index, narrow_u128(quote.receive, "amount out")?);
    }
    Ok(BigUint64Array::new(out))
}

#[napi]
impl OraclePool {
    /// A freshly reset pool (DPP `reset`): targets equal to the reserves, R = ONE. `i` in
    /// (0, 1e36], `k` ≤ 1e18, `lpFeeRate + mtFeeRate` < 1e18, reserves positive and ≤ 2^112 − 1.
    #[napi(constructor)]
    pub fn new(i: Uint256, k: Uint256, base_reserve: Uint256, quote_reserve: Uint256, lp_fee_rate: Uint256, mt_fee_rate: Uint256) -> Result<Self> {
        guard(|| pmm::OraclePool::new(i.0, k.0, base_reserve.0, quote_reserve.0, lp_fee_rate.0, mt_fee_rate.0).map(Self::wrap))
    }

    /// A pool from its stored state (reserves, stored targets, R as 0/1/2), e.g. to restore it.
    #[napi(factory)]
    #[allow(clippy::too_many_arguments)]
    pub fn from_state(
        i: Uint256,
        k: Uint256,
        base_reserve: Uint256,
        quote_reserve: Uint256,
        base_target: Uint256,
        quote_target: Uint256,
        r_state: f64,
        lp_fee_rate: Uint256,
        mt_fee_rate: Uint256,
    ) -> Result<Self> {
        let r_code = small_uint(r_state, 2, "rState")?;
        guard(|| {
            let r = pmm::RState::from_code(r_code)?;
            pmm::OraclePool::from_state(i.0, k.0, base_reserve.0, quote_reserve.0, base_target.0, quote_target.0, r, lp_fee_rate.0, mt_fee_rate.0)
                .map(Self::wrap)
        })
    }

    /// Oracle price i (quote per base, 1e18).
    #[napi(getter)]
    pub fn i(&self) -> Uint256 {
        Uint256(self.pool.i)
    }

    /// Slippage k (1e18 = 1).
    #[napi(getter)]
    pub fn k(&self) -> Uint256 {
        Uint256(self.pool.k)
    }

    /// Base reserve.
    #[napi(getter)]
    pub fn base_reserve(&self) -> Uint256 {
        Uint256(self.pool.base_reserve)
    }

    /// Quote reserve.
    #[napi(getter)]
    pub fn quote_reserve(&self) -> Uint256 {
        Uint256(self.pool.quote_reserve)
    }

    /// Stored base target (as the DPP stores it; see `state()` for the adjusted one).
    #[napi(getter)]
    pub fn base_target(&self) -> Uint256 {
        Uint256(self.pool.base_target)
    }

    /// Stored quote target.
    #[napi(getter)]
    pub fn quote_target(&self) -> Uint256 {
        Uint256(self.pool.quote_target)
    }

    /// R: 0 = ONE, 1 = ABOVE_ONE, 2 = BELOW_ONE.
    #[napi(getter)]
    pub fn r_state(&self) -> u32 {
        self.pool.r.code()
    }

    /// LP fee rate (1e18 = 100 %).
    #[napi(getter)]
    pub fn lp_fee_rate(&self) -> Uint256 {
        Uint256(self.pool.lp_fee_rate)
    }

    /// Maintainer fee rate (1e18 = 100 %).
    #[napi(getter)]
    pub fn mt_fee_rate(&self) -> Uint256 {
        Uint256(self.pool.mt_fee_rate)
    }

    /// The state with adjusted targets (`getPMMState`).
    #[napi]
    pub fn state(&self) -> Result<PmmState> {
        guard(|| {
            let s = self.pool.state()?;
            Ok(PmmState { i: Uint256(s.i), k: Uint256(s.k), b: Uint256(s.b), q: Uint256(s.q), b0: Uint256(s.b0), q0: Uint256(s.q0), r: s.r.code() })
        })
    }

    /// Marginal price (quote per base, 1e18), `getMidPrice`.
    #[napi]
    pub fn mid_price(&self) -> Result<Uint256> {
        guard(|| self.pool.mid_price().map(Uint256))
    }

    /// Quote received for selling `payBase` (after fees); the pool is unchanged.
    #[napi]
    pub fn quote_sell_base(&self, pay_base: Uint256) -> Result<Uint256> {
        guard(|| self.pool.quote_sell_base(pay_base.0).map(|q| Uint256(q.receive)))
    }

    /// Base received for selling `payQuote` (after fees); the pool is unchanged.
    #[napi]
    pub fn quote_sell_quote(&self, pay_quote: Uint256) -> Result<Uint256> {
        guard(|| self.pool.quote_sell_quote(pay_quote.0).map(|q| Uint256(q.receive)))
    }

    /// `querySellBase` in full: output, fees, new R and target; the pool is unchanged (it remembers
    /// the quote for a `sellBase` of the same amount).
    #[napi]
    pub fn quote_sell_base_detailed(&self, pay_base: Uint256) -> Result<PmmQuote> {
        guard(|| self.quote_remembered(pay_base, true).map(PmmQuote::from))
    }

    /// `querySellQuote` in full; the pool is unchanged (it remembers the quote).
    #[napi]
    pub fn quote_sell_quote_detailed(&self, pay_quote: Uint256) -> Result<PmmQuote> {
        guard(|| self.quote_remembered(pay_quote, false).map(PmmQuote::from))
    }

    /// What selling `amountIn` (base when `sellBase`) pays: `[receive, lpFee, mtFee]` as the
    /// detailed quote has them, as an array (cheaper to build than an object). The pool is
    /// unchanged; it remembers the quote for `sellQuoted` and the swaps.
    #[napi(ts_return_type = "[receive: bigint, lpFee: bigint, mtFee: bigint]")]
    pub fn quote_fill(&self, amount_in: Uint256, sell_base: bool) -> Result<Uint256Tuple<3>> {
        guard(|| self.quote_remembered(amount_in, sell_base).map(|q| Uint256Tuple([q.receive, q.lp_fee, q.mt_fee])))
    }

    /// Sells `amountIn` (base when `sellBase`) if the remembered quote is of exactly this sale on
    /// the pool as it is now, and returns true: the caller already holds the result (the remembered
    /// quote's). Returns false and changes nothing when there is no such quote.
    /// `SLIPPAGE_EXCEEDED` below `minOut`, and then nothing changes.
    #[napi]
    pub fn sell_quoted(&mut self, amount_in: Uint256, sell_base: bool, min_out: Uint256) -> Result<bool> {
        guard(|| match self.last_quote.get() {
            Some(sale) if sale.is_for(&self.pool, amount_in.0, sell_base) => self.swap(amount_in, sell_base, min_out).map(|_| true),
            _ => Ok(false),
        })
    }

    /// Price impact of selling `amount` (base if `sellBase`, else quote), after fees, as a signed
    /// 1e18 fraction rounded toward −∞: against the mid price before the trade, or against the
    /// oracle price with `againstOracle`. The pool is unchanged.
    #[napi]
    pub fn quote_price_impact(&self, amount: Uint256, sell_base: bool, against_oracle: bool) -> Result<Int256> {
        guard(|| {
            let s = self.pool.quote_price_impact(amount.0, sell_base, against_oracle)?;
            Ok(Int256 { negative: s.negative, magnitude: s.magnitude })
        })
    }

    /// Quotes many inputs (packed little-endian u128) in one call, selling base (`sellBase`) or
    /// quote; the targets are derived once. Fails as a whole, naming the first bad index.
    #[napi]
    pub fn quote_batch(&self, amounts_in: &[u64], sell_base: bool) -> Result<BigUint64Array> {
        guard_js(|| quote_batch(&self.pool, amounts_in, sell_base))
    }

    /// Sells `payBase` for quote; `SLIPPAGE_EXCEEDED` below `minOut`, and then nothing changes.
    #[napi]
    pub fn sell_base(&mut self, pay_base: Uint256, min_out: Uint256) -> Result<PmmQuote> {
        guard(|| self.swap(pay_base, true, min_out).map(PmmQuote::from))
    }

    /// Sells `payQuote` for base; `SLIPPAGE_EXCEEDED` below `minOut`, and then nothing changes.
    #[napi]
    pub fn sell_quote(&mut self, pay_quote: Uint256, min_out: Uint256) -> Result<PmmQuote> {
        guard(|| self.swap(pay_quote, false, min_out).map(PmmQuote::from))
    }

    /// Moves the oracle price, DPP style: both targets reset to the reserves, R = ONE.
    /// `INVALID_INPUT` outside (0, 1e36], and then nothing changes.
    #[napi]
    pub fn set_oracle_price(&mut self, i: Uint256) -> Result<()> {
        guard(|| self.pool.set_oracle_price(i.0))
    }
}
