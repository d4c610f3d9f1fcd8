//! One swap step inside a single liquidity range, exact to Uniswap v3-core `SwapMath.computeSwapStep`.

use super::full_math::{mul_div, mul_div_rounding_up};
use super::sqrt_price_math::{get_amount0_delta, get_amount1_delta, get_next_sqrt_price_from_input, get_next_sqrt_price_from_output};
use crate::{Error, Result, U256};

/// Fees are in pips: hundredths of a basis point, 1e-6.
pub const PIPS: u32 = 1_000_000;

/// Largest magnitude of the reference's `int256 amountRemaining`.
pub const MAX_AMOUNT: U256 = U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, i64::MAX as u64]);

/// What one step did: the price it reached and the amounts it moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwapStep {
    /// Price after the step (the target when it was reached).
    pub sqrt_ratio_next_x96: U256,
    /// Input paid to the pool, without the fee, rounded up.
    pub amount_in: U256,
    /// Output paid by the pool, rounded down.
    pub amount_out: U256,
    /// Fee taken on the input, rounded up.
    pub fee_amount: U256,
}

/// True when `amount` is certainly below `getAmount0Delta(lower, upper, liquidity, _)` (either
/// rounding), judged from bit lengths alone: with `E = bits(L) + bits(upper − lower) + 94 −
/// bits(lower) − bits(upper)`, the exact value `L·2^96·(upper − lower)/(upper·lower)` exceeds
/// `2^E`, so both roundings are at least `2^E`, while `amount < 2^bits(amount) ≤ 2^(E−2)`.
/// A `false` decides nothing; the exact value is then computed.
#[inline]
fn below_amount0_lower_bound(amount: U256, lower: U256, upper: U256, liquidity: u128) -> bool {
    if lower.is_zero() || lower >= upper || liquidity == 0 {
        return false;
    }
    let exponent = (128 - liquidity.leading_zeros()) as i64 + (upper - lower).bit_len() as i64 + 94
        - lower.bit_len() as i64
        - upper.bit_len() as i64;
    (amount.bit_len() as i64) <= exponent - 2
}

