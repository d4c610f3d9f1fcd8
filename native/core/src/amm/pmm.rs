//! Oracle-anchored proactive market maker (PMM), exact to DODO V2 `PMMPricing`, `DODOMath` and
//! `DecimalMath` (DODOEX/contractV2, `contracts/lib/`), with the fee and target bookkeeping of the
//! private pool `DPPTrader` / `DPPVault`.
//!
//! This is Fluxion's hybrid pool: the price is anchored at an oracle price `i` and the slippage
//! parameter `k` blends a fixed-price market (`k = 0`, every trade at `i`) with a constant-product
//! curve (`k = 1`). All numbers are 1e18 fixed point ("decimal"): `i` is quote per base scaled by
//! 1e18, `k` and fee rates are fractions of 1e18. Rounding follows the reference function by
//! function (mulFloor, divFloor, divCeil, reciprocalFloor, floor sqrt), and every SafeMath revert
//! of the reference is a typed error here.

use crate::{Error, Result, U256};

/// 1.0 in DODO's decimal fixed point.
pub const ONE: U256 = U256::from_limbs([1_000_000_000_000_000_000, 0, 0, 0]);
/// 1.0² (`DecimalMath.ONE2`).
pub const ONE2: U256 = U256::from_limbs([12919594847110692864, 54210108624275221, 0, 0]);
/// Largest oracle price a DPP accepts (`reset`: `newI > 0 && newI <= 1e36`).
pub const MAX_PRICE: U256 = ONE2;
/// Largest reserve or target a DPP stores (`uint112`).
pub const MAX_RESERVE: U256 = U256::from_limbs([u64::MAX, (1u64 << 48) - 1, 0, 0]);

fn overflow() -> Error {
    Error::Overflow("PMM intermediate exceeds uint256")
}

fn mul(a: U256, b: U256) -> Result<U256> {
    a.checked_mul(b).ok_or_else(overflow)
}

fn add(a: U256, b: U256) -> Result<U256> {
    a.checked_add(b).ok_or_else(overflow)
}

/// SafeMath `sub`: the reference reverts with `SUB_ERROR`, which here is an `Overflow` (underflow).
fn sub(a: U256, b: U256) -> Result<U256> {
    a.checked_sub(b).ok_or(Error::Overflow("PMM subtraction underflows (SafeMath SUB_ERROR)"))
}

/// SafeMath `div`: division by zero only happens on an emptied reserve or target.
fn div(a: U256, b: U256) -> Result<U256> {
    if b.is_zero() {
        return Err(Error::InsufficientLiquidity("PMM division by a zero reserve or target"));
    }
    Ok(a / b)
}

fn div_ceil(a: U256, b: U256) -> Result<U256> {
    let q = div(a, b)?;
    Ok(if q * b == a { q } else { q + U256::from(1) })
}

/// `DecimalMath.mulFloor`: `target·d / 1e18`, rounded down.
pub fn mul_floor(target: U256, d: U256) -> Result<U256> {
    Ok(mul(target, d)? / ONE)
}

/// `DecimalMath.divFloor`: `target·1e18 / d`, rounded down.
pub fn div_floor(target: U256, d: U256) -> Result<U256> {
    div(mul(target, ONE)?, d)
}

/// `DecimalMath.divCeil`: `target·1e18 / d`, rounded up.
pub fn div_ceil_decimal(target: U256, d: U256) -> Result<U256> {
    div_ceil(mul(target, ONE)?, d)
}

/// `DecimalMath.reciprocalFloor`: `1e36 / target`, rounded down.
pub fn reciprocal_floor(target: U256) -> Result<U256> {
    div(ONE2, target)
}

/// SafeMath `sqrt` as the reference computes it: the Babylonian iteration started at `x/2 + 1`,
/// which is the floor square root for every `x` except 2 (where the loop never runs and returns
/// 2). Here the floor root comes from a 128-bit estimate refined by Newton steps from above (two
/// or three 256-bit divisions instead of the reference's ~130); a test compares it with the
/// literal loop.
pub fn sqrt(x: U256) -> U256 {
    if x == U256::from(2) {
        return x;
    }
    let bits = x.bit_len();
    if bits <= 128 {
        return U256::from(x.to::<u128>().isqrt());
    }
    // x < (top + 1)·2^shift with an even shift, so (isqrt(top) + 1)·2^(shift/2) ≥ √x: Newton's
    // integer step from any start at or above ⌊√x⌋ decreases until it reaches ⌊√x⌋.
    let shift = (bits - 127 + 1) & !1;
    let top = (x >> shift).to::<u128>();
    let mut z = U256::from(top.isqrt() + 1) << (shift / 2);
    // The start is within a factor 1 + 2^-63 of √x, so two or three steps suffice; 64 bounds it.
    for _ in 0..64 {
        let next = (z + x / z) >> 1;
        if next >= z {
            break;
        }
        z = next;
    }
    z
}

/// (All three `DODOMath` functions reject `k > 1e18` with `INVALID_INPUT`: no DODO pool allows it.)
///
/// `DODOMath._GeneralIntegrate`: the amount of the other token for moving `V` from `v1` to `v2`
/// around target `v0` at price `i`: `i·(v1 − v2)·(1 − k + k·v0²/(v1·v2))`, rounded down.
pub fn general_integrate(v0: U256, v1: U256, v2: U256, i: U256, k: U256) -> Result<U256> {
    check_k(k)?;
    if v0.is_zero() {
        return Err(Error::InsufficientLiquidity("PMM target is zero (TARGET_IS_ZERO)"));
    }
    let fair_amount = mul(i, sub(v1, v2)?)?;
    if k.is_zero() {
        return Ok(fair_amount / ONE);
    }
    let v0v0v1v2 = div_floor(div(mul(v0, v0)?, v1)?, v2)?;
    let penalty = mul_floor(k, v0v0v1v2)?;
    Ok(mul(add(sub(ONE, k)?, penalty)?, fair_amount)? / ONE2)
}

