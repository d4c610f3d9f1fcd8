//! napi-rs binding of `fluxion-core`: `#[napi]` items and conversions only, no maths.

mod convert;
mod stableswap;
mod v2;
mod fees;
mod impact;
mod pmm;
