//! Conversions between JS values and core types, and the mapping of core errors to JS errors.
//!
//! Every JS error thrown by this package carries a stable `code`: the core's codes
//! (`INVALID_INPUT`, `OVERFLOW`, `INSUFFICIENT_LIQUIDITY`, `SLIPPAGE_EXCEEDED`, `PRICE_LIMIT`,
//! `NO_CONVERGENCE`) and `INTERNAL_PANIC` for a Rust panic, which is caught here so it can never
//! abort the Node process.

use fluxion_core::{Error as CoreError, U256};
use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, ValidateNapiValue, ValueType};
use napi::sys;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The stable code of a JS error raised by this package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code(pub &'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// What every exported function returns: a value or a JS error with a stable code.
/// (Named `Result` because napi-derive recognises fallible returns by that name.)
pub type Result<T> = napi::Result<T, Code>;

/// A JS error with `code` and message.
pub fn js_error(code: &'static str, message: impl Into<String>) -> napi::Error<Code> {
    napi::Error::new(Code(code), message.into())
}

/// A core error as a JS error with the same code.
pub fn from_core(err: CoreError) -> napi::Error<Code> {
    js_error(err.code(), err.to_string())
}

/// Shorthand for an `INVALID_INPUT` JS error.
pub fn invalid(message: impl Into<String>) -> napi::Error<Code> {
    js_error("INVALID_INPUT", message)
}

/// Runs a core computation, mapping its error and turning a panic into `INTERNAL_PANIC`.
pub fn guard<T>(compute: impl FnOnce() -> fluxion_core::Result<T>) -> Result<T> {
    guard_js(|| compute().map_err(from_core))
}

/// Like [`guard`] for bodies that already produce JS errors.
pub fn guard_js<T>(compute: impl FnOnce() -> Result<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(compute)) {
        Ok(result) => result,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(js_error("INTERNAL_PANIC", format!("internal error (Rust panic): {detail}")))
        }
    }
}

/// Throws a coded error from inside a value conversion, where napi only lets us return a `Status`.
unsafe fn throw_invalid(env: sys::napi_env, message: &str) -> napi::Error {
    unsafe { napi::JsError::from(invalid(message)).throw_into(env) };
    napi::Error::new(napi::Status::PendingException, message.to_string())
}

/// A bigint read from JS: its sign and up to four little-endian 64-bit words (higher words zero).
struct BigintWords {
    negative: bool,
    /// How many words the magnitude needs (above 4: it does not fit in `words`).
    len: usize,
    words: [u64; 4],
}

/// Reads a JS bigint, or throws `INVALID_INPUT` for any other value. One N-API call into a stack
/// buffer (the type check is the call's own `napi_bigint_expected`): this runs for every bigint
/// argument of every call, so it neither allocates nor asks for the word count first.
unsafe fn read_bigint(env: sys::napi_env, value: sys::napi_value, what: &str) -> napi::Result<BigintWords> {
    let mut words = [0u64; 4];
    let mut count = words.len();
    let mut sign = 0;
    let status = unsafe { sys::napi_get_value_bigint_words(env, value, &mut sign, &mut count, words.as_mut_ptr()) };
    if status != sys::Status::napi_ok {
        return Err(unsafe { throw_invalid(env, &format!("expected {what} as a bigint")) });
    }
    // V8 reports the words the magnitude needs (it keeps no high zero words), but the count is
    // trimmed anyway so a runtime that pads cannot make a small value look too wide.
    let mut len = count.min(words.len());
    while len > 0 && words[len - 1] == 0 {
        len -= 1;
    }
    if count > words.len() {
        len = unsafe { wide_bigint_len(env, value, count) };
    }
    Ok(BigintWords { negative: sign == 1 && len > 0, len, words })
}

/// The significant word count of a bigint wider than four words (rare: only out-of-range input).
#[cold]
unsafe fn wide_bigint_len(env: sys::napi_env, value: sys::napi_value, count: usize) -> usize {
    let mut all = vec![0u64; count];
    let mut count = all.len();
    let mut sign = 0;
    unsafe { sys::napi_get_value_bigint_words(env, value, &mut sign, &mut count, all.as_mut_ptr()) };
    all.iter().rposition(|w| *w != 0).map_or(0, |i| i + 1)
}

/// Writes a bigint from a sign and little-endian words.
unsafe fn write_bigint(env: sys::napi_env, negative: bool, words: &[u64]) -> napi::Result<sys::napi_value> {
    let mut out = std::ptr::null_mut();
    let status = unsafe { sys::napi_create_bigint_words(env, negative as i32, words.len(), words.as_ptr(), &mut out) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::new(napi::Status::GenericFailure, "could not create a bigint"));
    }
    Ok(out)
}

/// A non-negative integer below 2^256, passed as a JS bigint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uint256(pub U256);