/// `DODOMath._SolveQuadraticFunctionForTarget`: the target `V0` such that integrating from `v1`
/// to `V0` pays `delta` at price `i`: `v1·(1 + (√(1 + 4k·i·delta/v1) − 1)/2k)`, rounded down.
pub fn solve_quadratic_for_target(v1: U256, delta: U256, i: U256, k: U256) -> Result<U256> {
    check_k(k)?;
    if k.is_zero() {
        return add(v1, mul_floor(i, delta)?);
    }
    if v1.is_zero() {
        return Ok(U256::ZERO);
    }
    // `4 * k` is unchecked in the reference, but k ≤ 1e18 keeps it far from overflow.
    let ki = mul(k * U256::from(4), i)?;
    let root = if ki.is_zero() {
        ONE
    } else if let Some(kid) = ki.checked_mul(delta) {
        sqrt(add(kid / v1, ONE2)?)
    } else {
        // The reference's fallback order when `ki·delta` overflows: divide first.
        sqrt(add(mul(ki / v1, delta)?, ONE2)?)
    };
    let premium = add(div_floor(sub(root, ONE)?, k * U256::from(2))?, ONE)?;
    mul_floor(v1, premium)
}

/// `DODOMath._SolveQuadraticFunctionForTrade`: the amount of `V` paid out when `delta` of the
/// other token is sold into a curve at `v1` with target `v0`, price `i` and slippage `k`.
/// Closed forms for `k = 0` (fixed price, capped at `v1`) and `k = 1` (constant product).
pub fn solve_quadratic_for_trade(v0: U256, v1: U256, delta: U256, i: U256, k: U256) -> Result<U256> {
    check_k(k)?;
    if v0.is_zero() {
        return Err(Error::InsufficientLiquidity("PMM target is zero (TARGET_IS_ZERO)"));
    }
    if delta.is_zero() {
        return Ok(U256::ZERO);
    }
    if k.is_zero() {
        return Ok(mul_floor(i, delta)?.min(v1));
    }
    if k == ONE {
        // V1 − V2 = V1·temp/(1 + temp) with temp = i·delta·V1/V0², in the reference's order.
        let idelta = mul(i, delta)?;
        let temp = if idelta.is_zero() {
            U256::ZERO
        } else if let Some(idv1) = idelta.checked_mul(v1) {
            div(idv1, mul(v0, v0)?)?
        } else {
            div(mul(div(mul(delta, v1)?, v0)?, i)?, v0)?
        };
        return div(mul(v1, temp)?, add(temp, ONE)?);
    }
    // −b = (1−k)·V1 − (k·V0²/V1 + i·delta); its sign decides the root's form.
    let part2 = add(mul(div(mul(k, v0)?, v1)?, v0)?, mul(i, delta)?)?;
    let mut b_abs = mul(sub(ONE, k)?, v1)?;
    let b_positive = if b_abs >= part2 {
        b_abs -= part2;
        false
    } else {
        b_abs = part2 - b_abs;
        true
    };
    b_abs /= ONE;
    let four_ac = mul_floor(mul(sub(ONE, k)?, U256::from(4))?, mul(mul_floor(k, v0)?, v0)?)?;
    let square_root = sqrt(add(mul(b_abs, b_abs)?, four_ac)?);
    let denominator = mul(sub(ONE, k)?, U256::from(2))?;
    let numerator = if b_positive {
        let n = sub(square_root, b_abs)?;
        if n.is_zero() {
            // The reference reverts here: the sale is so large against the target that the
            // root loses all precision (the output would be nearly the whole reserve).
            return Err(Error::InsufficientLiquidity("PMM trade too large for the curve (DODOMath: should not be zero)"));
        }
        n
    } else {
        add(b_abs, square_root)?
    };
    let v2 = div_ceil_decimal(numerator, denominator)?;
    Ok(if v2 > v1 { U256::ZERO } else { v1 - v2 })
}

/// The R state of a PMM: where the base reserve stands relative to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RState {
    /// `B = B0` and `Q = Q0`: the pool is at its targets.
    One = 0,
    /// Base below target (traders bought base): quote above target.
    AboveOne = 1,
    /// Base above target (traders sold base): quote below target.
    BelowOne = 2,
}

impl RState {
    /// The reference's numeric encoding (0 = ONE, 1 = ABOVE_ONE, 2 = BELOW_ONE).
    pub fn from_code(code: u32) -> Result<Self> {
        match code {
            0 => Ok(RState::One),
            1 => Ok(RState::AboveOne),
            2 => Ok(RState::BelowOne),
            _ => Err(Error::invalid(format!("R state must be 0 (ONE), 1 (ABOVE_ONE) or 2 (BELOW_ONE), got {code}"))),
        }
    }

    /// The reference's numeric encoding.
    pub fn code(self) -> u32 {
        self as u32
    }
}

/// `PMMPricing.PMMState`: oracle price, slippage, reserves, targets and R.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PmmState {
    pub i: U256,
    pub k: U256,
    pub b: U256,
    pub q: U256,
    pub b0: U256,
    pub q0: U256,
    pub r: RState,
}

impl PmmState {
    /// `PMMPricing.adjustedTarget`: recomputes the target on the side that is off balance
    /// (`Q0` when R < 1, `B0` when R > 1) from the reserves, as the pools do before every query.
    pub fn adjust_target(&mut self) -> Result<()> {
        match self.r {
            RState::BelowOne => {
                self.q0 = solve_quadratic_for_target(self.q, sub(self.b, self.b0)?, self.i, self.k)?;
            }
            RState::AboveOne => {
                let inverse_i = reciprocal_floor(self.i)?;
                self.b0 = solve_quadratic_for_target(self.b, sub(self.q, self.q0)?, inverse_i, self.k)?;
            }
            RState::One => {}
        }
        Ok(())
    }

