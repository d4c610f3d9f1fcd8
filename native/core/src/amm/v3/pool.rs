//! A whole concentrated-liquidity swap, with the results of Uniswap v3-core `UniswapV3Pool.swap`.
//!
//! The pool's tick bitmap is replaced by a sorted list of initialized ticks. The bitmap matters
//! to the result, not only to gas: `TickBitmap.nextInitializedTickWithinOneWord` stops each step
//! at the next initialized tick *or* at the edge of the current 256-tick-spacing word, and every
//! step rounds on its own. [`ConcentratedLiquidityPool::next_tick_within_one_word`] reproduces those
//! step boundaries from the list by binary search, so the rounding matches to the wei.
//!
//! The protocol fee only splits the LP fee and does not change any amount, so it is not modelled.

use super::sqrt_price_math::MAX_UINT160;
use super::swap_math::{compute_swap_step, MAX_AMOUNT, PIPS};
use super::tick_math::{get_sqrt_ratio_at_tick, get_tick_at_sqrt_ratio, MAX_SQRT_RATIO, MAX_TICK, MIN_SQRT_RATIO, MIN_TICK};
use crate::amm::impact::{check_max_in, check_min_out};
use crate::{Error, Result, U256};

/// Largest tick spacing the v3 factory accepts (`tickSpacing < 16384`).
pub const MAX_TICK_SPACING: i32 = 16383;

/// An initialized tick: its index and the liquidity added when the price crosses it upward.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InitializedTick {
    pub index: i32,
    pub liquidity_net: i128,
}

/// The outcome of a swap: what was paid and received, and the pool state after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwapResult {
    /// Total paid to the pool, fees included.
    pub amount_in: U256,
    /// Total paid by the pool.
    pub amount_out: U256,
    /// Fees included in `amount_in`.
    pub fee_amount: U256,
    /// Price after the swap.
    pub sqrt_price_x96: U256,
    /// Tick after the swap, as the pool stores it (one below a boundary it crossed downward).
    pub tick: i32,
    /// In-range liquidity after the swap.
    pub liquidity: u128,
    /// Initialized ticks crossed.
    pub ticks_crossed: u32,
}

/// `LiquidityMath.addDelta`: liquidity stays a `uint128`.
#[inline]
fn add_delta(liquidity: u128, delta: i128) -> Option<u128> {
    if delta < 0 {
        liquidity.checked_sub(delta.unsigned_abs())
    } else {
        liquidity.checked_add(delta as u128)
    }
}

/// A v3 pool's swap state: price, tick, in-range liquidity, fee and initialized ticks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConcentratedLiquidityPool {
    sqrt_price_x96: U256,
    tick: i32,
    liquidity: u128,
    fee_pips: u32,
    tick_spacing: i32,
    /// Initialized tick indices, strictly ascending.
    ticks: Vec<i32>,
    /// `liquidity_net` of each tick in `ticks`.
    liquidity_net: Vec<i128>,
    /// `get_sqrt_ratio_at_tick` of each tick in `ticks`, computed once.
    sqrt_ratios: Vec<U256>,
}

