//! Ticks and sqrt prices, exact to Uniswap v3-core `TickMath`.
//!
//! A tick `i` stands for the price `1.0001^i`; its sqrt price is kept as a Q64.96 fixed-point
//! number (`uint160`). [`get_sqrt_ratio_at_tick`] rounds up so that
//! [`get_tick_at_sqrt_ratio`] of its output gives the tick back.

use crate::{Error, Result, U256};

/// Lowest tick: `log_1.0001(2^-128)`.
pub const MIN_TICK: i32 = -887272;
/// Highest tick: `log_1.0001(2^128)`.
pub const MAX_TICK: i32 = 887272;
/// `get_sqrt_ratio_at_tick(MIN_TICK)`.
pub const MIN_SQRT_RATIO: U256 = U256::from_limbs([4295128739, 0, 0, 0]);
/// `get_sqrt_ratio_at_tick(MAX_TICK)` = 1461446703485210103287273052203988822378723970342.
pub const MAX_SQRT_RATIO: U256 =
    U256::from_limbs([0x5d951d5263988d26, 0xefd1fc6a50648849, 0xfffd8963, 0]);

/// `1/sqrt(1.0001^(2^k))` as Q128.128 for k = 1..19 (the reference's constants; bit 0 seeds
/// the product).
const BIT_FACTORS: [u128; 19] = [
    0xfff97272373d413259a46990580e213a,
    0xfff2e50f5f656932ef12357cf3c7fdcc,
    0xffe5caca7e10e4e61c3624eaa0941cd0,
    0xffcb9843d60f6159c9db58835c926644,
    0xff973b41fa98c081472e6896dfb254c0,
    0xff2ea16466c96a3843ec78b326b52861,
    0xfe5dee046a99a2a811c461f1969c3053,
    0xfcbe86c7900a88aedcffc83b479aa3a4,
    0xf987a7253ac413176f2b074cf7815e54,
    0xf3392b0822b70005940c7a398e4b70f3,
    0xe7159475a2c29b7443b29c7fa6e889d9,
    0xd097f3bdfd2022b8845ad8f792aa5825,
    0xa9f746462d870fdf8a65dc1f90e061e5,
    0x70d869a156d2a1b890bb3df62baf32f7,
    0x31be135f97d08fd981231505542fcfa6,
    0x9aa508b5b7a84e1c677de54f3e99bc9,
    0x5d6af8dedb81196699c329225ee604,
    0x2216e584f5fa1ea926041bedfe98,
    0x48a170391f7dc42444e8fa2,
];
const BIT0_FACTOR: u128 = 0xfffcb933bd6fad37aa2d162d1a594001;

/// The 256-bit product of two u128 values as (high, low) words.
#[inline]
pub(crate) fn mul_u128_wide(a: u128, b: u128) -> (u128, u128) {
    // Four 64×64 → 128 products (each one machine multiply).
    let (a_hi, a_lo) = ((a >> 64) as u64 as u128, a as u64 as u128);
    let (b_hi, b_lo) = ((b >> 64) as u64 as u128, b as u64 as u128);
    let ll = a_lo * b_lo;
    let lh = a_lo * b_hi;
    let hl = a_hi * b_lo;
    let hh = a_hi * b_hi;
    let mid = (ll >> 64) + (lh & u64::MAX as u128) + (hl & u64::MAX as u128);
    let low = (ll & u64::MAX as u128) | (mid << 64);
    let high = hh + (lh >> 64) + (hl >> 64) + (mid >> 64);
    (high, low)
}