    /// `PMMPricing.sellBaseToken`: quote paid out (before fees) for `pay_base`, and the new R.
    /// A trade from R > 1 that passes the targets is split at R = 1.
    pub fn sell_base_token(&self, pay_base: U256) -> Result<(U256, RState)> {
        match self.r {
            RState::One => Ok((solve_quadratic_for_trade(self.q0, self.q0, pay_base, self.i, self.k)?, RState::BelowOne)),
            RState::AboveOne => {
                let back_to_one_pay_base = sub(self.b0, self.b)?;
                let back_to_one_receive_quote = sub(self.q, self.q0)?;
                if pay_base < back_to_one_pay_base {
                    let receive = general_integrate(self.b0, add(self.b, pay_base)?, self.b, self.i, self.k)?;
                    // The reference clamps here so that rounding can never take the quote below target.
                    Ok((receive.min(back_to_one_receive_quote), RState::AboveOne))
                } else if pay_base == back_to_one_pay_base {
                    Ok((back_to_one_receive_quote, RState::One))
                } else {
                    let rest = solve_quadratic_for_trade(self.q0, self.q0, pay_base - back_to_one_pay_base, self.i, self.k)?;
                    Ok((add(back_to_one_receive_quote, rest)?, RState::BelowOne))
                }
            }
            RState::BelowOne => Ok((solve_quadratic_for_trade(self.q0, self.q, pay_base, self.i, self.k)?, RState::BelowOne)),
        }
    }

    /// `PMMPricing.sellQuoteToken`: base paid out (before fees) for `pay_quote`, and the new R.
    /// A trade from R < 1 that passes the targets is split at R = 1.
    pub fn sell_quote_token(&self, pay_quote: U256) -> Result<(U256, RState)> {
        match self.r {
            RState::One => {
                let inverse_i = reciprocal_floor(self.i)?;
                Ok((solve_quadratic_for_trade(self.b0, self.b0, pay_quote, inverse_i, self.k)?, RState::AboveOne))
            }
            RState::AboveOne => {
                let inverse_i = reciprocal_floor(self.i)?;
                Ok((solve_quadratic_for_trade(self.b0, self.b, pay_quote, inverse_i, self.k)?, RState::AboveOne))
            }
            RState::BelowOne => {
                let back_to_one_pay_quote = sub(self.q0, self.q)?;
                let back_to_one_receive_base = sub(self.b, self.b0)?;
                if pay_quote < back_to_one_pay_quote {
                    let inverse_i = reciprocal_floor(self.i)?;
                    let receive = general_integrate(self.q0, add(self.q, pay_quote)?, self.q, inverse_i, self.k)?;
                    Ok((receive.min(back_to_one_receive_base), RState::BelowOne))
                } else if pay_quote == back_to_one_pay_quote {
                    Ok((back_to_one_receive_base, RState::One))
                } else {
                    let inverse_i = reciprocal_floor(self.i)?;
                    let rest = solve_quadratic_for_trade(self.b0, self.b0, pay_quote - back_to_one_pay_quote, inverse_i, self.k)?;
                    Ok((add(back_to_one_receive_base, rest)?, RState::AboveOne))
                }
            }
        }
    }

    /// `PMMPricing.getMidPrice`: the marginal price (quote per base, 1e18) at the current state.
    pub fn mid_price(&self) -> Result<U256> {
        if self.r == RState::BelowOne {
            let ratio = div_floor(div(mul(self.q0, self.q0)?, self.q)?, self.q)?;
            let ratio = add(sub(ONE, self.k)?, mul_floor(self.k, ratio)?)?;
            div_floor(self.i, ratio)
        } else {
            let ratio = div_floor(div(mul(self.b0, self.b0)?, self.b)?, self.b)?;
            let ratio = add(sub(ONE, self.k)?, mul_floor(self.k, ratio)?)?;
            mul_floor(self.i, ratio)
        }
    }
}

/// A quote of the pool: what the trader receives, the fees, and the state change it implies
/// (`DPPTrader.querySellBase` / `querySellQuote`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PmmQuote {
    /// Paid to the trader, after both fees.
    pub receive: U256,
    /// Maintainer fee: `mulFloor(gross, mtFeeRate)`, paid out of the pool to the maintainer.
    pub mt_fee: U256,
    /// LP fee: `mulFloor(gross, lpFeeRate)`, left in the pool.
    pub lp_fee: U256,
    /// R after the trade.
    pub new_r: RState,
    /// The (adjusted) target the pool stores on the traded side when R changes:
    /// `B0` for a base sale, `Q0` for a quote sale.
    pub new_target: U256,
}

/// A quote together with the exact pool and sale it was computed for, so that selling exactly that
/// on exactly that pool can settle it without computing it again. The maths is deterministic, so
/// the settled quote is the one a fresh computation would give; `OraclePool::swap` checks the
/// match (fields are private: a `QuotedSale` only comes from `OraclePool::quote_sale`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotedSale {
    pool: OraclePool,
    amount: U256,
    sell_base: bool,
    quote: PmmQuote,
}

impl QuotedSale {
    /// The quote.
    pub fn quote(&self) -> &PmmQuote {
        &self.quote
    }

    /// Whether this is the quote of selling `amount` (base when `sell_base`) on `pool` as it is.
    pub fn is_for(&self, pool: &OraclePool, amount: U256, sell_base: bool) -> bool {
        self.amount == amount && self.sell_base == sell_base && self.pool == *pool
    }
}