impl ConcentratedLiquidityPool {
    /// A pool from its state. `tick` defaults to `get_tick_at_sqrt_ratio(sqrt_price_x96)`; a pool
    /// that has just crossed a tick downward sits one tick lower, so the pool's own `slot0.tick`
    /// may be passed (it must satisfy `ratio(tick) ≤ price ≤ ratio(tick + 1)`).
    ///
    /// The ticks must be sorted, unique, multiples of the spacing, within `[MIN_TICK, MAX_TICK]`,
    /// and consistent: the running sum of `liquidity_net` from the left never leaves `uint128`,
    /// ends at zero, and equals `liquidity` at the current tick.
    pub fn new(
        sqrt_price_x96: U256,
        liquidity: u128,
        fee_pips: u32,
        tick_spacing: i32,
        ticks: &[InitializedTick],
        tick: Option<i32>,
    ) -> Result<Self> {
        if fee_pips >= PIPS {
            return Err(Error::invalid(format!("fee {fee_pips} pips must be below {PIPS}")));
        }
        if !(1..=MAX_TICK_SPACING).contains(&tick_spacing) {
            return Err(Error::invalid(format!("tick spacing {tick_spacing} must be in [1, {MAX_TICK_SPACING}]")));
        }
        let tick = match tick {
            None => get_tick_at_sqrt_ratio(sqrt_price_x96)?,
            Some(t) => {
                if !(MIN_TICK..MAX_TICK).contains(&t) {
                    return Err(Error::invalid(format!("tick {t} is outside [{MIN_TICK}, {MAX_TICK})")));
                }
                if sqrt_price_x96 < MIN_SQRT_RATIO || sqrt_price_x96 >= MAX_SQRT_RATIO {
                    return Err(Error::invalid("sqrt price is outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)"));
                }
                if sqrt_price_x96 < get_sqrt_ratio_at_tick(t)? || sqrt_price_x96 > get_sqrt_ratio_at_tick(t + 1)? {
                    return Err(Error::invalid(format!("tick {t} does not hold the sqrt price {sqrt_price_x96}")));
                }
                t
            }
        };
        let mut running: u128 = 0;
        let mut active: Option<u128> = None;
        let mut indices = Vec::with_capacity(ticks.len());
        let mut nets = Vec::with_capacity(ticks.len());
        let mut ratios = Vec::with_capacity(ticks.len());
        for (i, t) in ticks.iter().enumerate() {
            if !(MIN_TICK..=MAX_TICK).contains(&t.index) {
                return Err(Error::invalid(format!("ticks[{i}] = {} is outside [{MIN_TICK}, {MAX_TICK}]", t.index)));
            }
            if t.index % tick_spacing != 0 {
                return Err(Error::invalid(format!("ticks[{i}] = {} is not a multiple of the spacing {tick_spacing}", t.index)));
            }
            if i > 0 && t.index <= ticks[i - 1].index {
                return Err(Error::invalid(format!("ticks[{i}] = {} is not above the tick before it", t.index)));
            }
            if t.liquidity_net == i128::MIN {
                return Err(Error::invalid(format!("ticks[{i}] liquidityNet cannot be -2^127")));
            }
            if active.is_none() && t.index > tick {
                active = Some(running);
            }
            running = add_delta(running, t.liquidity_net).ok_or_else(|| {
                Error::invalid(format!("liquidity left of ticks[{i}] plus its liquidityNet leaves uint128"))
            })?;
            indices.push(t.index);
            nets.push(t.liquidity_net);
            ratios.push(get_sqrt_ratio_at_tick(t.index)?);
        }
        if running != 0 {
            return Err(Error::invalid("the liquidityNet of all ticks must sum to zero"));
        }
        let active = active.unwrap_or(running);
        if active != liquidity {
            return Err(Error::invalid(format!(
                "liquidity {liquidity} differs from {active}, the sum of liquidityNet at or below the current tick {tick}"
            )));
        }
        Ok(Self { sqrt_price_x96, tick, liquidity, fee_pips, tick_spacing, ticks: indices, liquidity_net: nets, sqrt_ratios: ratios })
    }

