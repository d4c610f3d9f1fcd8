//! napi-rs binding of `fluxion-core`: `#[napi]` items and conversions only, no maths; and
//! `sched`, the calling thread's scheduling policy, which Node cannot set.

mod convert;
mod fees;
mod impact;
mod pmm;
mod risk;
mod sched;
mod stableswap;
mod v2;
mod v3;
