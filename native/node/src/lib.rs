//! napi-rs binding of `fluxion-core`: `#[napi]` items and conversions only, no maths.

mod convert;
mod v2;
mod v3;