impl TypeName for Uint256 {
    fn type_name() -> &'static str {
        "bigint"
    }
    fn value_type() -> ValueType {
        ValueType::BigInt
    }
}

impl ValidateNapiValue for Uint256 {}

impl FromNapiValue for Uint256 {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let big = unsafe { read_bigint(env, value, "an unsigned integer") }?;
        if big.negative {
            return Err(unsafe { throw_invalid(env, "expected a non-negative bigint") });
        }
        if big.len > 4 {
            return Err(unsafe { throw_invalid(env, "bigint exceeds 2^256 - 1") });
        }
        Ok(Uint256(U256::from_limbs(big.words)))
    }
}

impl ToNapiValue for Uint256 {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        let limbs = value.0.as_limbs();
        let len = limbs.iter().rposition(|w| *w != 0).map_or(0, |i| i + 1);
        unsafe { write_bigint(env, false, &limbs[..len]) }
    }
}

impl From<U256> for Uint256 {
    fn from(v: U256) -> Self {
        Uint256(v)
    }
}

/// A signed integer whose magnitude is below 2^256, as a JS bigint (results such as price impact).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int256 {
    pub negative: bool,
    pub magnitude: U256,
}

impl TypeName for Int256 {
    fn type_name() -> &'static str {
        "bigint"
    }
    fn value_type() -> ValueType {
        ValueType::BigInt
    }
}

impl ValidateNapiValue for Int256 {}

impl FromNapiValue for Int256 {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let big = unsafe { read_bigint(env, value, "an integer") }?;
        if big.len > 4 {
            return Err(unsafe { throw_invalid(env, "bigint magnitude exceeds 2^256 - 1") });
        }
        Ok(Int256 { negative: big.negative, magnitude: U256::from_limbs(big.words) })
    }
}

impl ToNapiValue for Int256 {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        let limbs = value.magnitude.as_limbs();
        let len = limbs.iter().rposition(|w| *w != 0).map_or(0, |i| i + 1);
        unsafe { write_bigint(env, value.negative && len > 0, &limbs[..len]) }
    }
}

/// Reads a `u128` packed as two little-endian words at `index` of a limb array.
#[inline]
pub fn read_u128(limbs: &[u64], index: usize) -> u128 {
    (limbs[2 * index] as u128) | ((limbs[2 * index + 1] as u128) << 64)
}

/// Writes a `u128` as two little-endian words at `index` of a limb array.
#[inline]
pub fn write_u128(limbs: &mut [u64], index: usize, value: u128) {
    limbs[2 * index] = value as u64;
    limbs[2 * index + 1] = (value >> 64) as u64;
}

/// Checks that a packed-u128 limb array holds whole pairs and returns how many values it holds.
pub fn u128_count(limbs: &[u64], what: &str) -> Result<usize> {
    if limbs.len() % 2 != 0 {
        return Err(invalid(format!("{what} must hold two 64-bit words per value (little-endian u128)")));
    }
    Ok(limbs.len() / 2)
}

/// Narrows a U256 result to u128 for a packed output array.
pub fn narrow_u128(v: U256, what: &str) -> Result<u128> {
    u128::try_from(v).map_err(|_| js_error("OVERFLOW", format!("{what} exceeds 2^128 - 1")))
}

/// Parses a fee or small count passed as a JS number, which must be a non-negative safe integer.
pub fn small_uint(value: f64, max: u32, what: &str) -> Result<u32> {
    if !(value.is_finite() && value.fract() == 0.0 && value >= 0.0 && value <= max as f64) {
        return Err(invalid(format!("{what} must be an integer in [0, {max}], got {value}")));
    }
    Ok(value as u32)
}

/// A fixed number of unsigned integers returned as a JS array of bigints: creating an array and
/// setting its elements by index is much cheaper over N-API than defining named properties on an
/// object (what `#[napi(object)]` does), so hot calls return several amounts this way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uint256Tuple<const N: usize>(pub [U256; N]);

impl<const N: usize> TypeName for Uint256Tuple<N> {
    fn type_name() -> &'static str {
        "Array<bigint>"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl<const N: usize> ToNapiValue for Uint256Tuple<N> {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        let mut array = std::ptr::null_mut();
        if unsafe { sys::napi_create_array_with_length(env, N, &mut array) } != sys::Status::napi_ok {
            return Err(napi::Error::new(napi::Status::GenericFailure, "could not create an array"));
        }
        for (index, v) in value.0.into_iter().enumerate() {
            let element = unsafe { Uint256::to_napi_value(env, Uint256(v)) }?;
            if unsafe { sys::napi_set_element(env, array, index as u32, element) } != sys::Status::napi_ok {
                return Err(napi::Error::new(napi::Status::GenericFailure, "could not set an array element"));
            }
        }
        Ok(array)
    }
}
