//! napi-rs binding of `fluxion-core`: `#[napi]` items and conversions only, no maths.

mod convert;
mod fees;
mod impact;
mod pmm;
mod risk;
mod stableswap;
mod v2;
mod v3;