/// `sqrt(1.0001^tick) · 2^96`, rounded up (`TickMath.getSqrtRatioAtTick`).
/// Ticks outside `[MIN_TICK, MAX_TICK]` are `INVALID_INPUT` (the reference's `T`).
pub fn get_sqrt_ratio_at_tick(tick: i32) -> Result<U256> {
    if !(MIN_TICK..=MAX_TICK).contains(&tick) {
        return Err(Error::invalid(format!("tick {tick} is outside [{MIN_TICK}, {MAX_TICK}]")));
    }
    let abs_tick = tick.unsigned_abs();
    // The running Q128.128 product stays below 2^128 once any factor is applied; `None` stands
    // for the starting value 2^128 (which does not fit a u128), so the first factor is taken as is.
    let mut ratio: Option<u128> = (abs_tick & 1 != 0).then_some(BIT0_FACTOR);
    for (k, factor) in BIT_FACTORS.iter().enumerate() {
        if abs_tick & (2 << k) != 0 {
            ratio = Some(match ratio {
                Some(r) => mul_u128_wide(r, *factor).0,
                None => *factor,
            });
        }
    }
    let ratio: U256 = match ratio {
        None => return Ok(U256::from(1u8) << 96), // tick 0: 2^128 >> 32 exactly
        Some(r) if tick > 0 => super::full_math::div_256(U256::MAX, U256::from(r)).0,
        Some(r) => U256::from(r),
    };
    // Q128.128 → Q64.96, rounding up.
    let rounded_up = u64::from(ratio.as_limbs()[0] as u32 != 0);
    Ok((ratio >> 32) + U256::from(rounded_up))
}

/// Q128.128 `log_2` scaled to `log_sqrt(1.0001)`: 2^128 / log2(sqrt(1.0001)) (reference constant).
const LOG_SQRT10001_FACTOR: u128 = 255738958999603826347141;
/// Error margins of the logarithm, from the reference.
const TICK_LOW_OFFSET: u128 = 3402992956809132418596140100660247210;
const TICK_HIGH_OFFSET: u128 = 291339464771989622907027621153398088495;

/// The greatest tick whose sqrt ratio is at most `sqrt_price_x96` (`TickMath.getTickAtSqrtRatio`).
/// Prices outside `[MIN_SQRT_RATIO, MAX_SQRT_RATIO)` are `INVALID_INPUT` (the reference's `R`).
pub fn get_tick_at_sqrt_ratio(sqrt_price_x96: U256) -> Result<i32> {
    if sqrt_price_x96 < MIN_SQRT_RATIO || sqrt_price_x96 >= MAX_SQRT_RATIO {
        return Err(Error::invalid(format!(
            "sqrt price {sqrt_price_x96} is outside [MIN_SQRT_RATIO, MAX_SQRT_RATIO)"
        )));
    }
    let ratio: U256 = sqrt_price_x96 << 32; // Q128.128, below 2^192
    let msb = ratio.bit_len() as i32 - 1; // in [64, 191]
    // Normalise to [2^127, 2^128): one integer bit, 127 fraction bits.
    let mut r: u128 = if msb >= 128 {
        (ratio >> (msb - 127) as usize).to::<u128>()
    } else {
        (ratio << (127 - msb) as usize).to::<u128>()
    };
    // Signed Q64.64 log2, integer part first; fraction bits by repeated squaring.
    let mut log_2: i128 = ((msb - 128) as i128) << 64;
    for bit in (50..=63).rev() {
        let (high, low) = mul_u128_wide(r, r);
        // r·r >> 127 is in [2^127, 2^129); its bit 128 is the next binary digit of the log.
        if high >> 127 != 0 {
            log_2 |= 1i128 << bit;
            r = high; // (r·r >> 127) >> 1
        } else {
            r = (high << 1) | (low >> 127);
        }
    }
    // log_sqrt10001 = log_2 · factor as a two's complement int256 (|product| < 2^150).
    let magnitude = U256::from(log_2.unsigned_abs()) * U256::from(LOG_SQRT10001_FACTOR);
    let log_sqrt10001 = if log_2 < 0 { magnitude.wrapping_neg() } else { magnitude };
    let tick_low = arithmetic_shr_128(log_sqrt10001.wrapping_sub(U256::from(TICK_LOW_OFFSET)));
    let tick_high = arithmetic_shr_128(log_sqrt10001.wrapping_add(U256::from(TICK_HIGH_OFFSET)));
    if tick_low == tick_high {
        return Ok(tick_low);
    }
    Ok(if get_sqrt_ratio_at_tick(tick_high)? <= sqrt_price_x96 { tick_high } else { tick_low })
}