    /// Current sqrt price (Q64.96).
    pub fn sqrt_price_x96(&self) -> U256 {
        self.sqrt_price_x96
    }
    /// Current tick, as the pool stores it.
    pub fn tick(&self) -> i32 {
        self.tick
    }
    /// In-range liquidity.
    pub fn liquidity(&self) -> u128 {
        self.liquidity
    }
    /// Fee in pips (1e-6).
    pub fn fee_pips(&self) -> u32 {
        self.fee_pips
    }
    /// Tick spacing.
    pub fn tick_spacing(&self) -> i32 {
        self.tick_spacing
    }
    /// The initialized ticks, ascending.
    pub fn ticks(&self) -> impl Iterator<Item = InitializedTick> + '_ {
        self.ticks.iter().zip(&self.liquidity_net).map(|(&index, &liquidity_net)| InitializedTick { index, liquidity_net })
    }

    /// Where the pool's next swap step ends, as `TickBitmap.nextInitializedTickWithinOneWord`:
    /// the nearest initialized tick at or below `tick` (`lte`) or above it, if it lies in the same
    /// 256-bit bitmap word as the (compressed) start; otherwise the word's edge. Returns the tick
    /// and, when it is initialized, its position in the list.
    pub fn next_tick_within_one_word(&self, tick: i32, lte: bool) -> (i32, Option<usize>) {
        let spacing = self.tick_spacing;
        let compressed = tick.div_euclid(spacing);
        // Initialized ticks at or below `tick` are exactly those before this position.
        let split = self.ticks.partition_point(|&t| t <= tick);
        if lte {
            let word_start = (compressed >> 8) << 8;
            match split.checked_sub(1) {
                Some(i) if self.ticks[i] / spacing >= word_start => (self.ticks[i], Some(i)),
                _ => (word_start * spacing, None),
            }
        } else {
            let word_end = (((compressed + 1) >> 8) << 8) + 255;
            match self.ticks.get(split) {
                Some(&t) if t / spacing <= word_end => (t, Some(split)),
                _ => (word_end * spacing, None),
            }
        }
    }

    /// Most steps a swap can take: one per initialized tick plus one per bitmap word across the
    /// whole tick range, plus slack. Bounds the swap loop.
    fn max_steps(&self) -> usize {
        let words = (2 * MAX_TICK as usize) / (256 * self.tick_spacing as usize) + 2;
        self.ticks.len() + words + 4
    }

    /// Simulates `UniswapV3Pool.swap` without changing the pool: `amount` of token in (`exact_in`)
    /// or out, token0 in when `zero_for_one`, stopping at `sqrt_price_limit_x96` (default: just
    /// inside the price range, as the periphery's quoter). An exact-output swap may fill partly
    /// when it reaches the limit or runs out of liquidity; `amount_out` says how much.
    pub fn simulate_swap(
        &self,
        zero_for_one: bool,
        amount: U256,
        exact_in: bool,
        sqrt_price_limit_x96: Option<U256>,
    ) -> Result<SwapResult> {
        if amount.is_zero() {
            return Err(Error::invalid("swap amount must be positive"));
        }
        if amount > MAX_AMOUNT {
            return Err(Error::invalid("swap amount exceeds int256"));
        }
        let one = U256::from(1u8);
        let limit = match sqrt_price_limit_x96 {
            Some(l) => l,
            None if zero_for_one => MIN_SQRT_RATIO + one,
            None => MAX_SQRT_RATIO - one,
        };
        let limit_ok = if zero_for_one {
            limit < self.sqrt_price_x96 && limit > MIN_SQRT_RATIO
        } else {
            limit > self.sqrt_price_x96 && limit < MAX_SQRT_RATIO
        };
        if !limit_ok {
            return Err(Error::PriceLimit(if zero_for_one {
                "sqrt price limit must be below the current price and above MIN_SQRT_RATIO"
            } else {
                "sqrt price limit must be above the current price and below MAX_SQRT_RATIO"
            }));
        }

        let overflow = || Error::Overflow("swap amount exceeds int256");
        let mut remaining = amount;
        let mut calculated = U256::ZERO;
        let mut fees = U256::ZERO;
        let mut sqrt_price = self.sqrt_price_x96;
        let mut tick = self.tick;
        let mut liquidity = self.liquidity;
        let mut crossed = 0u32;
        let mut steps = 0usize;
        let max_steps = self.max_steps();

        while !remaining.is_zero() && sqrt_price != limit {
            steps += 1;
            if steps > max_steps {
                return Err(Error::NoConvergence("swap took more steps than the tick range allows"));
            }
            let start = sqrt_price;
            let (next_tick, initialized) = self.next_tick_within_one_word(tick, zero_for_one);
            let next_tick = next_tick.clamp(MIN_TICK, MAX_TICK);
            let next_price = match initialized {
                Some(i) => self.sqrt_ratios[i],
                None => get_sqrt_ratio_at_tick(next_tick)?,
            };
            let target = if (zero_for_one && next_price < limit) || (!zero_for_one && next_price > limit) {
                limit
            } else {
                next_price
            };
            let step = compute_swap_step(sqrt_price, target, liquidity, remaining, exact_in, self.fee_pips)?;
            sqrt_price = step.sqrt_ratio_next_x96;
            let paid = step.amount_in.checked_add(step.fee_amount).filter(|p| *p <= MAX_AMOUNT).ok_or_else(overflow)?;
            if step.amount_out > MAX_AMOUNT {
                return Err(overflow());
            }
            if exact_in {
                remaining -= paid; // paid ≤ remaining by construction of the step
                calculated = calculated.checked_add(step.amount_out).filter(|c| *c <= MAX_AMOUNT).ok_or_else(overflow)?;
            } else {
                remaining -= step.amount_out; // capped at remaining by the step
                calculated = calculated.checked_add(paid).filter(|c| *c <= MAX_AMOUNT).ok_or_else(overflow)?;
            }
            fees += step.fee_amount;

            if sqrt_price == next_price {
                if let Some(i) = initialized {
                    let net = self.liquidity_net[i];
                    // Moving left, the tick's liquidity leaves the range (−net).
                    let delta = if zero_for_one { -net } else { net };
                    liquidity = add_delta(liquidity, delta).ok_or(Error::Overflow("liquidity leaves uint128 at a crossed tick"))?;
                    crossed += 1;
                }
                tick = if zero_for_one { next_tick - 1 } else { next_tick };
            } else if sqrt_price != start {
                tick = get_tick_at_sqrt_ratio(sqrt_price)?;
            }
        }
        debug_assert!(sqrt_price <= MAX_UINT160);
        let (amount_in, amount_out) = if exact_in { (amount - remaining, calculated) } else { (calculated, amount - remaining) };
        Ok(SwapResult { amount_in, amount_out, fee_amount: fees, sqrt_price_x96: sqrt_price, tick, liquidity, ticks_crossed: crossed })
    }

    /// Quote for selling exactly `amount_in` (the pool is unchanged). Stops early only at the
    /// price limit; `amount_in` of the result says how much was used.
    pub fn quote_exact_in(&self, amount_in: U256, zero_for_one: bool, sqrt_price_limit_x96: Option<U256>) -> Result<SwapResult> {
        self.simulate_swap(zero_for_one, amount_in, true, sqrt_price_limit_x96)
    }

    /// Quote for buying exactly `amount_out` (the pool is unchanged). Without a price limit the
    /// whole output must be available, else `INSUFFICIENT_LIQUIDITY` (as the periphery's quoter
    /// and router require); with a limit, a partial fill is returned as the pool would give it.
    pub fn quote_exact_out(&self, amount_out: U256, zero_for_one: bool, sqrt_price_limit_x96: Option<U256>) -> Result<SwapResult> {
        let result = self.simulate_swap(zero_for_one, amount_out, false, sqrt_price_limit_x96)?;
        if sqrt_price_limit_x96.is_none() && result.amount_out != amount_out {
            return Err(Error::InsufficientLiquidity("the pool cannot pay the whole output"));
        }
        Ok(result)
    }

    fn apply(&mut self, result: &SwapResult) {
        self.sqrt_price_x96 = result.sqrt_price_x96;
        self.tick = result.tick;
        self.liquidity = result.liquidity;
    }

    /// Swaps exactly `amount_in`; `SLIPPAGE_EXCEEDED` (and no change) when the output is below `min_out`.
    pub fn swap_exact_in(&mut self, amount_in: U256, zero_for_one: bool, sqrt_price_limit_x96: Option<U256>, min_out: U256) -> Result<SwapResult> {
        let result = self.quote_exact_in(amount_in, zero_for_one, sqrt_price_limit_x96)?;
        check_min_out(result.amount_out, min_out)?;
        self.apply(&result);
        Ok(result)
    }

    /// Swaps for exactly `amount_out`; `SLIPPAGE_EXCEEDED` (and no change) when the input is above `max_in`.
    pub fn swap_exact_out(&mut self, amount_out: U256, zero_for_one: bool, sqrt_price_limit_x96: Option<U256>, max_in: U256) -> Result<SwapResult> {
        let result = self.quote_exact_out(amount_out, zero_for_one, sqrt_price_limit_x96)?;
        check_max_in(result.amount_in, max_in)?;
        self.apply(&result);
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amm::testing::{E18, u};
    use crate::amm::v3::sqrt_price_math::Q96;
    use rand::{Rng, SeedableRng};
    use std::collections::HashMap;

    fn t(index: i32, liquidity_net: i128) -> InitializedTick {
        InitializedTick { index, liquidity_net }
    }

    /// A literal tick bitmap (word → 256 bits), with the reference's word/bit arithmetic,
    /// to check the list emulation of `nextInitializedTickWithinOneWord`.
    struct Bitmap(HashMap<i32, U256>);
    impl Bitmap {
        fn new(ticks: &[i32], spacing: i32) -> Self {
            let mut words = HashMap::new();
            for &t in ticks {
                let c = t / spacing;
                let w = words.entry(c >> 8).or_insert(U256::ZERO);
                *w |= U256::from(1u8) << (c.rem_euclid(256) as usize);
            }
            Bitmap(words)
        }
        fn next(&self, tick: i32, spacing: i32, lte: bool) -> (i32, bool) {
            let mut compressed = tick / spacing;
            if tick < 0 && tick % spacing != 0 {
                compressed -= 1;
            }
            if lte {
                let (word, bit) = (compressed >> 8, compressed.rem_euclid(256) as usize);
                let mask = (U256::from(1u8) << bit) - U256::from(1u8) + (U256::from(1u8) << bit);
                let masked = self.0.get(&word).copied().unwrap_or_default() & mask;
                if masked.is_zero() {
                    ((compressed - bit as i32) * spacing, false)
                } else {
                    let msb = masked.bit_len() as i32 - 1;
                    ((compressed - (bit as i32 - msb)) * spacing, true)
                }
            } else {
                let c = compressed + 1;
                let (word, bit) = (c >> 8, c.rem_euclid(256) as usize);
                let mask = !((U256::from(1u8) << bit) - U256::from(1u8));
                let masked = self.0.get(&word).copied().unwrap_or_default() & mask;
                if masked.is_zero() {
                    ((c + (255 - bit as i32)) * spacing, false)
                } else {
                    let lsb = masked.trailing_zeros() as i32;
                    ((c + (lsb - bit as i32)) * spacing, true)
                }
            }
        }
    }

    #[test]
    fn list_emulates_the_tick_bitmap_word_by_word() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        for _ in 0..200 {
            let spacing = [1, 10, 60, 200][rng.random_range(0..4)];
            let span = rng.random_range(1..2000) * spacing;
            let mut ticks: Vec<i32> = (0..rng.random_range(0..40))
                .map(|_| (rng.random_range(-span..=span) / spacing) * spacing)
                .filter(|t| (MIN_TICK..=MAX_TICK).contains(t))
                .collect();
            ticks.sort();
            ticks.dedup();
            let bitmap = Bitmap::new(&ticks, spacing);
            let pool = ConcentratedLiquidityPool {
                sqrt_price_x96: Q96,
                tick: 0,
                liquidity: 0,
                fee_pips: 3000,
                tick_spacing: spacing,
                sqrt_ratios: vec![U256::ZERO; ticks.len()],
                liquidity_net: vec![0; ticks.len()],
                ticks: ticks.clone(),
            };
            for _ in 0..200 {
                let tick = rng.random_range(-span - 600..=span + 600);
                for lte in [true, false] {
                    let (ours, init) = pool.next_tick_within_one_word(tick, lte);
                    assert_eq!((ours, init.is_some()), bitmap.next(tick, spacing, lte), "tick {tick} lte {lte} ticks {ticks:?}");
                }
            }
        }
    }

    fn two_ranges() -> ConcentratedLiquidityPool {
        // Liquidity E18 on [-600, 600] and 2·E18 on [-60, 120], spacing 60, price 1.
        let ticks = [t(-600, E18 as i128), t(-60, 2 * E18 as i128), t(120, -2 * E18 as i128), t(600, -(E18 as i128))];
        ConcentratedLiquidityPool::new(Q96, 3 * E18, 3000, 60, &ticks, None).unwrap()
    }

    #[test]
    fn construction_validates_ticks_and_liquidity() {
        let code = |r: Result<ConcentratedLiquidityPool>| r.unwrap_err().code();
        let ok = [t(-60, 5), t(60, -5)];
        assert!(ConcentratedLiquidityPool::new(Q96, 5, 3000, 60, &ok, None).is_ok());
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 4, 3000, 60, &ok, None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 5, 3000, 60, &[t(60, -5), t(-60, 5)], None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 5, 3000, 60, &[t(-60, 5), t(-60, -5)], None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 5, 3000, 60, &[t(-61, 5), t(60, -5)], None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 5, 3000, 60, &[t(-60, 5), t(60, -4)], None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 0, 3000, 60, &[t(-60, -5), t(60, 5)], None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 5, 3000, 1, &[t(MIN_TICK - 1, 5), t(0, -5)], None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 5, PIPS, 60, &ok, None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 5, 3000, 0, &ok, None)), "INVALID_INPUT");
        assert_eq!(code(ConcentratedLiquidityPool::new(MAX_SQRT_RATIO, 0, 3000, 60, &[], None)), "INVALID_INPUT");
        // An explicit tick must hold the price; a price on a boundary may sit one tick lower.
        assert!(ConcentratedLiquidityPool::new(Q96, 0, 3000, 60, &[], Some(-1)).is_ok());
        assert_eq!(code(ConcentratedLiquidityPool::new(Q96, 0, 3000, 60, &[], Some(1))), "INVALID_INPUT");
    }

    #[test]
    fn bad_amounts_and_price_limits_are_typed() {
        let pool = two_ranges();
        assert_eq!(pool.quote_exact_in(U256::ZERO, true, None).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(pool.quote_exact_in(U256::MAX, true, None).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(pool.quote_exact_in(u(1), true, Some(Q96 + u(1))).unwrap_err().code(), "PRICE_LIMIT");
        assert_eq!(pool.quote_exact_in(u(1), true, Some(Q96)).unwrap_err().code(), "PRICE_LIMIT");
        assert_eq!(pool.quote_exact_in(u(1), true, Some(MIN_SQRT_RATIO)).unwrap_err().code(), "PRICE_LIMIT");
        assert_eq!(pool.quote_exact_in(u(1), false, Some(Q96 - u(1))).unwrap_err().code(), "PRICE_LIMIT");
        assert_eq!(pool.quote_exact_in(u(1), false, Some(MAX_SQRT_RATIO)).unwrap_err().code(), "PRICE_LIMIT");
    }

    #[test]
    fn crossing_ticks_updates_liquidity_and_tick() {
        let pool = two_ranges();
        // Sell token0 until all liquidity is gone: crosses −60 then −600, then the empty range
        // down to the limit gives nothing more.
        let r = pool.quote_exact_in(u(100 * E18), true, None).unwrap();
        assert_eq!(r.ticks_crossed, 2);
        assert_eq!(r.liquidity, 0);
        assert_eq!(r.sqrt_price_x96, MIN_SQRT_RATIO + u(1));
        assert_eq!(r.tick, MIN_TICK);
        // Only what the liquidity could absorb was taken: the rest of the input stays unspent.
        assert!(r.amount_in < u(100 * E18));
        // Token1 paid equals the two ranges' token1 between price 1 and their lower ticks.
        let expected = crate::amm::v3::get_amount1_delta(get_sqrt_ratio_at_tick(-60).unwrap(), Q96, (3 * E18) as u128, false).unwrap()
            + crate::amm::v3::get_amount1_delta(get_sqrt_ratio_at_tick(-600).unwrap(), get_sqrt_ratio_at_tick(-60).unwrap(), E18, false).unwrap();
        assert!(r.amount_out <= expected && r.amount_out + u(2) >= expected);
        // A swap that ends exactly on a boundary going left crosses it (as the pool does, even
        // when the boundary is the limit) and sits one tick below it.
        let to_boundary = pool.quote_exact_in(u(100 * E18), true, Some(get_sqrt_ratio_at_tick(-60).unwrap())).unwrap();
        assert_eq!(to_boundary.tick, -61);
        assert_eq!(to_boundary.liquidity, E18);
        assert_eq!(to_boundary.ticks_crossed, 1);
        // The periphery would reject an exact output beyond what the pool holds.
        assert_eq!(pool.quote_exact_out(u(100 * E18), true, None).unwrap_err().code(), "INSUFFICIENT_LIQUIDITY");
        // With a limit the partial fill is returned as the pool gives it.
        let partial = pool.quote_exact_out(u(100 * E18), true, Some(get_sqrt_ratio_at_tick(-120).unwrap())).unwrap();
        assert!(partial.amount_out < u(100 * E18));
        assert_eq!(partial.ticks_crossed, 1);
    }

    #[test]
    fn exact_out_inverts_exact_in() {
        let pool = two_ranges();
        for zero_for_one in [true, false] {
            let a = pool.quote_exact_in(u(E18 / 3), zero_for_one, None).unwrap();
            let b = pool.quote_exact_out(a.amount_out, zero_for_one, None).unwrap();
            assert_eq!(b.amount_out, a.amount_out);
            assert!(b.amount_in <= a.amount_in);
        }
    }

    #[test]
    fn failed_swaps_change_nothing_and_good_ones_apply() {
        let mut pool = two_ranges();
        let before = pool.clone();
        let quote = pool.quote_exact_in(u(E18), false, None).unwrap();
        let err = pool.swap_exact_in(u(E18), false, None, quote.amount_out + u(1)).unwrap_err();
        assert_eq!(err.code(), "SLIPPAGE_EXCEEDED");
        assert_eq!(pool, before);
        assert_eq!(pool.swap_exact_out(u(E18 / 100), true, None, u(1)).unwrap_err().code(), "SLIPPAGE_EXCEEDED");
        assert_eq!(pool, before);
        let done = pool.swap_exact_in(u(E18), false, None, quote.amount_out).unwrap();
        assert_eq!(done, quote);
        assert_eq!(pool.sqrt_price_x96(), quote.sqrt_price_x96);
        assert_eq!(pool.tick(), quote.tick);
        assert_eq!(pool.liquidity(), quote.liquidity);
    }

    #[test]
    fn zero_liquidity_gap_is_crossed_without_output() {
        // Liquidity only above tick 600: buying token0 from price 1 first crosses empty space.
        let ticks = [t(600, E18 as i128), t(1200, -(E18 as i128))];
        let pool = ConcentratedLiquidityPool::new(Q96, 0, 500, 10, &ticks, None).unwrap();
        let r = pool.quote_exact_in(u(E18 / 1000), false, None).unwrap();
        assert_eq!(r.ticks_crossed, 1);
        assert_eq!(r.liquidity, E18);
        assert!(r.sqrt_price_x96 > get_sqrt_ratio_at_tick(600).unwrap());
        assert!(r.amount_out > U256::ZERO);
        // Selling token0 into nothing moves the price to the limit for no output.
        let r = pool.quote_exact_in(u(E18), true, None).unwrap();
        assert_eq!((r.amount_out, r.amount_in, r.sqrt_price_x96), (U256::ZERO, U256::ZERO, MIN_SQRT_RATIO + u(1)));
    }
}