/// A DODO V2 private pool (DPP): the PMM state as stored (reserves, targets, R) plus fee rates.
/// Quotes re-derive the adjusted targets first, exactly as `getPMMState` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OraclePool {
    /// Oracle price `i` (quote per base, 1e18), in (0, 1e36].
    pub i: U256,
    /// Slippage `k` in [0, 1e18].
    pub k: U256,
    pub base_reserve: U256,
    pub quote_reserve: U256,
    pub base_target: U256,
    pub quote_target: U256,
    pub r: RState,
    /// LP fee rate (1e18 = 100 %), taken on the output and left in the pool.
    pub lp_fee_rate: U256,
    /// Maintainer fee rate (1e18 = 100 %), taken on the output and paid out.
    pub mt_fee_rate: U256,
}

fn check_k(k: U256) -> Result<()> {
    if k > ONE {
        return Err(Error::invalid(format!("k must be at most 1e18, got {k}")));
    }
    Ok(())
}

fn check_price(i: U256) -> Result<()> {
    if i.is_zero() || i > MAX_PRICE {
        return Err(Error::invalid(format!("oracle price i must be in (0, 1e36], got {i}")));
    }
    Ok(())
}

fn check_reserve(v: U256, what: &str) -> Result<()> {
    if v > MAX_RESERVE {
        return Err(Error::invalid(format!("{what} {v} exceeds uint112")));
    }
    Ok(())
}

fn check_amount(amount: U256) -> Result<()> {
    if amount.is_zero() {
        return Err(Error::invalid("amount must be positive"));
    }
    Ok(())
}

impl OraclePool {
    /// A freshly reset pool (`DPPVault.reset`): targets equal to the reserves, R = ONE.
    pub fn new(i: U256, k: U256, base_reserve: U256, quote_reserve: U256, lp_fee_rate: U256, mt_fee_rate: U256) -> Result<Self> {
        if base_reserve.is_zero() || quote_reserve.is_zero() {
            return Err(Error::InsufficientLiquidity("PMM reserves must be positive"));
        }
        Self::from_state(i, k, base_reserve, quote_reserve, base_reserve, quote_reserve, RState::One, lp_fee_rate, mt_fee_rate)
    }

    /// A pool from its stored state. Rejects `i` outside (0, 1e36], `k > 1e18`, fees whose sum is
    /// not below 1e18 (the reference would underflow), values above `uint112`, and states the
    /// reference cannot price (e.g. R > 1 with the quote reserve below its target). A reserve may
    /// be zero here (a pool drained by trades can be restored as it was).
    #[allow(clippy::too_many_arguments)]
    pub fn from_state(
        i: U256,
        k: U256,
        base_reserve: U256,
        quote_reserve: U256,
        base_target: U256,
        quote_target: U256,
        r: RState,
        lp_fee_rate: U256,
        mt_fee_rate: U256,
    ) -> Result<Self> {
        check_price(i)?;
        check_k(k)?;
        if lp_fee_rate.checked_add(mt_fee_rate).is_none_or(|sum| sum >= ONE) {
            return Err(Error::invalid("lpFeeRate + mtFeeRate must be below 1e18"));
        }
        for (v, what) in [
            (base_reserve, "base reserve"),
            (quote_reserve, "quote reserve"),
            (base_target, "base target"),
            (quote_target, "quote target"),
        ] {
            check_reserve(v, what)?;
        }
        let pool = Self { i, k, base_reserve, quote_reserve, base_target, quote_target, r, lp_fee_rate, mt_fee_rate };
        pool.state().map_err(|e| Error::invalid(format!("inconsistent PMM state: {e}")))?;
        Ok(pool)
    }

    /// `getPMMState`: the state with the off-balance target adjusted.
    pub fn state(&self) -> Result<PmmState> {
        let mut s = PmmState {
            i: self.i,
            k: self.k,
            b: self.base_reserve,
            q: self.quote_reserve,
            b0: self.base_target,
            q0: self.quote_target,
            r: self.r,
        };
        s.adjust_target()?;
        Ok(s)
    }

    /// Marginal price (quote per base, 1e18) at the current state.
    pub fn mid_price(&self) -> Result<U256> {
        self.state()?.mid_price()
    }

    fn take_fees(&self, gross: U256, new_r: RState, new_target: U256) -> Result<PmmQuote> {
        let mt_fee = mul_floor(gross, self.mt_fee_rate)?;
        let lp_fee = mul_floor(gross, self.lp_fee_rate)?;
        let receive = sub(sub(gross, lp_fee)?, mt_fee)?;
        Ok(PmmQuote { receive, mt_fee, lp_fee, new_r, new_target })
    }

    /// `querySellBase`: quote received for selling `pay_base` of base. The pool is unchanged.
    pub fn quote_sell_base(&self, pay_base: U256) -> Result<PmmQuote> {
        self.quote_at(&self.state()?, pay_base, true)
    }

    /// `querySellQuote`: base received for selling `pay_quote` of quote. The pool is unchanged.
    pub fn quote_sell_quote(&self, pay_quote: U256) -> Result<PmmQuote> {
        self.quote_at(&self.state()?, pay_quote, false)
    }

    /// A quote against an already adjusted `state` (from [`state`](Self::state)), so that many
    /// quotes on one pool derive the targets once. `sell_base` picks the direction.
    pub fn quote_at(&self, state: &PmmState, amount: U256, sell_base: bool) -> Result<PmmQuote> {
        check_amount(amount)?;
        if sell_base {
            let (gross, new_r) = state.sell_base_token(amount)?;
            self.take_fees(gross, new_r, state.b0)
        } else {
            let (gross, new_r) = state.sell_quote_token(amount)?;
            self.take_fees(gross, new_r, state.q0)
        }
    }