/// `x >> 128` of a two's complement int256, narrowed to the tick's width (the result is a tick).
#[inline]
fn arithmetic_shr_128(x: U256) -> i32 {
    let l = x.as_limbs();
    let high = ((l[3] as u128) << 64 | l[2] as u128) as i128;
    high as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> U256 {
        U256::from_str_radix(s, 10).unwrap()
    }

    #[test]
    fn published_vectors() {
        // /work/shared/ANCHORS.md (from v3-core test/TickMath.spec.ts).
        assert_eq!(get_sqrt_ratio_at_tick(-50).unwrap(), dec("79030349367926598376800521322"));
        assert_eq!(get_sqrt_ratio_at_tick(MIN_TICK + 1).unwrap(), U256::from(4295343490u64));
        // v3-core TickMath.spec.ts: max tick - 1, min and max ticks.
        assert_eq!(
            get_sqrt_ratio_at_tick(MAX_TICK - 1).unwrap(),
            dec("1461373636630004318706518188784493106690254656249")
        );
        assert_eq!(get_sqrt_ratio_at_tick(MIN_TICK).unwrap(), MIN_SQRT_RATIO);
        assert_eq!(get_sqrt_ratio_at_tick(MAX_TICK).unwrap(), MAX_SQRT_RATIO);
        assert_eq!(MAX_SQRT_RATIO, dec("1461446703485210103287273052203988822378723970342"));
        assert_eq!(get_sqrt_ratio_at_tick(0).unwrap(), U256::from(1u8) << 96);
    }

    #[test]
    fn ticks_out_of_range_are_invalid() {
        assert_eq!(get_sqrt_ratio_at_tick(MIN_TICK - 1).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(get_sqrt_ratio_at_tick(MAX_TICK + 1).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(get_tick_at_sqrt_ratio(MIN_SQRT_RATIO - U256::from(1u8)).unwrap_err().code(), "INVALID_INPUT");
        assert_eq!(get_tick_at_sqrt_ratio(MAX_SQRT_RATIO).unwrap_err().code(), "INVALID_INPUT");
    }

    #[test]
    fn tick_at_ratio_edges() {
        // v3-core TickMath.spec.ts getTickAtSqrtRatio cases.
        assert_eq!(get_tick_at_sqrt_ratio(MIN_SQRT_RATIO).unwrap(), MIN_TICK);
        assert_eq!(get_tick_at_sqrt_ratio(dec("4295343490")).unwrap(), MIN_TICK + 1);
        assert_eq!(
            get_tick_at_sqrt_ratio(dec("1461373636630004318706518188784493106690254656249")).unwrap(),
            MAX_TICK - 1
        );
        assert_eq!(get_tick_at_sqrt_ratio(MAX_SQRT_RATIO - U256::from(1u8)).unwrap(), MAX_TICK - 1);
    }

    #[test]
    fn round_trip_over_a_tick_sweep() {
        // Each tick's ratio maps back to the tick; one wei below maps to the tick before.
        let mut tick = MIN_TICK + 1;
        while tick < MAX_TICK {
            let ratio = get_sqrt_ratio_at_tick(tick).unwrap();
            assert_eq!(get_tick_at_sqrt_ratio(ratio).unwrap(), tick);
            assert_eq!(get_tick_at_sqrt_ratio(ratio - U256::from(1u8)).unwrap(), tick - 1);
            tick += 997;
        }
    }

    #[test]
    fn wide_multiply_matches_u256() {
        let cases = [(u128::MAX, u128::MAX), (1u128 << 127, 3), (0xdead_beef_u128 << 90, u128::MAX - 7)];
        for (a, b) in cases {
            let (hi, lo) = mul_u128_wide(a, b);
            let p = U256::from(a) * U256::from(b);
            assert_eq!(p, (U256::from(hi) << 128) | U256::from(lo));
        }
    }
}