/// Swaps within one range from `sqrt_ratio_current_x96` toward `sqrt_ratio_target_x96` with
/// `liquidity`, spending at most `amount_remaining` (exact in) or buying at most it (exact out).
/// The direction is implied by the two prices (target ≤ current means token0 in), as in the
/// reference. `fee_pips` must be below 1e6.
pub fn compute_swap_step(
    sqrt_ratio_current_x96: U256,
    sqrt_ratio_target_x96: U256,
    liquidity: u128,
    amount_remaining: U256,
    exact_in: bool,
    fee_pips: u32,
) -> Result<SwapStep> {
    if fee_pips >= PIPS {
        return Err(Error::invalid(format!("fee {fee_pips} pips must be below {PIPS}")));
    }
    if amount_remaining > MAX_AMOUNT {
        return Err(Error::invalid("amount remaining exceeds int256"));
    }
    let current = sqrt_ratio_current_x96;
    let target = sqrt_ratio_target_x96;
    if current == target {
        // A step of zero length (the price sits on the step's boundary): every delta is zero,
        // the target is reached, and the fee on zero input is zero, as in the reference.
        return Ok(SwapStep { sqrt_ratio_next_x96: target, amount_in: U256::ZERO, amount_out: U256::ZERO, fee_amount: U256::ZERO });
    }
    let zero_for_one = current >= target;
    let fee = U256::from(fee_pips);
    let fee_complement = U256::from(PIPS - fee_pips);
    let pips = U256::from(PIPS);

    // Amount needed to reach the target (input when exact in, output when exact out).
    let mut amount_in = U256::ZERO;
    let mut amount_out = U256::ZERO;
    let next = if exact_in {
        let remaining_less_fee = mul_div(amount_remaining, fee_complement, pips)?;
        // The exact amount to the target is only needed when the step may reach it; a cheap
        // lower bound settles the common partial step (the comparison's outcome is the same).
        let surely_partial = zero_for_one && below_amount0_lower_bound(remaining_less_fee, target, current, liquidity);
        if !surely_partial {
            amount_in = if zero_for_one {
                get_amount0_delta(target, current, liquidity, true)?
            } else {
                get_amount1_delta(current, target, liquidity, true)?
            };
        }
        if !surely_partial && remaining_less_fee >= amount_in {
            target
        } else {
            get_next_sqrt_price_from_input(current, liquidity, remaining_less_fee, zero_for_one)?
        }
    } else {
        let surely_partial = !zero_for_one && below_amount0_lower_bound(amount_remaining, current, target, liquidity);
        if !surely_partial {
            amount_out = if zero_for_one {
                get_amount1_delta(target, current, liquidity, false)?
            } else {
                get_amount0_delta(current, target, liquidity, false)?
            };
        }
        if !surely_partial && amount_remaining >= amount_out {
            target
        } else {
            get_next_sqrt_price_from_output(current, liquidity, amount_remaining, zero_for_one)?
        }
    };
    let reached_target = next == target;
    if reached_target && amount_in.is_zero() && amount_out.is_zero() {
        // A step judged partial by the bound can still land on the target through the next
        // price's rounding; the reference then uses the amount to the target, so compute it.
        if exact_in && zero_for_one {
            amount_in = get_amount0_delta(target, current, liquidity, true)?;
        } else if !exact_in && !zero_for_one {
            amount_out = get_amount0_delta(current, target, liquidity, false)?;
        }
    }

    // Recompute the amounts for a partial step (the full-step ones are already exact).
    if zero_for_one {
        if !(reached_target && exact_in) {
            amount_in = get_amount0_delta(next, current, liquidity, true)?;
        }
        if !(reached_target && !exact_in) {
            amount_out = get_amount1_delta(next, current, liquidity, false)?;
        }
    } else {
        if !(reached_target && exact_in) {
            amount_in = get_amount1_delta(current, next, liquidity, true)?;
        }
        if !(reached_target && !exact_in) {
            amount_out = get_amount0_delta(current, next, liquidity, false)?;
        }
    }
    // Rounding of the price can make the output exceed what was asked; cap it.
    if !exact_in && amount_out > amount_remaining {
        amount_out = amount_remaining;
    }
    let fee_amount = if exact_in && !reached_target {
        // The whole remainder is spent: what is not input is fee.
        amount_remaining - amount_in
    } else {
        mul_div_rounding_up(amount_in, fee, fee_complement)?
    };
    Ok(SwapStep { sqrt_ratio_next_x96: next, amount_in, amount_out, fee_amount })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amm::testing::{E18, dec, u};
    use crate::amm::v3::sqrt_price_math::Q96;


    #[test]
    fn published_vector_exact_in_capped_at_target() {
        // /work/shared/ANCHORS.md (v3-core test/SwapMath.spec.ts): price 1 → 1.01 (encodePriceSqrt(101, 100)),
        // liquidity 2e18, 1e18 in, fee 600.
        let target = dec("79623317895830914510639640423");
        let step = compute_swap_step(Q96, target, 2 * E18, u(E18), true, 600).unwrap();
        assert_eq!(step.amount_in, u(9975124224178055));
        assert_eq!(step.fee_amount, u(5988667735148));
        assert_eq!(step.amount_out, u(9925619580021728));
        assert_eq!(step.sqrt_ratio_next_x96, target);
    }

    #[test]
    fn exact_out_capped_at_target() {
        // v3-core SwapMath.spec.ts: same range, 1e18 out.
        let target = dec("79623317895830914510639640423");
        let step = compute_swap_step(Q96, target, 2 * E18, u(E18), false, 600).unwrap();
        assert_eq!(step.amount_in, u(9975124224178055));
        assert_eq!(step.fee_amount, u(5988667735148));
        assert_eq!(step.amount_out, u(9925619580021728));
        assert_eq!(step.sqrt_ratio_next_x96, target);
    }

    #[test]
    fn exact_in_fully_spent_before_target() {
        // v3-core SwapMath.spec.ts: price 1 → 1000 (encodePriceSqrt(1000, 100)), 1e18 in.
        let target = dec("250541448375047931186413801569");
        let step = compute_swap_step(Q96, target, 2 * E18, u(E18), true, 600).unwrap();
        assert_eq!(step.amount_in, u(999400000000000000));
        assert_eq!(step.fee_amount, u(600000000000000));
        assert_eq!(step.amount_out, u(666399946655997866));
        assert_eq!(step.amount_in + step.fee_amount, u(E18));
        assert!(step.sqrt_ratio_next_x96 < target);
    }

    #[test]
    fn exact_out_fully_received_before_target() {
        // encodePriceSqrt(10000, 100) = 10 · 2^96.
        let target = Q96 * u(10);
        let step = compute_swap_step(Q96, target, 2 * E18, u(E18), false, 600).unwrap();
        assert_eq!(step.amount_in, u(2000000000000000000));
        assert_eq!(step.fee_amount, u(1200720432259356));
        assert_eq!(step.amount_out, u(E18));
        assert!(step.sqrt_ratio_next_x96 < target);
    }

    #[test]
    fn amount_out_capped_at_desired() {
        // v3-core SwapMath.spec.ts "amount out is capped at the desired amount out".
        let step = compute_swap_step(
            dec("417332158212080721273783715441582"),
            dec("1452870262520218020823638996"),
            159344665391607089467575320103,
            u(1),
            false,
            1,
        )
        .unwrap();
        assert_eq!(step.amount_in, u(1));
        assert_eq!(step.fee_amount, u(1));
        assert_eq!(step.amount_out, u(1));
        assert_eq!(step.sqrt_ratio_next_x96, dec("417332158212080721273783715441581"));
    }

    #[test]
    fn target_price_of_one_uses_partial_input() {
        let step = compute_swap_step(u(2), u(1), 1, dec("3915081100057732413702495386755767"), true, 1).unwrap();
        assert_eq!(step.amount_in, dec("39614081257132168796771975168"));
        assert_eq!(step.fee_amount, dec("39614120871253040049813"));
        assert!(step.amount_in + step.fee_amount <= dec("3915081100057732413702495386755767"));
        assert_eq!(step.amount_out, U256::ZERO);
        assert_eq!(step.sqrt_ratio_next_x96, u(1));
    }

    #[test]
    fn entire_input_amount_taken_as_fee() {
        let step = compute_swap_step(u(2413), dec("79887613182836312"), 1985041575832132834610021537970, u(10), true, 1872).unwrap();
        assert_eq!(step.amount_in, U256::ZERO);
        assert_eq!(step.fee_amount, u(10));
        assert_eq!(step.amount_out, U256::ZERO);
        assert_eq!(step.sqrt_ratio_next_x96, u(2413));
    }

    #[test]
    fn partial_step_rounding_onto_the_target_uses_the_full_amount() {
        // Found by the SDK differential test: the price from output rounds up onto the target,
        // so the output is the (capped) amount to the target, not zero.
        let step = compute_swap_step(u(94042926900), u(94042926901), 100616927553, u(184), false, 10000).unwrap();
        assert_eq!(step.sqrt_ratio_next_x96, u(94042926901));
        assert_eq!(step.amount_out, u(184));
    }

    #[test]
    fn lower_bound_shortcut_never_contradicts_the_exact_amount() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
        let min = crate::amm::v3::MIN_SQRT_RATIO;
        let mut decided = 0u32;
        for _ in 0..200_000 {
            let a = min + (U256::from(rng.random::<u128>()) << rng.random_range(0..32usize));
            let gap = U256::from(rng.random::<u64>()) >> rng.random_range(0..64usize);
            let b = a + gap + U256::from(1u8);
            let liquidity: u128 = rng.random::<u128>() >> rng.random_range(0..128u32);
            let exact = get_amount0_delta(a, b, liquidity, false).unwrap();
            // Probe amounts around the exact value and at every power-of-two fraction of it.
            let mut probes: Vec<U256> = [0u64, 1, 2, 3].iter().map(|d| exact.saturating_sub(U256::from(*d))).collect();
            probes.push(exact + U256::from(1u8));
            probes.extend((1..12).map(|k| exact >> k));
            for amount in probes {
                if below_amount0_lower_bound(amount, a, b, liquidity) {
                    assert!(amount < exact, "{amount} {a} {b} {liquidity}");
                    decided += 1;
                }
            }
        }
        assert!(decided > 1_000, "the shortcut should decide some far-below amounts, decided {decided}");
    }

    #[test]
    fn zero_liquidity_moves_to_target_for_free() {
        let step = compute_swap_step(Q96, Q96 / u(2), 0, u(E18), true, 3000).unwrap();
        assert_eq!(step, SwapStep { sqrt_ratio_next_x96: Q96 / u(2), amount_in: U256::ZERO, amount_out: U256::ZERO, fee_amount: U256::ZERO });
    }

    #[test]
    fn bad_fee_and_amount_are_invalid() {
        assert_eq!(compute_swap_step(Q96, Q96 / u(2), 1, u(1), true, PIPS).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(compute_swap_step(Q96, Q96 / u(2), 1, U256::MAX, true, 0).unwrap_err().code(), "INVALID_INPUT");
    }
}