    /// Price impact (signed 1e18 fraction, rounded toward −∞, see
    /// [`price_impact`](crate::amm::impact::price_impact)) of selling `amount` of base
    /// (`sell_base`) or quote, after fees, against the mid price before the trade or, with
    /// `against_oracle`, against the oracle price `i`.
    pub fn quote_price_impact(&self, amount: U256, sell_base: bool, against_oracle: bool) -> Result<crate::amm::impact::Signed> {
        let state = self.state()?;
        let quote = self.quote_at(&state, amount, sell_base)?;
        let reference = if against_oracle { self.i } else { state.mid_price()? };
        crate::amm::impact::price_impact(amount, quote.receive, reference, sell_base)
    }

    /// The quote of selling `amount` (base when `sell_base`), kept with this pool's state so that
    /// [`swap`](Self::swap) can settle exactly this sale without computing it again.
    pub fn quote_sale(&self, amount: U256, sell_base: bool) -> Result<QuotedSale> {
        let quote = self.quote_at(&self.state()?, amount, sell_base)?;
        Ok(QuotedSale { pool: *self, amount, sell_base, quote })
    }

    /// `DPPTrader.sellBase`: sells `pay_base`, fails with `SlippageExceeded` below `min_out`
    /// (then nothing changes). The trader gets `receive`, the maintainer `mt_fee`; the LP fee stays
    /// in the pool. The base target and R are stored only when R changes, as in the reference.
    pub fn swap_sell_base(&mut self, pay_base: U256, min_out: U256) -> Result<PmmQuote> {
        self.swap(pay_base, true, min_out, None)
    }

    /// `DPPTrader.sellQuote`: sells `pay_quote`, fails with `SlippageExceeded` below `min_out`
    /// (then nothing changes). Stores the quote target and R only when R changes.
    pub fn swap_sell_quote(&mut self, pay_quote: U256, min_out: U256) -> Result<PmmQuote> {
        self.swap(pay_quote, false, min_out, None)
    }

    /// Sells `amount` (base when `sell_base`, as [`swap_sell_base`](Self::swap_sell_base) /
    /// [`swap_sell_quote`](Self::swap_sell_quote)). When `known` is the quote of exactly this sale
    /// on this pool as it is now, it is settled as it stands; otherwise the quote is computed.
    pub fn swap(&mut self, amount: U256, sell_base: bool, min_out: U256, known: Option<&QuotedSale>) -> Result<PmmQuote> {
        let quote = match known {
            Some(sale) if sale.is_for(self, amount, sell_base) => sale.quote,
            _ => self.quote_at(&self.state()?, amount, sell_base)?,
        };
        crate::amm::impact::check_min_out(quote.receive, min_out)?;
        self.settle(&quote, amount, sell_base)?;
        Ok(quote)
    }

    /// Moves the reserves (and, when R changes, the sold side's target) by a quoted sale of `pay`;
    /// every check runs before anything is written, so a refused sale changes nothing.
    fn settle(&mut self, quote: &PmmQuote, pay: U256, sell_base: bool) -> Result<()> {
        let (reserve_in, reserve_out) = if sell_base { (self.base_reserve, self.quote_reserve) } else { (self.quote_reserve, self.base_reserve) };
        let new_in = add(reserve_in, pay)?;
        if new_in > MAX_RESERVE {
            return Err(Error::Overflow(if sell_base { "base reserve would exceed uint112" } else { "quote reserve would exceed uint112" }));
        }
        let paid_out = add(quote.receive, quote.mt_fee)?;
        if paid_out > reserve_out {
            return Err(Error::InsufficientLiquidity(if sell_base { "output exceeds the quote reserve" } else { "output exceeds the base reserve" }));
        }
        let r_changes = quote.new_r != self.r;
        if r_changes && quote.new_target > MAX_RESERVE {
            return Err(Error::Overflow(if sell_base { "base target would exceed uint112" } else { "quote target would exceed uint112" }));
        }
        let (reserve_in, reserve_out, target) = if sell_base {
            (&mut self.base_reserve, &mut self.quote_reserve, &mut self.base_target)
        } else {
            (&mut self.quote_reserve, &mut self.base_reserve, &mut self.quote_target)
        };
        if r_changes {
            *target = quote.new_target;
        }
        *reserve_in = new_in;
        *reserve_out -= paid_out;
        if r_changes {
            self.r = quote.new_r;
        }
        Ok(())
    }

    /// Moves the oracle price, DPP style (`reset` → `_resetTargetAndReserve`): the new `i` takes
    /// effect with both targets reset to the current reserves and R = ONE. Rejects `i` outside
    /// (0, 1e36] and changes nothing then.
    pub fn set_oracle_price(&mut self, i: U256) -> Result<()> {
        check_price(i)?;
        self.i = i;
        self.base_target = self.base_reserve;
        self.quote_target = self.quote_reserve;
        self.r = RState::One;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amm::testing::{E18, dec, u};

    const E15: u128 = 1_000_000_000_000_000;

    /// DODOEX/contractV2 test/DPP/trader.test.ts: B = 10, Q = 1000, i = 100, k = 0.1,
    /// LP fee 0.002, maintainer fee 0.001 (test/utils/DPPContext.ts).
    fn dpp() -> OraclePool {
        OraclePool::new(u(100 * E18), u(E18 / 10), u(10 * E18), u(1000 * E18), u(2 * E15), u(E15)).unwrap()
    }

    /// The literal reference loop (SafeMath.sqrt), bounded for the test.
    fn babylonian(x: U256) -> U256 {
        let mut z = x / U256::from(2) + U256::from(1);
        let mut y = x;
        for _ in 0..400 {
            if z >= y {
                return y;
            }
            y = z;
            z = (x / z + z) / U256::from(2);
        }
        panic!("no convergence")
    }

    #[test]
    fn sqrt_equals_the_reference_loop() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        for x in 0u64..1000 {
            assert_eq!(sqrt(U256::from(x)), babylonian(U256::from(x)), "x = {x}");
        }
        for _ in 0..20000 {
            let bits = rng.random_range(1..=256);
            let limbs: [u64; 4] = rng.random();
            let x = U256::from_limbs(limbs) >> (256 - bits);
            assert_eq!(sqrt(x), babylonian(x));
        }
        assert_eq!(sqrt(U256::MAX), babylonian(U256::MAX));
        for bits in 120..=256 {
            // around powers of two and perfect squares, where an estimate is most likely off by one
            let p = U256::from(1) << (bits - 1);
            for x in [p - U256::from(1), p, p + U256::from(1)] {
                assert_eq!(sqrt(x), babylonian(x));
            }
            let r = U256::from(1) << ((bits - 1) / 2);
            let sq = r * r;
            for x in [sq - U256::from(1), sq, sq + U256::from(1)] {
                assert_eq!(sqrt(x), babylonian(x));
            }
        }
    }

    #[test]
    fn dpp_first_buy_then_sell_matches_reference_test() {
        // DODOEX/contractV2 test/DPP/trader.test.ts, "first buy and then sell".
        let mut pool = dpp();
        // buy at R = 1 (ANCHORS.md vector): 100 quote ⇒ 0.986174542266106307 base, mt fee 0.000989141968170618.
        let q = pool.swap_sell_quote(u(100 * E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(986174542266106307));
        assert_eq!(q.mt_fee, u(989141968170618));
        assert_eq!(pool.base_reserve, u(9012836315765723075));
        assert_eq!(pool.quote_reserve, u(1100 * E18));
        assert_eq!(pool.r, RState::AboveOne);
        // buy at R > 1
        let q = pool.swap_sell_quote(u(100 * E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(11946772292527553373 - 10986174542266106307));
        assert_eq!(q.mt_fee, u(1952630183076783 - 989141968170618));
        assert_eq!(pool.base_reserve, u(8051275077289369844));
        // sell at R > 1, R unchanged
        let q = pool.swap_sell_base(u(E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(903421814651005338950 - 800 * E18));
        assert_eq!(q.mt_fee, u(103733013692081583));
        assert_eq!(pool.quote_reserve, u(1096474452335302579467));
        assert_eq!(pool.r, RState::AboveOne);
        // sell at R > 1 crossing R = 1 (split in two)
        let q = pool.swap_sell_base(u(2 * E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(1102638273848343281094 - 903421814651005338950));
        assert_eq!(q.mt_fee, u(303548920610173801 - 103733013692081583));
        assert_eq!(pool.base_reserve, u(11051275077289369844));
        assert_eq!(pool.quote_reserve, u(897058177231046545105));
        assert_eq!(pool.r, RState::BelowOne);
        assert_eq!(pool.state().unwrap().b0, u(10005950249348099200));
    }

    #[test]
    fn dpp_first_sell_then_buy_matches_reference_test() {
        // DODOEX/contractV2 test/DPP/trader.test.ts, "first sell and then buy".
        let mut pool = dpp();
        let q = pool.swap_sell_base(u(E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(98617454226610630663));
        assert_eq!(q.mt_fee, u(98914196817061816));
        assert_eq!(pool.quote_reserve, u(901283631576572307521));
        assert_eq!(pool.r, RState::BelowOne);
        let q = pool.swap_sell_base(u(E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(1194677229252755337109 - 1098617454226610630663));
        assert_eq!(pool.quote_reserve, u(805127507728936984519));
        let q = pool.swap_sell_quote(u(100 * E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(9034218146510053391 - 8 * E18));
        assert_eq!(q.mt_fee, u(1037330136920815));
        assert_eq!(pool.base_reserve, u(10964744523353025794));
        assert_eq!(pool.r, RState::BelowOne);
        let q = pool.swap_sell_quote(u(200 * E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(11026382738483432812 - 9034218146510053391));
        assert_eq!(q.mt_fee, u(3035489206101737 - 1037330136920815));
        assert_eq!(pool.base_reserve, u(8970581772310465451));
        assert_eq!(pool.r, RState::AboveOne);
        assert_eq!(pool.state().unwrap().q0, dec("1000595024934809920179"));
    }

    #[test]
    fn dpp_flash_loan_bounds_match_reference_test() {
        // test/DPP/trader.test.ts "flash loan": 200 quote buys at most 1.946763594380080789 base
        // (the trader keeps the output after fees; the maintainer fee leaves the pool as well).
        let mut pool = dpp();
        let q = pool.quote_sell_quote(u(200 * E18)).unwrap();
        assert_eq!(q.receive, u(1946763594380080789));
        pool.swap_sell_quote(u(200 * E18), U256::ZERO).unwrap();
        // then 1 base sells for at most 103.421810640399874605 quote
        assert_eq!(pool.quote_sell_base(u(E18)).unwrap().receive, dec("103421810640399874605"));
    }

    #[test]
    fn dvm_k0_and_k1_vectors_match_reference_tests() {
        // DODOEX/contractV2 test/DVM/ConstPriceCase.test.ts (k = 0, i = 100, balances show no fee):
        // 200 quote buys exactly 2 base; 1 base sells for exactly 100 quote.
        let pool = OraclePool::new(u(100 * E18), U256::ZERO, u(10 * E18), u(1000 * E18), U256::ZERO, U256::ZERO).unwrap();
        assert_eq!(pool.quote_sell_quote(u(200 * E18)).unwrap().receive, u(2 * E18));
        assert_eq!(pool.quote_sell_base(u(E18)).unwrap().receive, u(100 * E18));
        // test/DVM/AMMLikeCase.test.ts (k = 1, i = 1 wei): a DVM prices with R = ABOVE_ONE and zero
        // targets, adjusted from the reserves. 200 quote ⇒ 1.666666666527777777 base;
        // 1 base ⇒ 90.909090918181818182 quote.
        let dvm = |b: u128, q: u128| PmmState { i: u(1), k: u(E18), b: u(b), q: u(q), b0: U256::ZERO, q0: U256::ZERO, r: RState::AboveOne };
        let mut st = dvm(10 * E18, 1000 * E18);
        st.adjust_target().unwrap();
        assert_eq!(st.sell_quote_token(u(200 * E18)).unwrap().0, u(1666666666527777777));
        assert_eq!(st.sell_base_token(u(E18)).unwrap().0, dec("90909090918181818182"));
    }

    #[test]
    fn k0_trades_at_the_oracle_price() {
        let pool = OraclePool::new(u(2500 * E18), U256::ZERO, u(1_000 * E18), u(1_000_000 * E18), U256::ZERO, U256::ZERO).unwrap();
        for amount in [1u128, 7, E15, 3 * E18, 123_456_789_012_345_678_901] {
            let out = pool.quote_sell_base(u(amount)).unwrap().receive;
            assert_eq!(out, u(amount) * u(2500), "sell base {amount}");
            let out = pool.quote_sell_quote(u(amount)).unwrap().receive;
            assert_eq!(out, u(amount) * u(4 * E15 / 10) / u(E18), "sell quote {amount}");
        }
    }

    #[test]
    fn k1_behaves_like_constant_product() {
        // With i = Q/B at R = 1, k = 1 is x·y = k with reserves (B, Q): out = B·Δ/(Q + Δ).
        let (b, q) = (u(5_000 * E18), u(10_000_000 * E18));
        let pool = OraclePool::new(u(2000 * E18), u(E18), b, q, U256::ZERO, U256::ZERO).unwrap();
        for amount in [E15, E18, 1_000 * E18, 5_000_000 * E18] {
            let ours = pool.quote_sell_quote(u(amount)).unwrap().receive;
            let cp = b * u(amount) / (q + u(amount));
            let diff = if ours > cp { ours - cp } else { cp - ours };
            assert!(diff * u(10u128.pow(12)) <= cp, "amount {amount}: {ours} vs {cp}");
            let ours = pool.quote_sell_base(u(amount / 1000)).unwrap().receive;
            let cp = q * u(amount / 1000) / (b + u(amount / 1000));
            let diff = if ours > cp { ours - cp } else { cp - ours };
            assert!(diff * u(10u128.pow(12)) <= cp, "amount {amount}: {ours} vs {cp}");
        }
    }

    #[test]
    fn crossing_r_one_equals_two_legs() {
        let mut pool = dpp();
        pool.swap_sell_quote(u(100 * E18), U256::ZERO).unwrap();
        let state = pool.state().unwrap();
        let back = state.b0 - state.b;
        let (exact, r) = state.sell_base_token(back).unwrap();
        assert_eq!((exact, r), (state.q - state.q0, RState::One));
        let (split, r) = state.sell_base_token(back + u(E18)).unwrap();
        let rest = solve_quadratic_for_trade(state.q0, state.q0, u(E18), state.i, state.k).unwrap();
        assert_eq!((split, r), (exact + rest, RState::BelowOne));
    }

    #[test]
    fn set_oracle_price_resets_targets() {
        let mut pool = dpp();
        pool.swap_sell_quote(u(100 * E18), U256::ZERO).unwrap();
        pool.set_oracle_price(u(101 * E18)).unwrap();
        assert_eq!((pool.r, pool.base_target, pool.quote_target), (RState::One, pool.base_reserve, pool.quote_reserve));
        let before = pool;
        assert_eq!(pool.set_oracle_price(U256::ZERO).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(pool.set_oracle_price(ONE2 + u(1)).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(pool, before);
    }

    #[test]
    fn bad_inputs_are_typed_and_change_nothing() {
        let e = |r: Result<OraclePool>| r.unwrap_err().code();
        assert_eq!(e(OraclePool::new(U256::ZERO, U256::ZERO, u(1), u(1), U256::ZERO, U256::ZERO)), "INVALID_INPUT");
        assert_eq!(e(OraclePool::new(u(E18), u(E18 + 1), u(1), u(1), U256::ZERO, U256::ZERO)), "INVALID_INPUT");
        assert_eq!(e(OraclePool::new(u(E18), U256::ZERO, u(1), u(1), u(E18 / 2), u(E18 / 2))), "INVALID_INPUT");
        assert_eq!(e(OraclePool::new(u(E18), U256::ZERO, MAX_RESERVE + u(1), u(1), U256::ZERO, U256::ZERO)), "INVALID_INPUT");
        assert_eq!(e(OraclePool::new(u(E18), U256::ZERO, U256::ZERO, u(1), U256::ZERO, U256::ZERO)), "INSUFFICIENT_LIQUIDITY");
        // R > 1 needs Q ≥ Q0.
        let bad = OraclePool::from_state(u(E18), u(E18 / 2), u(10), u(10), u(20), u(20), RState::AboveOne, U256::ZERO, U256::ZERO);
        assert_eq!(e(bad), "INVALID_INPUT");
        let mut pool = dpp();
        let before = pool;
        assert_eq!(pool.swap_sell_base(U256::ZERO, U256::ZERO).unwrap_err().code(), "INVALID_INPUT");
        let out = pool.quote_sell_base(u(E18)).unwrap().receive;
        assert_eq!(pool.swap_sell_base(u(E18), out + u(1)).unwrap_err().code(), "SLIPPAGE_EXCEEDED");
        assert_eq!(pool.swap_sell_base(MAX_RESERVE, U256::ZERO).unwrap_err().code(), "OVERFLOW");
        assert_eq!(pool, before);
    }

    #[test]
    fn k0_output_is_capped_at_the_reserve() {
        let mut pool = OraclePool::new(u(100 * E18), U256::ZERO, u(10 * E18), u(1000 * E18), U256::ZERO, U256::ZERO).unwrap();
        // At k = 0 the reference caps the output at the reserve: selling 20 base pays all 1000 quote.
        let q = pool.swap_sell_base(u(20 * E18), U256::ZERO).unwrap();
        assert_eq!(q.receive, u(1000 * E18));
        assert_eq!(pool.quote_reserve, U256::ZERO);
        // The reference then pays nothing more for base (the cap is the empty reserve).
        assert_eq!(pool.quote_sell_base(u(E18)).unwrap().receive, U256::ZERO);
        assert_eq!(pool.swap_sell_base(u(E18), u(1)).unwrap_err().code(), "SLIPPAGE_EXCEEDED");
    }

    #[test]
    fn price_impact_against_mid_and_oracle() {
        let mut pool = dpp();
        // At R = 1 the mid price is i: selling 1 base for 98.617454226610630663 quote is −1.382545773389369337 %,
        let at_one = pool.quote_price_impact(u(E18), true, false).unwrap();
        assert_eq!(at_one, pool.quote_price_impact(u(E18), true, true).unwrap());
        assert_eq!(at_one, crate::amm::impact::Signed::new(true, u(13825457733893694))); // −0.0138254577338936933… rounded down
        pool.swap_sell_quote(u(100 * E18), U256::ZERO).unwrap();
        // Above one the mid price exceeds i, so selling base looks better against the oracle.
        let vs_mid = pool.quote_price_impact(u(E18), true, false).unwrap();
        let vs_oracle = pool.quote_price_impact(u(E18), true, true).unwrap();
        assert!(vs_mid.negative && (!vs_oracle.negative || vs_oracle.magnitude < vs_mid.magnitude));
    }

    #[test]
    fn output_above_the_reserve_is_insufficient_liquidity() {
        // A restored state at R = 1 whose quote target exceeds the reserve can quote more than the
        // pool holds; the swap refuses and changes nothing.
        let mut pool =
            OraclePool::from_state(u(100 * E18), U256::ZERO, u(10 * E18), u(100 * E18), u(10 * E18), u(1000 * E18), RState::One, U256::ZERO, U256::ZERO)
                .unwrap();
        let before = pool;
        assert_eq!(pool.quote_sell_base(u(5 * E18)).unwrap().receive, u(500 * E18));
        assert_eq!(pool.swap_sell_base(u(5 * E18), U256::ZERO).unwrap_err().code(), "INSUFFICIENT_LIQUIDITY");
        assert_eq!(pool, before);
        // A drained pool restores from its state.
        let drained = OraclePool::from_state(u(E18), U256::ZERO, u(E18), U256::ZERO, u(E18), U256::ZERO, RState::One, U256::ZERO, U256::ZERO);
        assert!(drained.is_ok());
    }

    #[test]
    fn mid_price_at_r_one_is_the_oracle_price() {
        assert_eq!(dpp().mid_price().unwrap(), u(100 * E18));
        let mut pool = dpp();
        pool.swap_sell_quote(u(100 * E18), U256::ZERO).unwrap();
        assert!(pool.mid_price().unwrap() > u(100 * E18));
    }

    #[test]
    fn a_quoted_sale_settles_as_a_fresh_swap_would() {
        // Across R = 1, R > 1 and R < 1 and both directions: settling the quote equals computing it.
        let sales = [(u(100 * E18), false), (u(E18), true), (u(3 * E18), true), (u(50 * E18), false), (u(E18 / 3), true)];
        let mut fresh = dpp();
        let mut quoted = dpp();
        for (amount, sell_base) in sales {
            let sale = quoted.quote_sale(amount, sell_base).unwrap();
            assert!(sale.is_for(&quoted, amount, sell_base));
            let a = fresh.swap(amount, sell_base, U256::ZERO, None).unwrap();
            let b = quoted.swap(amount, sell_base, U256::ZERO, Some(&sale)).unwrap();
            assert_eq!(a, b);
            assert_eq!(*sale.quote(), b);
            assert_eq!(fresh, quoted);
        }
    }

    #[test]
    fn a_quoted_sale_for_another_sale_or_state_is_recomputed() {
        let mut pool = dpp();
        let sale = pool.quote_sale(u(E18), true).unwrap();
        // Another amount, another direction: not this sale.
        assert!(!sale.is_for(&pool, u(2 * E18), true));
        assert!(!sale.is_for(&pool, u(E18), false));
        let mut reference = pool;
        assert_eq!(pool.swap(u(2 * E18), true, U256::ZERO, Some(&sale)).unwrap(), reference.swap_sell_base(u(2 * E18), U256::ZERO).unwrap());
        // The pool moved: the old quote is stale and the same amount is priced afresh.
        assert!(!sale.is_for(&pool, u(E18), true));
        let fresh = reference.swap_sell_base(u(E18), U256::ZERO).unwrap();
        assert_ne!(fresh, *sale.quote());
        assert_eq!(pool.swap(u(E18), true, U256::ZERO, Some(&sale)).unwrap(), fresh);
        assert_eq!(pool, reference);
    }

    #[test]
    fn a_quoted_sale_still_checks_min_out_and_changes_nothing_when_refused() {
        let mut pool = dpp();
        let sale = pool.quote_sale(u(E18), true).unwrap();
        let before = pool;
        let err = pool.swap(u(E18), true, sale.quote().receive + U256::from(1), Some(&sale)).unwrap_err();
        assert_eq!(err.code(), "SLIPPAGE_EXCEEDED");
        assert_eq!(pool, before);
        assert_eq!(pool.swap(u(E18), true, sale.quote().receive, Some(&sale)).unwrap(), *sale.quote());
    }
}
